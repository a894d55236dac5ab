/**
 * What Linux registers per NUMA node from the HMAT, as drivers/acpi/numa/hmat.c and
 * drivers/base/node.c do: the access classes (`nodeN/accessK/`) and memory-side caches
 * (`nodeN/memory_side_cache/indexL`). One derivation for the two views of them: the sysfs tree
 * (synth/sysfs.ts) and the hwloc export (report/hwloc-view.ts, which reads what hwloc reads there).
 */
import { hmatAccessClass, hmatAccessIndex, type AccessClass } from "./hmat-access.js";
import type { Topology, TopologyNode } from "./model.js";
import { linuxOnlineNodes, presentLinuxCpus } from "./online.js";

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
 * the sysfs tree and the hwloc export show.
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
