/**
 * What each node is, from the tables alone: the kind a person means by "DRAM node", "CXL node",
 * "PMEM node", "HBM/specific-purpose node", "CPU-only node". A node has one primary `kind` (the
 * first that applies, in the order below) and every kind that applies in `kinds`.
 *
 * - cxl-window: Linux made the node for a CEDT CFMWS window the SRAT does not describe (./cxl.ts);
 * - cpu-only: CPUs (or generic initiators) and no memory range;
 * - persistent: every range is SRAT Non-Volatile (NVDIMM; Linux onlines it through dax/kmem);
 * - specific-purpose: every range has the ACPI 6.6 Specific-Purpose bit (EFI_MEMORY_SP: Linux keeps
 *   it soft-reserved for dax/hmem instead of the page allocator, Documentation/admin-guide/mm/);
 * - hot-plug: every range is hot-pluggable (nothing present at boot; numakit's reading, as the
 *   tables do not say which ranges hold RAM);
 * - memory-only: memory present at boot and no CPU;
 * - dram: CPUs and memory present at boot;
 * - generic-initiator: neither CPUs nor memory, a node Linux makes for SRAT type 5;
 * - generic-port: a PXM only SRAT Generic Port Affinity names: no kernel makes a node for it
 *   (./cxl.ts); numakit shows it so no firmware fact is lost, and leaves it out of numactl's view;
 * - empty: a PXM only some other table names.
 */
import type { TopologyNode } from "./model.js";

export const NODE_KINDS = ["dram", "cxl-window", "memory-only", "cpu-only", "hot-plug", "persistent", "specific-purpose", "generic-initiator", "generic-port", "empty"] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** Human names, for the text report. */
export const NODE_KIND_NAMES: Readonly<Record<NodeKind, string>> = {
  "dram": "DRAM", "cxl-window": "CXL window", "memory-only": "memory-only", "cpu-only": "CPU-only",
  "hot-plug": "hot-plug", "persistent": "persistent memory (NVDIMM)", "specific-purpose": "specific-purpose memory (EFI_MEMORY_SP)",
  "generic-initiator": "generic initiator only", "generic-port": "Generic Port only (no node in Linux or Xen)", "empty": "no CPUs or memory",
};

type KindInput = Pick<TopologyNode, "cpus" | "memory" | "initiators"> & { cxlWindow?: unknown };

export function nodeKinds(n: KindInput): NodeKind[] {
  const kinds: NodeKind[] = [];
  const hasCpu = n.cpus.length > 0;
  const ranges = n.memory.filter((r) => r.length > 0n);
  const boot = ranges.filter((r) => !r.hotPluggable && !r.specificPurpose && !r.nonVolatile);
  if (n.cxlWindow !== undefined) kinds.push("cxl-window");
  if (ranges.length === 0 && n.cxlWindow === undefined) {
    if (hasCpu) kinds.push("cpu-only");
    else if (n.initiators.some((i) => i.kind === "generic-initiator")) kinds.push("generic-initiator");
    else kinds.push(n.initiators.length > 0 ? "generic-port" : "empty");
    return kinds;
  }
  if (ranges.length > 0 && ranges.every((r) => r.nonVolatile)) kinds.push("persistent");
  if (ranges.length > 0 && ranges.every((r) => r.specificPurpose)) kinds.push("specific-purpose");
  if (ranges.length > 0 && ranges.every((r) => r.hotPluggable)) kinds.push("hot-plug");
  if (!hasCpu && boot.length > 0) kinds.push("memory-only");
  if (hasCpu && boot.length > 0) kinds.push("dram");
  // Only mixed ranges (say non-volatile and hot-plug): still a memory node, with or without CPUs.
  if (kinds.length === 0) kinds.push(hasCpu ? "dram" : "memory-only");
  return kinds;
}

/**
 * hwloc's NUMA-node subtype for a kind (hwloc memattrs.c hwloc_memory_tier_type_snprintf: "DRAM",
 * "HBM", "SPM", "NVM", "CXL-DRAM", "CXL-NVM"...). hwloc only annotates when a machine has more
 * than one kind of memory (hwloc__guess_memory_tiers), so the caller drops them when all agree.
 */
export function hwlocSubtype(kinds: readonly NodeKind[]): string | undefined {
  if (kinds.includes("cxl-window")) return "CXL-DRAM";
  if (kinds.includes("persistent")) return "NVM";
  if (kinds.includes("specific-purpose")) return "SPM";
  if (kinds.includes("dram") || kinds.includes("memory-only") || kinds.includes("hot-plug")) return "DRAM";
  return undefined;
}
