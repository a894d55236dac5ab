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
 *   drivers/acpi/numa/hmat.c registers them (see accessClasses()).
 */
import { hmatAccessClass, hmatAccessIndex, type AccessClass } from "../topology/hmat-access.js";
import type { Topology, TopologyNode } from "../topology/model.js";
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

/**
 * Access classes 0 (any initiator) and 1 (CPU initiators) per online target node with memory, as
 * drivers/acpi/numa/hmat.c registers them: src/topology/hmat-access.ts computes them (the memory
 * tiers read the same class 1).
 */
export function accessClasses(t: Topology): Map<number, [AccessClass, AccessClass]> {
  const out = new Map<number, [AccessClass, AccessClass]>();
  const h = t.hmat;
  if (h?.linuxUses !== true) return out;
  const online = linuxOnlineNodes(t);
  const byPxm = new Map(t.nodes.map((n) => [n.pxm, n]));
  const hasNode = (pxm: number): boolean => byPxm.has(pxm);
  const hasCpu = (pxm: number): boolean => { const n = byPxm.get(pxm); return n !== undefined && presentLinuxCpus(n).length > 0; };
  const index = hmatAccessIndex(h);
  for (const node of t.nodes) {
    if (!online.has(node.id) || node.memory.length === 0) continue;
    out.set(node.id, [hmatAccessClass(index, node.pxm, 0, hasNode, hasCpu), hmatAccessClass(index, node.pxm, 1, hasNode, hasCpu)]);
  }
  return out;
}

/** One access class as sysfs shows it: `accessK/initiators/` holds the online initiator nodes and the performance files. */
export interface NodeAccess { initiators: number[]; perf: AccessClass["perf"] }

/**
 * Per online target node with memory, its access classes 0 and 1 (`nodeN/accessK/`), with the
 * initiators as node ids (those online; each also gets `nodeI/accessK/targets/nodeN`). What both
 * this tree and the hwloc export (report/hwloc-view.ts, which reads what hwloc reads here) show.
 */
export function linuxNodeAccess(t: Topology): Map<number, [NodeAccess, NodeAccess]> {
  const online = linuxOnlineNodes(t);
  const byPxm = new Map(t.nodes.map((n) => [n.pxm, n.id]));
  const nodes = (c: AccessClass): number[] => c.initiators.flatMap((p) => { const ini = byPxm.get(p); return ini === undefined || !online.has(ini) ? [] : [ini]; });
  return new Map([...accessClasses(t)].map(([id, [c0, c1]]) => [id, [{ initiators: nodes(c0), perf: c0.perf }, { initiators: nodes(c1), perf: c1.perf }]]));
}

/** `nodeN/memory_side_cache/indexL` as sysfs shows it (what hwloc reads: topology-linux.c read_node_mscaches()). */
export interface NodeCache { level: number; size: bigint; lineSize: number; indexing: number; writePolicy: number }

const INDEXING: Record<string, number> = { "direct-mapped": 0, complex: 1 };
const WRITE_POLICY: Record<string, number> = { "write-back": 0, "write-through": 1 };

/**
 * The memory-side caches Linux registers for a node: hmat_register_target_cache() adds the PXM's
 * caches in table order; drivers/base/node.c node_add_cache() keeps the first of each level
 * ("attempt to add duplicate cache level"). None when Linux does not use the HMAT.
 */
export function linuxNodeCaches(t: Topology, n: TopologyNode): NodeCache[] {
  if (t.hmat?.linuxUses !== true) return [];
  const out = new Map<number, NodeCache>();
  for (const c of t.hmat.caches) {
    if (c.memoryPxm !== n.pxm || out.has(c.level)) continue;
    out.set(c.level, { level: c.level, size: c.size, lineSize: c.lineSize, indexing: INDEXING[c.associativity] ?? 2, writePolicy: WRITE_POLICY[c.writePolicy] ?? 2 });
  }
  return [...out.values()];
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
