/**
 * The model checks itself, as hwloc's `hwloc_topology_check()` does: whatever the tables say, a
 * built Topology must be consistent. Firmware defects (a CPU listed twice, overlapping ranges)
 * are facts the model keeps and the validator reports; what is checked here is what no input may
 * break: each SRAT entry gives at most one record, the numbering is a bijection, totals add up,
 * every matrix is square over the nodes, and every distance in force has a source that says so.
 * The tests call `checkTopology` after every build: with NUMAKIT_DEBUG_CHECK=1 in the environment
 * (test/setup.ts sets it) `buildTopology` checks what it built, as hwloc does under HWLOC_DEBUG_CHECK.
 */
import { ModelInvariantError } from "../errors.js";
import { hex } from "../util/hex.js";
import type { EntryLocation } from "../acpi/views.js";
import type { DistanceSourceInfo, Topology } from "./model.js";

function square(m: readonly (readonly unknown[])[], n: number): boolean {
  return m.length === n && m.every((row) => row.length === n);
}

const where = (at: EntryLocation): string => `${at.table}@${at.offset}:${at.source}`;

/** Every invariant violation of `t`; empty when the model is consistent. */
export function topologyViolations(t: Topology): string[] {
  const bad: string[] = [];
  const n = t.nodes.length;

  // Nodes: ids ascending and unique, each node's PXM mapped to it and to no other.
  t.nodes.forEach((node, i) => {
    const prev = t.nodes[i - 1];
    if (prev !== undefined && prev.id >= node.id) bad.push(`node ids not ascending: ${prev.id} then ${node.id}`);
    if (t.pxmMap.nodeOf(node.pxm) !== node.id) bad.push(`node ${node.id}: PXM ${node.pxm} maps to node ${String(t.pxmMap.nodeOf(node.pxm))}`);
  });
  if (new Set(t.nodes.map((x) => x.pxm)).size !== n) bad.push("two nodes share a PXM");
  if (t.pxmMap.size !== n) bad.push(`the PXM map has ${t.pxmMap.size} entries for ${n} nodes`);

  // Every CPU on one node: a table entry yields one CPU record, in one place (a node or unplaced).
  const cpuSeen = new Map<string, string>();
  const place = (at: EntryLocation, kind: string, id: number, home: string): void => {
    const key = `${where(at)}:${kind}:${id}`;
    const other = cpuSeen.get(key);
    if (other !== undefined) bad.push(`CPU ${kind} ${id} from ${where(at)} is on ${other} and on ${home}`);
    cpuSeen.set(key, home);
  };
  for (const node of t.nodes) for (const c of node.cpus) place(c.at, c.kind, c.id, `node ${node.id}`);
  for (const c of t.unplacedCpus) place(c.at, c.kind, c.id, "the unplaced list");
  const linuxCpus = new Map<number, string>();
  for (const c of [...t.nodes.flatMap((x) => x.cpus), ...t.unplacedCpus]) {
    if (c.linuxCpu === undefined) continue;
    const key = `${c.kind}:${c.id}`;
    const owner = linuxCpus.get(c.linuxCpu);
    // Two SRAT entries for one MADT CPU share its number; two different CPUs never do.
    if (owner !== undefined && owner !== key) bad.push(`Linux CPU ${c.linuxCpu} is both ${owner} and ${key}`);
    linuxCpus.set(c.linuxCpu, key);
  }

  // Memory: each node's ranges sorted, no range twice, and the totals are their sums.
  const rangeSeen = new Set<string>();
  for (const node of t.nodes) {
    let total = 0n;
    let withHotplug = 0n;
    node.memory.forEach((r, i) => {
      const prev = node.memory[i - 1];
      if (prev !== undefined && prev.base > r.base) bad.push(`node ${node.id}: memory not sorted by base`);
      if (r.length < 0n || r.base < 0n) bad.push(`node ${node.id}: negative range`);
      const key = where(r.at);
      if (rangeSeen.has(key)) bad.push(`memory entry ${key} placed twice`);
      rangeSeen.add(key);
      withHotplug += r.length;
      if (!r.hotPluggable) total += r.length;
    });
    if (total !== node.memoryBytes || withHotplug !== node.memoryBytesWithHotplug) bad.push(`node ${node.id}: memory totals do not add up`);
  }

  if (t.verdicts.linux.usesSrat) bad.push(...presentOverlaps(t));

  // Distances: square over the nodes, one source in force, and every cell accounted for.
  const d = t.distances;
  if (!square(d.matrix, n)) bad.push(`distance matrix is not ${n}×${n}`);
  for (const s of d.sources) {
    if (!square(s.matrix, n)) bad.push(`${s.source} distances are not ${n}×${n}`);
    const missing = provenanceMissing(s);
    if (missing !== undefined) bad.push(missing);
  }
  const used = d.sources.filter((s) => s.used);
  const inForce = used[0];
  const byDefault = d.sources.find((s) => s.source === "default");
  if (used.length !== 1 || inForce?.source !== d.source) bad.push(`distances say ${d.source} is used, the sources mark ${used.map((s) => s.source).join(", ") || "none"}`);
  if (byDefault === undefined) bad.push("the default distances are missing from the sources");
  if ((d.source === "SLIT") !== (d.reason === undefined)) bad.push("distances: a reason is given exactly when the SLIT is not used");
  d.matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      const said = inForce?.matrix[i]?.[j] ?? byDefault?.matrix[i]?.[j];
      if (said !== v) bad.push(`distance [${i}][${j}] = ${v} has no source saying so`);
    });
  });

  // HMAT pairs and caches name nodes that exist, by the PXMs they came from.
  for (const p of t.hmat?.pairs ?? []) {
    if (p.initiator !== undefined && p.initiator !== t.pxmMap.nodeOf(p.initiatorPxm)) bad.push(`HMAT pair: initiator node ${p.initiator} is not PXM ${p.initiatorPxm}'s`);
    if (p.target !== undefined && p.target !== t.pxmMap.nodeOf(p.targetPxm)) bad.push(`HMAT pair: target node ${p.target} is not PXM ${p.targetPxm}'s`);
  }
  return bad;
}

