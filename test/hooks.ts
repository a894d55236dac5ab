/**
 * Loaded by mocha through --require (.mocharc.cjs): global fixtures around the whole run.
 * - setup: a corpus that was promised (NUMAKIT_CORPUS set, or CI=true) but is not there fails
 *   the run before any test, in one sentence naming what is missing;
 * - teardown: after mocha's summary, ONE line per reason tests were skipped (no corpus, a
 *   missing program), saying how many and how to enable them.
 */
import { relative } from "node:path";
// Every process of the run (mocha's parallel workers included) configures itself the same way.
import "./setup.js";
import { corpusMissing, corpusPresent, corpusPromised, corpusRoot } from "./helpers/corpus.js";
import { repoRoot } from "./helpers/paths.js";
import { resetSkipCounts, skipLines } from "./helpers/skip.js";

export function mochaGlobalSetup(): void {
  resetSkipCounts();
  if (corpusPromised && !corpusPresent()) throw new Error(corpusMissing());
}

export function mochaGlobalTeardown(): void {
  const where = relative(repoRoot, corpusRoot);
  const hint = `no sample corpus at ${where.startsWith("..") ? where : corpusRoot} (to run them: NUMAKIT_CORPUS=/path/to/samples npm test, see README "Development")`;
  for (const line of skipLines(hint)) process.stdout.write(`  numakit: ${line}\n`);
}

// mocha stops its parallel workers with SIGTERM; exiting normally lets each write its V8 coverage
// for c8 (a process killed by the signal writes none).
process.on("SIGTERM", () => process.exit(0));
