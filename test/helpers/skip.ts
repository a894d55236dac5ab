/**
 * Skipping tests whose prerequisites are absent, with ONE line per reason at the end of the run
 * (printed by test/hooks.ts) instead of a failure: the sample corpus (./corpus.ts) and outside
 * programs (iasl, acpixtract, lstopo, numactl, a browser, ...).
 */
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Reason → number of tests skipped for it; reasons print in the order they were first met. */
const counts = new Map<string, number>();
const programHints = new Map<string, string>([
  ["iasl", "acpica-tools"], ["acpixtract", "acpica-tools"], ["lstopo", "hwloc-nox"], ["hwloc-calc", "hwloc-nox"], ["numactl", "numactl"],
]);

/**
 * Skip the current test, or every test of the describe when called from its `before` hook, and
 * count them under `reason`. Never returns.
 */
export function skipped(ctx: Mocha.Context, reason: string): never {
  const runnable = ctx.runnable() as Mocha.Runnable & { type?: string };
  const n = runnable.type === "hook" ? (runnable.parent?.total() ?? 1) : 1;
  counts.set(reason, (counts.get(reason) ?? 0) + n);
  saveCounts();
  ctx.skip();
}

const found = new Map<string, boolean>();

/** Whether `name` is an executable on PATH (looked up, not run). */
function onPath(name: string): boolean {
  let yes = found.get(name);
  if (yes === undefined) {
    yes = (process.env["PATH"] ?? "").split(delimiter).some((dir) => {
      if (dir === "") return false;
      try { accessSync(join(dir, name), constants.X_OK); return true; } catch { return false; }
    });
    found.set(name, yes);
  }
  return yes;
}

export interface ProgramCheck {
  /** How to tell whether it is there (default: an executable of that name on PATH). */
  available?: () => boolean;
  /** What to install, for the skip line (default: known Debian packages for iasl, lstopo, ...). */
  install?: string;
}

/**
 * Call first in a test (or a describe's `before` hook) that runs an outside program: skips when it
 * is absent. A browser test passes its own `available` check (e.g. "chromium" found by
 * playwright-core) and `install` hint.
 */
export function requireProgram(ctx: Mocha.Context, name: string, check: ProgramCheck = {}): void {
  if (check.install !== undefined) programHints.set(name, check.install);
  if ((check.available ?? (() => onPath(name)))()) return;
  const hint = programHints.get(name);
  skipped(ctx, `${name} not found${hint === undefined ? "" : ` (install ${hint})`}`);
}
/** The same check without a test context (for helpers that can do with less when it is absent). */
requireProgram.available = (name: string): boolean => onPath(name);

/**
 * Where this run's processes leave their counts: mocha's parallel workers skip tests in their own
 * processes, and the summary line is printed by the main one (test/hooks.ts). NUMAKIT_TEST_RUN is
 * set by .mocharc.cjs and inherited by every process of the run.
 */
function countsDir(): string | undefined {
  const run = process.env["NUMAKIT_TEST_RUN"];
  return run === undefined ? undefined : join(tmpdir(), `numakit-skips-${run}`);
}

function saveCounts(): void {
  const dir = countsDir();
  if (dir === undefined) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${String(process.pid)}.json`), JSON.stringify([...counts]));
}

/** Forget counts left by an earlier run that had this run's id (called before any test). */
export function resetSkipCounts(): void {
  const dir = countsDir();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Every process's counts, summed (and the files removed): reasons in the order first met. */
function allCounts(): Map<string, number> {
  const dir = countsDir();
  if (dir === undefined) return counts;
  const total = new Map<string, number>();
  let files: string[] = [];
  try { files = readdirSync(dir).sort(); } catch { /* nothing was skipped */ }
  for (const f of files) {
    for (const [reason, n] of JSON.parse(readFileSync(join(dir, f), "utf8")) as [string, number][]) total.set(reason, (total.get(reason) ?? 0) + n);
  }
  rmSync(dir, { recursive: true, force: true });
  return total;
}

/** The lines test/hooks.ts prints at the end, one per reason. */
export function skipLines(corpusHint: string): string[] {
  return [...allCounts()].map(([reason, n]) => `${String(n)} test${n === 1 ? "" : "s"} skipped: ${reason === "corpus" ? corpusHint : reason}`);
}
