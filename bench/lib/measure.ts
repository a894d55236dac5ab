/**
 * Shared measuring helpers for the benchmarks: CPU time (user + system, so that other processes on
 * a shared machine weigh less than on wall time), medians, and processes timed by the shell.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";

/** CPU milliseconds (user + system) this process spent in `fn`. */
export function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? (s[n >> 1] ?? NaN) : ((s[n / 2 - 1] ?? 0) + (s[n / 2] ?? 0)) / 2;
}

/** Median CPU ms of `fn` over at least `runs` runs and about `ms` of CPU, after one warm-up run. */
export function medianCpuMs(fn: () => void, runs = 5, ms = 500): number {
  fn();
  const xs: number[] = [];
  let spent = 0;
  while (xs.length < runs || spent < ms) {
    const t = cpuMs(fn);
    xs.push(t);
    spent += Math.max(t, 0.01);
    if (xs.length > 10_000) break;
  }
  return median(xs);
}

export interface ProcessCost {
  /** user + system CPU ms of the process and its children (bash's `time`, millisecond resolution). */
  cpuMs: number;
  wallMs: number;
  status: number | null;
}

/**
 * One run of `argv` timed by bash's `time` (getrusage of the children: user + system CPU at 1 ms
 * resolution, where /usr/bin/time prints 10 ms). Output is discarded.
 */
export function timeProcess(argv: readonly string[], cwd: string): ProcessCost {
  const r = spawnSync("bash", ["-c", 'TIMEFORMAT="%3U %3S %3R"; time { "$@" >/dev/null 2>&1; echo "rc $?" >&2; }', "bash", ...argv], { cwd, encoding: "utf8" });
  const lines = r.stderr.trim().split("\n");
  const rc = /^rc (\d+)$/.exec(lines.at(-2) ?? "");
  const [u, s, w] = (lines.at(-1) ?? "").split(" ").map(Number);
  return { cpuMs: ((u ?? NaN) + (s ?? NaN)) * 1000, wallMs: (w ?? NaN) * 1000, status: rc === null ? null : Number(rc[1]) };
}

/** Peak RSS (MiB) of one run of `argv`, from /usr/bin/time; NaN without it. */
export function peakRssMiB(argv: readonly string[], cwd: string): number {
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...argv], { cwd, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  if (r.error !== undefined) return NaN;
  return Number(r.stderr.trim().split("\n").at(-1)) / 1024;
}

/**
 * Median CPU ms of each command, run `rounds` times round-robin (so load from other processes falls
 * on all of them alike). Commands are named; the result maps name → median.
 */
export function processMedians(cmds: Record<string, readonly string[]>, cwd: string, rounds: number): Record<string, { cpuMs: number; all: number[]; failed: number }> {
  const all: Record<string, number[]> = {};
  const failed: Record<string, number> = {};
  for (const k of Object.keys(cmds)) { all[k] = []; failed[k] = 0; }
  for (let i = 0; i < rounds; i++) {
    for (const [k, argv] of Object.entries(cmds)) {
      const c = timeProcess(argv, cwd);
      all[k]?.push(c.cpuMs);
      if (c.status !== 0 && c.status !== 1) failed[k] = (failed[k] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.keys(cmds).map((k) => [k, { cpuMs: median(all[k] ?? []), all: all[k] ?? [], failed: failed[k] ?? 0 }]));
}

export function load(): string {
  return `load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`;
}

/** "1.23× (goal ≤ 1.5×, met)". */
export function goal(ratio: number, limit: number, unit = "×", atLeast = false): string {
  const met = atLeast ? ratio >= limit : ratio <= limit;
  return `${ratio.toFixed(2)}${unit} (goal ${atLeast ? "≥" : "≤"} ${limit}${unit}: ${met ? "met" : "NOT met"})`;
}

/**
 * A memory-latency probe: CPU ms of one walk of `steps` dependent loads through a random cycle over
 * `mib` MiB (cache lines missed one after another, as an interleaved simulation touches a different
 * domain's state on every call). 8 MiB fits this host's 32 MiB L3 when it is quiet: the walk then
 * takes ~35 ms, and up to ~110 ms when other jobs on the host fill the cache (from 16 MiB up it is
 * memory-bound either way, ~150 ms). `node -e 0` measures start-up, which barely moves with that;
 * this does, so a bench whose figure is cache-bound prints it beside.
 */
export function memoryProbe(mib = 8, steps = 1_000_000): () => number {
  const n = (mib * 2 ** 20) / 4;
  // Sattolo's algorithm: one cycle through every slot, seeded so that every probe walks the same one.
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = i;
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % i;
    const t = next[i] as number;
    next[i] = next[j] as number;
    next[j] = t;
  }
  return () => cpuMs(() => {
    let p = 0;
    for (let k = 0; k < steps; k++) p = next[p] as number;
    if (p < 0) throw new Error("unreachable");
  });
}
