/**
 * Skipping tests whose prerequisites are absent, with ONE line per reason at the end of the run
 * (printed by test/hooks.ts) instead of a failure: the sample corpus (./corpus.ts) and outside
 * programs (iasl, acpixtract, lstopo, numactl, a browser, ...).
 */
import { accessSync, constants } from "node:fs";
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

/** The lines test/hooks.ts prints at the end, one per reason. */
export function skipLines(corpusHint: string): string[] {
  return [...counts].map(([reason, n]) => `${String(n)} test${n === 1 ? "" : "s"} skipped: ${reason === "corpus" ? corpusHint : reason}`);
}