/**
 * Ranges present at boot on different nodes are disjoint whenever Linux uses the SRAT: it rejects
 * one where they overlap (numa_cleanup_meminfo), so a model claiming both would be wrong. Ranges
 * that are not RAM at boot may overlap (QEMU's DIMM slots do; Linux sets them aside, ./online.ts). A sweep by base, keeping the
 * furthest end of two different nodes, finds any overlap in O(m log m).
 */
function presentOverlaps(t: Topology): string[] {
  const ranges = t.nodes.flatMap((node) => node.memory.filter((r) => r.bootRam && r.length > 0n).map((r) => ({ node: node.id, start: r.base, end: r.base + r.length })));
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let first: { node: number; end: bigint } | undefined;
  let second: { node: number; end: bigint } | undefined;
  for (const r of ranges) {
    const other = first?.node !== r.node ? first : second;
    if (other !== undefined && r.start < other.end) return [`node ${r.node} memory at ${hex(r.start)} overlaps node ${other.node}'s, yet Linux uses the SRAT`];
    if (first === undefined || r.end > first.end) {
      if (first !== undefined && first.node !== r.node) second = first;
      first = { node: r.node, end: r.end };
    } else if (r.node !== first.node && (second === undefined || r.end > second.end)) {
      second = { node: r.node, end: r.end };
    }
  }
  return [];
}

function provenanceMissing(s: DistanceSourceInfo): string | undefined {
  switch (s.source) {
    case "SLIT": return s.at.table === "SLIT" ? undefined : "SLIT distances without the SLIT's location";
    case "_SLI": return s.objects.length > 0 ? undefined : "_SLI distances without the objects that give them";
    case "default": return s.rule !== "" ? undefined : "default distances without their rule";
  }
}

/** Throw `ModelInvariantError` listing every violation; return quietly for a consistent model. */
export function checkTopology(t: Topology): void {
  const bad = topologyViolations(t);
  if (bad.length > 0) throw new ModelInvariantError(bad);
}
