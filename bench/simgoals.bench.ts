/**
 * Simulator goals of issue 19, CPU time (user + system), medians:
 *  - meminit_hvm of a 1 TiB guest on a fresh 8 × 1.5 TiB host, in process (goal ≤ 10 ms), and how
 *    the time grows when the guest doubles (2 TiB, 4 TiB; goal ≤ 1.2× per doubling);
 *  - 1000 VM starts on that host (toolstack bench's mix, flow "claim"), each run in a child process
 *    of its own: CPU (goal ≤ 1 s; the wall time beside it) and the child's peak RSS (goal ≤ 150 MB) next to the same
 *    child's RSS before the run (node and the modules: the baseline); the child is bundled by
 *    esbuild and run by plain node, as the CLI is.
 * Figures, not pass/fail.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { buildSync } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHost } from "../src/sim/hypervisor/index.js";
import { hostSpecFromCompact } from "../src/sim/host.js";
import { hypervisorPort } from "../src/sim/libxc/port.js";
import { xc_domain_create, xc_domain_setmaxmem, xc_interface_open } from "../src/sim/libxc/xenctrl.js";
import { runToEnd } from "../src/sim/libxc/scheduler.js";
import { hvmLayout } from "../src/sim/xenguest/layout.js";
import { meminit_hvm } from "../src/sim/xenguest/meminit_hvm.js";
import { cpuMs, goal, load, median, memoryProbe, timeProcess } from "./lib/measure.js";
import { BENCH_XEN, benchHostCompact, benchVms } from "./toolstack.bench.js";
import type { BenchReport } from "./run.js";

export const name = "simgoals";

const here = join(fileURLToPath(import.meta.url), "..");
const TiB_MIB = 1024 * 1024;

/**
 * Each sample times this many meminit_hvm calls back to back (on as many fresh hosts) and divides:
 * one call is ~0.15 ms, and single calls timed alone scattered by ±20% between runs of the bench,
 * enough to flip the doubling goal's verdict on noise.
 */
const MEMINITS_PER_SAMPLE = 8;

/** CPU ms of one meminit_hvm of `mib` on a fresh 8 × 1.5 TiB host (host boot and domain creation not counted). */
function meminitOnce(mib: number): number {
  const spec = hostSpecFromCompact({ nodes: Array.from({ length: 8 }, () => ({ mem_mib: 1536 * 1024, cpus: 64 })) });
  const guests = Array.from({ length: MEMINITS_PER_SAMPLE }, () => {
    const xch = xc_interface_open(hypervisorPort(createHost(spec, { version: "current" })));
    const domid = xc_domain_create(xch, { max_vcpus: 4 });
    xc_domain_setmaxmem(xch, domid, mib * 1024 + 1024);
    return { xch, dom: hvmLayout({ domid, mem_mib: mib }) };
  });
  let failed = 0;
  const ms = cpuMs(() => { for (const g of guests) if (runToEnd(meminit_hvm(g.xch, g.dom)).rc !== 0) failed++; });
  if (failed > 0) throw new Error(`bench: meminit_hvm of ${mib} MiB failed`);
  return ms / MEMINITS_PER_SAMPLE;
}

/** Median CPU ms per size, the sizes run round-robin after a warm-up of every size (JIT). */
function meminitMedians(sizes: readonly number[], runs: number): number[] {
  for (let i = 0; i < 3; i++) for (const mib of sizes) meminitOnce(mib);
  const xs = sizes.map((): number[] => []);
  for (let i = 0; i < runs; i++) sizes.forEach((mib, k) => xs[k]?.push(meminitOnce(mib)));
  return xs.map(median);
}

interface ChildResult { cpuMs: number; wallMs: number; rssBefore: number; peakRss: number; started: number; vms: number }

/**
 * The child bundled into one JavaScript file by esbuild, as the CLI is (scripts/build.mjs), and run
 * by plain node: through tsx the process carried tsx's loader thread and transforms (an RSS
 * baseline of 85 MiB instead of 42, and their CPU), which a user's `numakit sim` never does.
 */
function bundledChild(dir: string): string {
  const out = join(dir, "vm-start-child.mjs");
  buildSync({ entryPoints: [join(here, "lib", "vm-start-child.ts")], bundle: true, platform: "node", format: "esm", target: "node20", outfile: out, external: ["tinypool"], logLevel: "warning" });
  return out;
}

/**
 * The same start as a user runs it: a scenario file (the bench's host, its 1000 VMs, flow claim,
 * paging pool off) given to the built `numakit sim`, whose CPU then also holds the CLI's start
 * (with its code cache), reading the scenario and printing the per-VM table.
 */
function userScenario(dir: string): string {
  const file = join(dir, "vm-start-1000.json");
  writeFileSync(file, JSON.stringify({
    description: "bench: 1000 VMs on 8 x 1.5 TiB (bench/toolstack.bench.ts's mix)",
    host: benchHostCompact(),
    xen: BENCH_XEN,
    steps: [{ op: "vm_start", flow: "claim", policy: "xenopsd", seed: 1, vms: benchVms(), paging_pool: false }],
  }));
  return file;
}

