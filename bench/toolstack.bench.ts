/**
 * Toolstack layer at scale: an 8-node 12 TiB host starts 1000 VMs of mixed sizes (up to 1 TiB)
 * through the seed's flow ("claim": serialized create + node claim, then interleaved builds).
 * Reports wall time, hypercalls/s, peak RSS and the locality achieved.
 */
import { createHost } from "../src/sim/hypervisor/index.js";
import { hostSpecFromCompact } from "../src/sim/host.js";
import type { HypervisorPort } from "../src/sim/libxc/hypercalls.js";
import { hypervisorPort } from "../src/sim/libxc/port.js";
import { prepareVmStart, type VmSpec } from "../src/sim/xenopsd/vm_start.js";
import { interleave } from "../src/sim/libxc/scheduler.js";

export const name = "toolstack: 1000 VM starts on an 8-node 12 TiB host (flow claim)";

const GiB = 1024;

/** 2 × 1 TiB, 4 × 512 GiB, 8 × 256 GiB, then 986 small VMs cycling 2/4/4/8/8 GiB (≈ 11.1 TiB). */
export function benchVms(): VmSpec[] {
  const sizes = [...Array<number>(2).fill(1024), ...Array<number>(4).fill(512), ...Array<number>(8).fill(256)];
  const small = [2, 4, 4, 8, 8];
  for (let i = 0; sizes.length < 1000; i++) sizes.push(small[i % small.length] ?? 4);
  return sizes.map((g, i) => ({ name: `vm${i}`, mem_mib: g * GiB, vcpus: g >= 256 ? 32 : g >= 8 ? 4 : 2 }));
}

/** The 8 × 1.5 TiB host as a scenario's compact `host` (two sockets of 4 nodes: 10 / 16 / 32). */
export function benchHostCompact(): { nodes: { mem_mib: number; cpus: number }[]; distances: number[][] } {
  const n = 8;
  const distances = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 10 : Math.floor(i / 4) === Math.floor(j / 4) ? 16 : 32)));
  return { nodes: Array.from({ length: n }, () => ({ mem_mib: 1536 * GiB, cpus: 64 })), distances };
}

/** The Xen the bench runs: as a scenario's `xen`, and for createHost. */
export const BENCH_XEN = { version: "current", nodeClaims: "v4" } as const;

export function benchHost(): HypervisorPort {
  return hypervisorPort(createHost(hostSpecFromCompact(benchHostCompact()), BENCH_XEN));
}

/**
 * Counts hypercalls passing through a port, and the atomic steps they were made in: a racing
 * build makes a populate_physmap extent by extent (its continuations, `start_extent` > 0, are the
 * same hypercall: src/sim/libxc/scheduler.ts).
 */
function counting(port: HypervisorPort): { port: HypervisorPort; calls: () => number; parts: () => number } {
  let calls = 0;
  let parts = 0;
  const wrapped = new Proxy(port, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      const continued = prop === "populate_physmap" ? (args: unknown[]): boolean => ((args[5] as number | undefined) ?? 0) > 0 : (): boolean => false;
      return (...args: unknown[]): unknown => {
        parts++;
        if (!continued(args)) calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { port: wrapped, calls: () => calls, parts: () => parts };
}

async function once(makeHost: () => HypervisorPort, pagingPool: boolean): Promise<string[]> {
  const vms = benchVms();
  const { port, calls, parts } = counting(makeHost());
  const t0 = performance.now();
  const start = prepareVmStart(port, { flow: "claim", policy: "xenopsd", seed: 1, vms, pagingPool });
  const t1 = performance.now();
  interleave(start.builds, 1);
  const t2 = performance.now();
  const r = start.collect();
  const wall = (t2 - t0) / 1000;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  await Promise.resolve();
  return [
    `paging pool ${pagingPool ? "on (xenopsd shadow_mib)" : "off"}: wall ${wall.toFixed(2)} s (serialized create+claim ${((t1 - t0) / 1000).toFixed(2)} s, ` +
      `interleaved builds ${((t2 - t1) / 1000).toFixed(2)} s), ${calls()} hypercalls in ${parts()} steps (port calls), ${Math.round(parts() / wall)} steps/s, peak RSS so far ${rssMiB.toFixed(0)} MiB`,
    `  started ${r.totals.started}/${r.totals.vms}, fully local ${r.totals.fullyLocal}, ${r.totals.localPercent.toFixed(2)}% of guest pages on the planned node(s); ` +
      `extents 1G ${r.totals.extents.order18}, 2M ${r.totals.extents.order9}, 4K ${r.totals.extents.order0}`,
  ];
}

export async function run(makeHost: () => HypervisorPort = benchHost): Promise<{ lines: string[] }> {
  const vms = benchVms();
  const guestTiB = vms.reduce((s, v) => s + v.mem_mib, 0) / (1024 * 1024);
  // Without the pool first, so its RSS figure is not inflated by the other run.
  const off = await once(makeHost, false);
  const on = await once(makeHost, true);
  return {
    lines: [`${vms.length} VMs, ${guestTiB.toFixed(2)} TiB of guest memory, largest ${Math.max(...vms.map((v) => v.mem_mib)) / GiB} GiB`, ...off, ...on],
  };
}
