/**
 * What hwloc would see on a Linux booted with these tables: the policy half of the hwloc XML
 * export (./hwloc-xml.ts renders it). hwloc never reads ACPI; on Linux it reads sysfs
 * (hwloc/topology-linux.c `look_sysfsnode()`), so every choice here follows what Linux puts there:
 *
 * Acceptance (SRAT, SLIT, HMAT) always follows Linux, hwloc's platform; `--numbering` only changes
 * the node ids (os_index).
 *
 * - Nodes: the topology's nodes, under its numbering, that are online at boot: with a CPU present
 *   at boot, memory present at boot, or a generic initiator (N_GENERIC_INITIATOR). A node with only
 *   disabled CPUs or hot-plug windows has no `node/nodeN` until something is plugged in. When Linux
 *   rejects the SRAT (or there is none) it runs one dummy node 0 with every CPU; its size comes from
 *   the e820 map, which the tables do not give, so it has no local_memory.
 * - PUs: os_index = the Linux CPU number (enabled MADT entries in table order). CPUs without one
 *   (disabled / online-capable in the MADT) are not PUs. hwloc needs at least one PU.
 * - Distances: what `node_distance()` returns and sysfs `nodeN/distance` shows: the SLIT when Linux
 *   uses it, else its defaults 10 local / 20 remote (`numa_alloc_distance()`); Linux does not
 *   evaluate `_SLI`, so `_SLI` values are not exported. hwloc reads the matrix whenever there are
 *   two nodes or more, as "NUMALatency" with kind FROM_OS|VALUE_LATENCY.
 * - Memory attributes: what hwloc 2.9 reads from sysfs (topology-linux.c
 *   read_node_local_memattrs()): per node, the access class 1 (initiators with CPUs) when
 *   `accessK/initiators` exists for it, else class 0; Read/Write Latency/Bandwidth when above
 *   0, and the main attribute as the integer average when both are. The initiator is the node's
 *   cpuset. So one value per node and attribute, for its best CPU initiators, as Linux
 *   registers them (src/topology/hmat-access.ts, src/topology/linux-node.ts linuxNodeAccess()), not one
 *   per HMAT pair: other pairs are in no sysfs file hwloc reads.
 * - Cpusets (look_sysfsnode()): a node's own CPUs (cpumap), then, nodes with CPUs first, the
 *   cpusets of the other nodes among its access-class initiators (read_node_initiators(): OR-ed
 *   in, for nodes with CPUs too); a CPU-less node still without CPUs takes those of every node at
 *   its smallest distance when that is above its own distance and not every other node ties
 *   (fixup_cpuless_node_locality_from_distances()). Both walk nodes in os_index order and see the
 *   cpusets fixed so far, as hwloc does. An empty cpuset puts the node in a Group with no PU.
 * - Memory-side caches: `memory_side_cache/indexL` (read_node_mscaches()): a MemCache of depth
 *   L, size, line size, associativity 1 when direct-mapped (indexing 0) else 0 (unknown),
 *   unified. The write policy is not read.
 *
 * hwloc's core then builds the tree (./hwloc-tree.ts): memory Groups, distance Groups, MemCaches.
 */
import { InputError } from "../errors.js";
import { hwlocSubtype } from "../topology/kinds.js";
import type { Topology, TopologyNode } from "../topology/model.js";
import { LOCAL_DISTANCE, REMOTE_DISTANCE } from "../topology/distances.js";
import { linuxBootRam, linuxOnlineNodes } from "../topology/online.js";
import { linuxNodeAccess, linuxNodeCaches } from "../topology/linux-node.js";
import { sortedUnion } from "../util/arrays.js";

/** hwloc's built-in attributes this export fills (include/hwloc/memattrs.h), with their flags. */
export const MEMATTRS = [
  { name: "Bandwidth", flags: 5 },
  { name: "Latency", flags: 6 },
  { name: "ReadBandwidth", flags: 5 },
  { name: "WriteBandwidth", flags: 5 },
  { name: "ReadLatency", flags: 6 },
  { name: "WriteLatency", flags: 6 },
] as const;
export type MemattrName = (typeof MEMATTRS)[number]["name"];

/** Node ids and CPU numbers become bitmap bits; beyond this a bitmap string would be unbounded. */
export const MAX_HWLOC_INDEX = 1 << 16;

export interface HwlocNumaNode {
  /** os_index: the node id under the topology's numbering. */
  os: number;
  pxm?: number;
  /** Linux CPU numbers, ascending. */
  pus: number[];
  /** Bytes present at boot; absent when the tables cannot tell (dummy node). */
  localMemory?: bigint;
  /** hwloc's cpuset of the node: its CPUs, with its initiators' or nearest nodes' (see the module comment). */
  cpuset: number[];
  /** Memory-side caches, ascending depth. */
  caches: HwlocCache[];
  /** hwloc's memory-kind subtype (only when the machine has more than one kind, as hwloc does). */
  subtype?: string;
}

/** hwloc's MemCache attributes (hwloc_cache_attr_s). */
export interface HwlocCache { depth: number; size: bigint; linesize: number; associativity: number }

