/**
 * The /sys/devices/system/node tree Linux (6.1) presents for a topology: `numakit topology
 * --format sysfs --out DIR`. Only what the tables decide is written:
 *
 * - `possible` (every node the SRAT names), `online` (src/topology/online.ts: x86 nodes with boot
 *   RAM, CPUs or generic initiators; a node with only hot-plug, non-volatile or specific-purpose
 *   memory stays offline; arm64: every node), `has_cpu`, `has_memory`,
 *   `has_normal_memory` (the same as has_memory on x86-64: ZONE_DMA32 counts, check_for_memory()),
 *   `has_generic_initiator`;
 * - per online node (register_one_node()): `cpulist`, `cpumap`, `distance` (to online nodes only,
 *   node_read_distance()), `meminfo` with MemTotal from the SRAT ranges (Linux subtracts what the
 *   kernel reserves, so the real value is lower), HMAT access classes and memory-side caches as
 *   drivers/acpi/numa/hmat.c registers them (src/topology/linux-node.ts).
 */
import type { Topology, TopologyNode } from "../topology/model.js";
import { linuxNodeAccess, linuxNodeCaches } from "../topology/linux-node.js";
import { linuxBootRam, linuxOnlineNodes, presentLinuxCpus } from "../topology/online.js";
import { maxOf } from "../util/arrays.js";

export type SysfsEntry = { kind: "file"; text: string } | { kind: "symlink"; target: string };
/** Relative path → content, in a stable order. */
export type SysfsTree = Map<string, SysfsEntry>;

/** "0-3,8,10-11", as Linux's %*pbl prints a bitmap. */
export function cpulistOf(ids: readonly number[]): string {
  const s = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] ?? 0) === (s[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** Linux's %*pb: hex, in 32-bit words separated by commas, width from nbits. */
export function cpumapOf(ids: readonly number[], nbits: number): string {
  const words = Math.max(1, Math.ceil(nbits / 32));
  const w = new Array<number>(words).fill(0);
  for (const id of ids) if (id < words * 32) w[Math.floor(id / 32)] = ((w[Math.floor(id / 32)] ?? 0) | (1 << (id % 32))) >>> 0;
  const firstDigits = Math.max(1, Math.ceil((nbits - (words - 1) * 32) / 4));
  return w.reverse().map((x, i) => x.toString(16).padStart(i === 0 ? firstDigits : 8, "0")).join(",");
}

/** The node tree for a topology in Linux's numbering. */
export function sysfsTree(t: Topology): SysfsTree {
  const tree: SysfsTree = new Map();
  const file = (path: string, text: string): void => { tree.set(path, { kind: "file", text: `${text}\n` }); };
  if (!t.verdicts.linux.usesSrat) return dummyTree(t);
  const online = linuxOnlineNodes(t);
  const ids = (f: (n: TopologyNode) => boolean): string => cpulistOf(t.nodes.filter((n) => online.has(n.id) && f(n)).map((n) => n.id));
  file("possible", cpulistOf(t.nodes.map((n) => n.id)));
  file("online", cpulistOf([...online]));
  file("has_cpu", ids((n) => presentLinuxCpus(n).length > 0));
  file("has_memory", ids((n) => linuxBootRam(n) > 0n));
  file("has_normal_memory", ids((n) => linuxBootRam(n) > 0n));
  file("has_generic_initiator", ids((n) => n.initiators.some((i) => i.kind === "generic-initiator")));
  const allCpus = [...t.nodes.flatMap((n) => n.cpus), ...t.unplacedCpus].filter((c) => c.madt !== "absent");
  const nrCpuIds = Math.max(allCpus.length, maxOf(allCpus.map((c) => (c.linuxCpu ?? -1) + 1)));
  const onlineIdx = t.nodes.map((n, i) => [n, i] as const).filter(([n]) => online.has(n.id));
  const access = linuxNodeAccess(t);
  for (const [n, i] of onlineIdx) {
    const dir = `node${n.id}`;
    const cpus = presentLinuxCpus(n);
    file(`${dir}/cpulist`, cpulistOf(cpus));
    file(`${dir}/cpumap`, cpumapOf(cpus, nrCpuIds));
    file(`${dir}/distance`, onlineIdx.map(([, j]) => t.distances.matrix[i]?.[j] ?? 0).join(" "));
    file(`${dir}/meminfo`, `Node ${n.id} MemTotal:       ${String(linuxBootRam(n) / 1024n).padStart(8)} kB`);
    access.get(n.id)?.forEach((c, k) => {
      const base = `${dir}/access${k}/initiators`;
      file(`${base}/read_bandwidth`, String(c.perf.readBandwidth));
      file(`${base}/read_latency`, String(c.perf.readLatency));
      file(`${base}/write_bandwidth`, String(c.perf.writeBandwidth));
      file(`${base}/write_latency`, String(c.perf.writeLatency));
      for (const ini of c.initiators) {
        tree.set(`${base}/node${ini}`, { kind: "symlink", target: `../../../node${ini}` });
        tree.set(`node${ini}/access${k}/targets/node${n.id}`, { kind: "symlink", target: `../../../node${n.id}` });
      }
    });
    for (const c of linuxNodeCaches(t, n)) {
      const base = `${dir}/memory_side_cache/index${c.level}`;
      file(`${base}/indexing`, String(c.indexing));
      file(`${base}/line_size`, String(c.lineSize));
      file(`${base}/size`, c.size.toString());
      file(`${base}/write_policy`, String(c.writePolicy));
    }
  }
  return new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Linux without a usable SRAT: one node 0 holding every CPU and all memory (numa_init(dummy_numa_init)). */
function dummyTree(t: Topology): SysfsTree {
  const cpus = [...t.nodes.flatMap(presentLinuxCpus), ...t.unplacedCpus.flatMap((c) => (c.enabled && c.linuxCpu !== undefined ? [c.linuxCpu] : []))];
  const all = [...t.nodes.flatMap((n) => n.cpus), ...t.unplacedCpus].filter((c) => c.madt !== "absent");
  const ram = t.nodes.reduce((a, n) => a + linuxBootRam(n), 0n);
  const files: [string, string][] = [
    ["has_cpu", cpus.length > 0 ? "0" : ""], ["has_generic_initiator", ""], ["has_memory", "0"], ["has_normal_memory", "0"],
    ["node0/cpulist", cpulistOf(cpus)], ["node0/cpumap", cpumapOf(cpus, Math.max(1, all.length))], ["node0/distance", "10"],
    ["node0/meminfo", `Node 0 MemTotal:       ${String(ram / 1024n).padStart(8)} kB`], ["online", "0"], ["possible", "0"],
  ];
  return new Map(files.map(([p, text]) => [p, { kind: "file", text: `${text}\n` }]));
}
