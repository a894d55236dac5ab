/**
 * Child process of bench/simgoals.bench.ts: one 1000-VM start (toolstack bench's VMs and 8 × 1.5 TiB
 * host, flow "claim"), alone in its process so that its peak RSS is its own (with "warm", after one
 * unmeasured run of the same start: the simulation without V8's warm-up). Prints one JSON line:
 * CPU ms of the run, RSS before it (node + modules loaded) and the process's peak RSS (MiB).
 */
import { prepareVmStart } from "../../src/sim/xenopsd/vm_start.js";
import { interleave } from "../../src/sim/libxc/scheduler.js";
import { benchHost, benchVms } from "../toolstack.bench.js";

const pagingPool = process.argv[2] === "pool";
// "warm": the same start run once before the measured one, in this process, so that V8 has
// compiled the simulator and learnt its types: what is left is the simulation's own cost.
const warm = process.argv[3] === "warm";

function once(): ReturnType<ReturnType<typeof prepareVmStart>["collect"]> {
  const start = prepareVmStart(benchHost(), { flow: "claim", policy: "xenopsd", seed: 1, vms: benchVms(), pagingPool });
  interleave(start.builds, 1);
  return start.collect();
}

if (warm) once();
global.gc?.();
const rssBefore = process.memoryUsage.rss() / 2 ** 20;
const c0 = process.cpuUsage();
const t0 = performance.now();
const r = once();
const c = process.cpuUsage(c0);
process.stdout.write(`${JSON.stringify({
  cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0, rssBefore, peakRss: process.resourceUsage().maxRSS / 1024,
  started: r.totals.started, vms: r.totals.vms,
})}\n`);