/** The initiator is a cpuset, as hwloc records it (HWLOC_LOCATION_TYPE_CPUSET). */
export interface HwlocMemattrValue { target: number; initiator: number[]; value: number }

export interface HwlocView {
  nodes: HwlocNumaNode[];
  /** Linux CPUs whose node the tables do not give (MADT CPUs without an SRAT entry). */
  loosePus: number[];
  distances?: { matrix: number[][]; source: "SLIT" | "default" };
  memattrs: { name: MemattrName; flags: number; values: HwlocMemattrValue[] }[];
  /** Machine-level notes, [name, value]: what was exported from where, and what was left out. */
  notes: [string, string][];
}

const linuxCpus = (n: { cpus: TopologyNode["cpus"] }): number[] => n.cpus.flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu]));
/** The node's CPUs Linux puts in it (not those whose SRAT entry Linux never read: loose PUs). */
const placedCpus = (n: TopologyNode): number[] => linuxCpus({ cpus: n.cpus.filter((c) => c.linuxUnread !== true) });
const unreadCpus = (t: Topology): number[] => linuxCpus({ cpus: t.nodes.flatMap((n) => n.cpus.filter((c) => c.linuxUnread === true)) });
const ascending = (a: number, b: number): number => a - b;


function checkIndex(what: string, n: number): void {
  if (n >= MAX_HWLOC_INDEX) throw new InputError("E_HWLOC_INDEX", `${what} ${n} is too large for an hwloc bitmap (limit ${MAX_HWLOC_INDEX - 1}); try --numbering linux`);
}