function vmStartChild(child: string, pool: boolean, warm = false): ChildResult {
  const r = spawnSync(process.execPath, ["--expose-gc", child, pool ? "pool" : "nopool", ...(warm ? ["warm"] : [])], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench: vm-start child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as ChildResult;
}

/** Rounds that also run a warmed child (its run is two starts long), and the CLI on a scenario file. */
const WARM_ROUNDS = 3;
const CLI_ROUNDS = 3;

export function run(): Promise<BenchReport> {
  const lines: string[] = [load()];
  // Sub-millisecond figures on a host whose speed drifts: many rounds, round-robin over the sizes.
  const runs = 41;
  const [tSmall = NaN, t1 = NaN, t2 = NaN, t4 = NaN] = meminitMedians([16 * 1024, TiB_MIB, 2 * TiB_MIB, 4 * TiB_MIB], runs);
  lines.push(`meminit_hvm in process, fresh 8 × 1.5 TiB host, median of ${runs} samples of ${MEMINITS_PER_SAMPLE} calls each: 16 GiB ${tSmall.toFixed(2)} ms, 1 TiB ${t1.toFixed(2)} ms (${goal(t1 / 10, 1)} the 10 ms goal), 2 TiB ${t2.toFixed(2)} ms, 4 TiB ${t4.toFixed(2)} ms`);
  lines.push(`  doubling the guest: 1 → 2 TiB ${goal(t2 / t1, 1.2)}, 2 → 4 TiB ${goal(t4 / t2, 1.2)} ` +
    "(the build merges its passes, and takes a free list's run of 1 GiB buddies in one step)");
  const dir = mkdtempSync(join(tmpdir(), "numakit-simgoals-"));
  const child = bundledChild(dir);
  // The 1 s goal is absolute, and this host's speed drifts (the same code took 1.45 s and 2.3 s of
  // CPU on two days): a bare `node -e 0`, timed before each child, says how fast the host was.
  // Rounds alternate the two modes, so that drift during the run weighs on both alike; a child's
  // CPU varies by ±5% from run to run here, hence five rounds.
  const rounds = 5;
  const bare: number[] = [];
  const probe = memoryProbe();
  const latency: number[] = [];
  const children: ChildResult[][] = [[], []];
  const warmed: ChildResult[] = [];
  // The CLI as installed runs dist/: build it so that the figure is of the current sources.
  execFileSync("npm", ["run", "--silent", "build"], { cwd: join(here, ".."), stdio: "ignore" });
  const scenario = userScenario(dir);
  const cli: { cpuMs: number; wallMs: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const pool of [false, true]) {
      bare.push(timeProcess([process.execPath, "-e", "0"], here).cpuMs);
      latency.push(probe());
      children[pool ? 1 : 0]?.push(vmStartChild(child, pool));
    }
    if (i < WARM_ROUNDS) warmed.push(vmStartChild(child, false, true));
    if (i < CLI_ROUNDS) {
      const r = timeProcess([process.execPath, join(here, "..", "bin", "numakit"), "sim", scenario], here);
      if (r.status !== 0) throw new Error(`bench: numakit sim of the 1000-VM scenario exited ${String(r.status)}`);
      cli.push(r);
    }
  }
  for (const pool of [false, true]) {
    const rs = children[pool ? 1 : 0] ?? [];
    const cpu = median(rs.map((r) => r.cpuMs));
    const wall = median(rs.map((r) => r.wallMs));
    const peak = median(rs.map((r) => r.peakRss));
    const before = median(rs.map((r) => r.rssBefore));
    const r0 = rs[0];
    lines.push(`1000 VM starts (flow claim, paging pool ${pool ? "on" : "off"}), own process, median of ${rounds}: ${r0?.started ?? 0}/${r0?.vms ?? 0} started, ` +
      `${cpu.toFixed(0)} ms CPU = ${goal(cpu / 1000, 1)} the 1 s goal (wall ${wall.toFixed(0)} ms = ${(wall / 1000).toFixed(2)}×; CPU above wall is V8's compiler and GC threads beside the simulation); peak RSS ${peak.toFixed(0)} MiB (${goal((peak * 2 ** 20) / 150e6, 1)} 150 MB), ` +
      `RSS before the run ${before.toFixed(0)} MiB (baseline: node + the bundled modules), growth ${(peak - before).toFixed(0)} MiB; ` +
      `CPU of the ${rounds} runs ${rs.map((r) => r.cpuMs).sort((a, b) => a - b).map((c) => c.toFixed(0)).join(", ")} ms`);
  }
  // Where the CPU of the cold run goes: the same start measured again in the process that ran it
  // once already is the simulation alone; the rest of the cold run's CPU is V8 warming up to it
  // (running it in the interpreter and compiling it, on the main thread and on the compiler's).
  const cold = median((children[0] ?? []).map((r) => r.cpuMs));
  const hot = median(warmed.map((r) => r.cpuMs));
  lines.push(`  the same start (pool off) in a process that ran it once already, median of ${warmed.length}: ${hot.toFixed(0)} ms CPU (wall ${median(warmed.map((r) => r.wallMs)).toFixed(0)} ms): ` +
    `the simulation is ${(100 * hot / cold).toFixed(0)}% of the cold run's CPU, V8's warm-up (interpreting and compiling it) the other ${(100 - 100 * hot / cold).toFixed(0)}%`);
  const cliCpu = median(cli.map((r) => r.cpuMs));
  lines.push(`  as a user runs it, \`numakit sim\` of that start as a scenario file (the built CLI: its start, the scenario, the per-VM table), median of ${cli.length}: ` +
    `${cliCpu.toFixed(0)} ms CPU = ${goal(cliCpu / 1000, 1)} the 1 s goal, wall ${median(cli.map((r) => r.wallMs)).toFixed(0)} ms`);
  lines.push(`  host speed in these rounds: node -e 0 took ${median(bare).toFixed(0)} ms of CPU (median of ${bare.length}, one before each child); ` +
    `a memory-latency probe (1 M dependent loads over 8 MiB, ~35 ms on a quiet host) ${median(latency).toFixed(0)} ms: the 1000-VM start is cache-bound, and slows with this when other jobs share the host`);
  rmSync(dir, { recursive: true, force: true });
  return Promise.resolve({ lines });
}
