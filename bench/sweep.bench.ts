/**
 * Sweeps at scale (issue 18): 1000 seeds × 40 VMs on an 8-node host
 * (samples/scenarios/sweep-8node-40vm.json, its inline host: 8 × 16 GiB, 8 CPUs per node), flow
 * `claim`, on 1 worker thread and then on 2. Reports each wall time, runs/s and the 1 → 2 worker
 * speed-up as a ratio measured in the same process (the pool's start-up included), plus whether
 * the two outputs are byte-identical, and each run's CPU time (user + system, all threads of the
 * process: on a shared machine the wall time says as much about the neighbours as about the
 * sweep). Not a timed test: nothing fails on speed.
 * `SWEEP_BENCH_SEEDS` (default 1000) and `SWEEP_BENCH_FLOWS` (default "claim") change the load.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runSweep, sweepHost } from "../src/sim/experiments/sweep.js";
import { sweepSpecOf } from "../src/sim/experiments/sweep-spec.js";
import { sweepJson } from "../src/sim/experiments/summary.js";
import { summarySentence } from "../src/sim/experiments/text.js";

export const name = "sweep: 1000 seeds × 40 VMs on an 8-node host, 1 and 2 worker threads";

export async function run(): Promise<{ lines: string[] }> {
  const file = fileURLToPath(new URL("../samples/scenarios/sweep-8node-40vm.json", import.meta.url));
  const json = JSON.parse(readFileSync(file, "utf8")) as unknown;
  const seeds = process.env["SWEEP_BENCH_SEEDS"] ?? "1000";
  const flows = process.env["SWEEP_BENCH_FLOWS"] ?? "claim";
  const spec = sweepSpecOf(json, { seeds: `1..${seeds}`, flows });
  if (spec === undefined) throw new Error("no sweep");
  const host = await sweepHost(json, undefined, { file });
  const lines: string[] = [];
  const outs: string[] = [];
  const walls: number[] = [];
  for (const jobs of [1, 2]) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await runSweep({ file: "sweep-8node-40vm.json", json, spec, host, jobs });
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    walls.push(ms);
    outs.push(JSON.stringify(sweepJson(r)));
    const runs = spec.seeds.length * spec.flows.length;
    lines.push(`${jobs} worker${jobs === 1 ? "" : "s"}: ${runs} runs (${spec.seeds.length} seeds × ${spec.flows.join(",")}) × 40 VMs in ${(ms / 1000).toFixed(1)} s = ${(runs / (ms / 1000)).toFixed(1)} runs/s` +
      (jobs === 1 ? ` (${(ms / runs).toFixed(1)} ms per run)` : "") + `; CPU user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s`);
    if (jobs === 1) lines.push(`  ${summarySentence(r)}`);
  }
  const [w1, w2] = walls;
  lines.push(`speed-up 1 → 2 workers: ×${((w1 ?? 0) / (w2 ?? 1)).toFixed(2)}; outputs byte-identical: ${String(outs[0] === outs[1])}`);
  lines.push(`load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} (${availableParallelism()} CPUs)`);
  lines.push(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  return { lines };
}