function distancesOf(t: Topology, kept: readonly number[]): HwlocView["distances"] {
  if (kept.length < 2) return undefined;
  const slit = t.verdicts.linux.usesSlit && t.distances.source === "SLIT";
  const matrix = kept.map((i) => kept.map((j) => (slit ? t.distances.matrix[i]?.[j] : undefined) ?? (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
  return { matrix, source: slit ? "SLIT" : "default" };
}

/**
 * look_sysfsnode()'s cpusets: `own` by node (os order), then initiators (nodes with CPUs first),
 * then distances for CPU-less nodes still without a CPU. `access` says which nodes have an
 * `accessK/initiators` directory and the initiator nodes in it.
 */
function hwlocCpusets(ids: readonly number[], own: readonly number[][], initiatorsOf: (id: number) => number[] | undefined, matrix: readonly (readonly number[])[] | undefined): number[][] {
  const cpusets = own.map((c) => [...c]);
  const or = (i: number, j: number): void => { cpusets[i] = sortedUnion(cpusets[i] ?? [], cpusets[j] ?? []); };
  /** read_node_initiators(): false when the node has no access directory. */
  const fromInitiators = (i: number): boolean => {
    const inis = initiatorsOf(ids[i] ?? -1);
    if (inis === undefined) return false;
    for (const x of inis) { const j = ids.indexOf(x); if (x !== ids[i] && j >= 0) or(i, j); }
    return true;
  };
  const n = ids.length;
  for (let i = 0; i < n; i++) if ((own[i]?.length ?? 0) > 0) fromInitiators(i);
  for (let i = 0; i < n; i++) {
    if ((own[i]?.length ?? 0) > 0) continue;
    if (fromInitiators(i) && (cpusets[i]?.length ?? 0) > 0) continue;
    const row = matrix?.[i];
    if (row === undefined) continue;
    // fixup_cpuless_node_locality_from_distances()
    let min = Infinity;
    let nb = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = row[j] ?? 0;
      if (d < min) { min = d; nb = 1; } else if (d === min) nb++;
    }
    if (min <= (row[i] ?? 0) || min === Infinity || nb === n - 1) continue;
    for (let j = 0; j < n; j++) if (j !== i && row[j] === min) or(i, j);
  }
  return cpusets;
}

/** read_node_local_memattrs(), node by node in os order. */
function memattrsOf(t: Topology, nodes: readonly HwlocNumaNode[], access: ReturnType<typeof linuxNodeAccess>, notes: [string, string][]): HwlocView["memattrs"] {
  const h = t.hmat;
  if (h === undefined) return [];
  if (!h.linuxUses) {
    notes.push(["NumakitMemattrs", `not exported: Linux ignores the HMAT (${h.linuxReason ?? "unknown reason"})`]);
    return [];
  }
  const values = new Map<MemattrName, HwlocMemattrValue[]>(MEMATTRS.map((m) => [m.name, []]));
  const put = (name: MemattrName, target: HwlocNumaNode, value: number): void => { values.get(name)?.push({ target: target.os, initiator: target.cpuset, value }); };
  for (const n of nodes) {
    const c = access.get(n.os);
    if (c === undefined) continue;
    // numakit's sysfs always has both classes for a node it has any for: class 1 is read.
    const { readBandwidth: rbw, writeBandwidth: wbw, readLatency: rlat, writeLatency: wlat } = c[1].perf;
    if (rbw > 0) put("ReadBandwidth", n, rbw);
    if (wbw > 0) put("WriteBandwidth", n, wbw);
    if (rbw > 0 && wbw > 0) put("Bandwidth", n, Math.floor((rbw + wbw) / 2));
    if (rlat > 0) put("ReadLatency", n, rlat);
    if (wlat > 0) put("WriteLatency", n, wlat);
    if (rlat > 0 && wlat > 0) put("Latency", n, Math.floor((rlat + wlat) / 2));
  }
  const out = MEMATTRS.flatMap((m) => {
    const v = values.get(m.name) ?? [];
    return v.length === 0 ? [] : [{ name: m.name, flags: m.flags, values: v }];
  });
  const count = out.reduce((s, m) => s + m.values.length, 0);
  notes.push(["NumakitMemattrs", `HMAT revision ${h.revision}: ${count} values, each node's best CPU initiators (Linux access class 1) as hwloc reads them from sysfs`]);
  return out;
}

export function hwlocView(t: Topology): HwlocView {
  const notes: [string, string][] = [["NumakitNumbering", t.numbering]];
  const allPus = [...t.nodes.flatMap(linuxCpus), ...linuxCpus({ cpus: t.unplacedCpus })].sort(ascending);
  if (allPus.length === 0) {
    const why = t.tables.includes("APIC") ? "no CPU is enabled in the MADT" : "there is no MADT";
    throw new InputError("E_HWLOC_NO_PU", `hwloc needs at least one PU, and ${why} (Linux numbers CPUs from the MADT)`);
  }
  for (const c of allPus) checkIndex("CPU number", c);
  if (!t.verdicts.linux.usesSrat) {
    notes.push(["NumakitNodes", `one node, as Linux: ${t.verdicts.linux.sratRejected ?? "it does not use the SRAT"}`]);
    return { nodes: [{ os: 0, pus: allPus, cpuset: allPus, caches: [] }], loosePus: [], memattrs: [], notes };
  }
  // The nodes Linux brings online, each with the RAM it has at boot (../topology/online.ts), as
  // hwloc's Linux backend reads them from /sys/devices/system/node: in os_index order
  // (list_sysfsnode() reads them from the `online` bitmap).
  const online = linuxOnlineNodes(t);
  const kept = t.nodes.flatMap((n, i) => (online.has(n.id) ? [i] : [])).sort((a, b) => (t.nodes[a]?.id ?? 0) - (t.nodes[b]?.id ?? 0));
  const left = t.nodes.filter((n) => !online.has(n.id)).map((n) => n.id);
  if (left.length > 0) notes.push(["NumakitNodesLeftOut", `${left.join(",")}: no CPU, memory or generic initiator present at boot`]);
  const distances = distancesOf(t, kept);
  const access = t.hmat?.linuxUses === true ? linuxNodeAccess(t) : new Map<number, never>();
  const keptNodes = kept.flatMap((i) => { const n = t.nodes[i]; return n === undefined ? [] : [n]; });
  for (const n of keptNodes) checkIndex("node id", n.id);
  const own = keptNodes.map((n) => placedCpus(n).sort(ascending));
  const cpusets = hwlocCpusets(keptNodes.map((n) => n.id), own, (id) => access.get(id)?.[1].initiators, distances?.matrix);
  const nodes = keptNodes.map((n, pos): HwlocNumaNode => {
    const caches = linuxNodeCaches(t, n).sort((a, b) => a.level - b.level)
      .map((c) => ({ depth: c.level, size: c.size, linesize: c.lineSize, associativity: c.indexing === 0 ? 1 : 0 }));
    return { os: n.id, pxm: n.pxm, pus: own[pos] ?? [], cpuset: cpusets[pos] ?? [], localMemory: linuxBootRam(n), caches };
  });
  markSubtypes(nodes, t);
  if (distances !== undefined) {
    notes.push(["NumakitDistances", distances.source === "SLIT" ? "the SLIT" : `Linux's defaults (10 local, 20 remote): ${t.distances.reason ?? "the SLIT is not used"}`]);
  }
  const memattrs = memattrsOf(t, nodes, access, notes);
  const view: HwlocView = { nodes, loosePus: [...linuxCpus({ cpus: t.unplacedCpus }), ...unreadCpus(t)].sort(ascending), memattrs, notes };
  if (distances !== undefined) view.distances = distances;
  return view;
}

/**
 * hwloc_internal_memattrs_guess_memory_tiers names node kinds only when there is more than one
 * tier (hwloc__guess_memory_tiers_types: one tier is "likely DRAM only", left unnamed).
 */
function markSubtypes(nodes: HwlocNumaNode[], t: Topology): void {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const subtypes = nodes.map((h) => {
    const n = byId.get(h.os);
    return n === undefined ? undefined : hwlocSubtype(n.kinds);
  });
  if (new Set(subtypes.filter((s) => s !== undefined)).size < 2) return;
  nodes.forEach((h, i) => {
    const s = subtypes[i];
    if (s !== undefined) h.subtype = s;
  });
}
