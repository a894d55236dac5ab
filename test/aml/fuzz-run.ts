/**
 * `npm run fuzz:aml [-- CASES]`: the long fuzz run (default 100,000 cases) over every base table,
 * the large DSDTs included. Prints progress and the statistics; exits non-zero on the first
 * untyped exception, naming the seed and base so the case can be replayed with mutate().
 */
import { fuzzBases, mutate, runCase, type FuzzStats } from "./fuzz-core.js";

const cases = Number(process.argv[2] ?? process.env["AML_FUZZ_CASES"] ?? 100_000);
const bases = await fuzzBases(Number.POSITIVE_INFINITY);
const stats: FuzzStats = { cases: 0, diagnostics: 0, typedErrors: 0, maxMs: 0, totalMs: 0 };
const seed0 = Number(process.env["AML_FUZZ_SEED"] ?? 1_000_000);
for (let i = 0; i < cases; i++) {
  const seed = seed0 + i;
  const base = bases[seed % bases.length];
  if (base === undefined) continue;
  try {
    runCase(mutate(base.bytes, seed), base.signature, stats);
  } catch (e) {
    process.stderr.write(`FAIL seed ${seed} base ${base.source.file} (${base.signature}): ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
    break;
  }
  if ((i + 1) % 10_000 === 0) process.stdout.write(`${i + 1} cases, max ${stats.maxMs.toFixed(1)} ms\n`);
}
process.stdout.write(`${JSON.stringify({ bases: bases.length, ...stats })}\n`);
