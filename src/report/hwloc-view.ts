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
 * - Memory attributes: the HMAT's memory-level (hierarchy 0) values, only when Linux uses the HMAT.
 *   Linux turns an access latency/bandwidth into equal read and write values
 *   (`hmat_update_target_access()`); hwloc sets ReadLatency/WriteLatency (and the bandwidths)
 *   from those, and the main attribute to their integer average (`read_node_local_memattrs()`,
 *   hwloc 2.9 topology-linux.c; it leaves it unset when one of the two is missing). Unlike
 *   sysfs, which holds only the best initiator per target, every initiator→target pair is
 *   exported: that is the point of reading the HMAT itself. An initiator is named by its cpuset, so initiators without PUs are left out.
 * - CPU-less nodes: hwloc places them by their HMAT initiators, else by distance
 *   (`read_node_initiators()`, `fixup_cpuless_node_locality_from_distances()`), else at Machine
 *   level. Here: the attached initiator of the HMAT memory structure (which Linux makes the only
 *   initiator), else the single CPU node strictly closest by distance; otherwise Machine level
 *   (hwloc would add a Group for a tie between some but not all CPU nodes; we do not).
 */
import { InputError } from "../errors.js";
import { hwlocSubtype } from "../topology/kinds.js";
import type { HmatPair } from "../topology/hmat.js";
import type { Topology, TopologyNode } from "../topology/model.js";
import { LOCAL_DISTANCE, REMOTE_DISTANCE } from "../topology/distances.js";
import { linuxBootRam, linuxOnlineNodes } from "../topology/online.js";

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
  /** CPU-less nodes: the node whose locality they share; absent = Machine level. */
  near?: number;
  /** hwloc's memory-kind subtype (only when the machine has more than one kind, as hwloc does). */
  subtype?: string;
}

export interface HwlocMemattrValue { target: number; initiator: number; value: number }

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


/** pair values → hwloc attribute values, as Linux + hwloc's Linux backend derive them. */
function pairAttrs(p: HmatPair): Partial<Record<MemattrName, number>> {
  const v = p.values;
  const out: Partial<Record<MemattrName, number>> = {};
  const both = (main: MemattrName, read: MemattrName, write: MemattrName, access?: number, r?: number, w?: number): void => {
    const rr = r ?? access;
    const ww = w ?? access;
    if (rr !== undefined) out[read] = rr;
    if (ww !== undefined) out[write] = ww;
    const m = access ?? (rr !== undefined && ww !== undefined ? Math.floor((rr + ww) / 2) : undefined);
    if (m !== undefined) out[main] = m;
  };
  both("Latency", "ReadLatency", "WriteLatency", v.accessLatencyNs, v.readLatencyNs, v.writeLatencyNs);
  both("Bandwidth", "ReadBandwidth", "WriteBandwidth", v.accessBandwidthMBps, v.readBandwidthMBps, v.writeBandwidthMBps);
  return out;
}

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
 * Where hwloc would put a CPU-less node (see the module comment). `pos` indexes `kept` and the
 * exported matrix; `kept` indexes `t.nodes`.
 */
function nearOf(t: Topology, pos: number, kept: readonly number[], matrix: readonly (readonly number[])[], withPus: ReadonlySet<number>): number | undefined {
  const node = t.nodes[kept[pos] ?? -1];
  if (node === undefined) return undefined;
  if (t.hmat?.linuxUses === true) {
    // target->processor_pxm as Linux keeps it (the last valid structure; see HmatLinuxState).
    const pxm = t.hmat.linux.processorPxm.get(node.pxm);
    const attached = pxm === undefined ? undefined : t.pxmMap.nodeOf(pxm);
    if (attached !== undefined && withPus.has(attached)) return attached;
  }
  const row = matrix[pos];
  if (row === undefined) return undefined;
  const others = kept.map((_, j) => j).filter((j) => j !== pos);
  const d = (j: number): number => row[j] ?? REMOTE_DISTANCE;
  const min = Math.min(...others.map(d));
  const closest = others.filter((j) => d(j) === min);
  // hwloc: no locality when the closest is not farther than local, or every other node ties.
  if (min <= d(pos) || closest.length === others.length || closest.length !== 1) return undefined;
  const only = t.nodes[kept[closest[0] ?? -1] ?? -1];
  return only !== undefined && withPus.has(only.id) ? only.id : undefined;
}

function memattrsOf(t: Topology, nodes: readonly HwlocNumaNode[], notes: [string, string][]): HwlocView["memattrs"] {
  const h = t.hmat;
  if (h === undefined) return [];
  if (!h.linuxUses) {
    notes.push(["NumakitMemattrs", `not exported: Linux ignores the HMAT (${h.linuxReason ?? "unknown reason"})`]);
    return [];
  }
  const byOs = new Map(nodes.map((n) => [n.os, n]));
  const values = new Map<MemattrName, HwlocMemattrValue[]>(MEMATTRS.map((m) => [m.name, []]));
  let skipped = 0;
  for (const p of h.pairs) {
    if (p.hierarchy !== 0 || p.initiator === undefined || p.target === undefined || !byOs.has(p.target)) continue;
    const attrs = Object.entries(pairAttrs(p)) as [MemattrName, number][];
    if (attrs.length === 0) continue;
    if ((byOs.get(p.initiator)?.pus.length ?? 0) === 0) { skipped++; continue; }
    for (const [name, value] of attrs) values.get(name)?.push({ target: p.target, initiator: p.initiator, value });
  }
  const out = MEMATTRS.flatMap((m) => {
    const v = values.get(m.name) ?? [];
    return v.length === 0 ? [] : [{ name: m.name, flags: m.flags, values: v }];
  });
  const count = out.reduce((s, m) => s + m.values.length, 0);
  notes.push(["NumakitMemattrs", `HMAT revision ${h.revision}: ${count} values, every initiator with CPUs${skipped > 0 ? `; ${skipped} pair(s) whose initiator has no CPU left out` : ""}`]);
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
    return { nodes: [{ os: 0, pus: allPus }], loosePus: [], memattrs: [], notes };
  }
  // The nodes Linux brings online, each with the RAM it has at boot (../topology/online.ts), as
  // hwloc's Linux backend reads them from /sys/devices/system/node.
  const online = linuxOnlineNodes(t);
  const kept = t.nodes.flatMap((n, i) => (online.has(n.id) ? [i] : []));
  const left = t.nodes.filter((n) => !online.has(n.id)).map((n) => n.id);
  if (left.length > 0) notes.push(["NumakitNodesLeftOut", `${left.join(",")}: no CPU, memory or generic initiator present at boot`]);
  const withPus = new Set(t.nodes.filter((n) => placedCpus(n).length > 0).map((n) => n.id));
  const distances = distancesOf(t, kept);
  const nodes = kept.flatMap((i, pos): HwlocNumaNode[] => {
    const n = t.nodes[i];
    if (n === undefined) return [];
    checkIndex("node id", n.id);
    const out: HwlocNumaNode = { os: n.id, pxm: n.pxm, pus: placedCpus(n).sort(ascending), localMemory: linuxBootRam(n) };
    const near = out.pus.length === 0 && distances !== undefined ? nearOf(t, pos, kept, distances.matrix, withPus) : undefined;
    if (near !== undefined) out.near = near;
    return [out];
  });
  markSubtypes(nodes, t);
  if (distances !== undefined) {
    notes.push(["NumakitDistances", distances.source === "SLIT" ? "the SLIT" : `Linux's defaults (10 local, 20 remote): ${t.distances.reason ?? "the SLIT is not used"}`]);
  }
  const memattrs = memattrsOf(t, nodes, notes);
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
