/**
 * The OS's fallback node. When the SRAT gives it nothing to build nodes from, Linux and Xen do not
 * stop: they run one node 0 holding every CPU and all memory (the e820/UEFI map, which is not in
 * the ACPI tables). The model carries that node, with the reason, so the reports describe what the
 * OS builds rather than an empty node list.
 *
 * Linux 6.1 (the oracle's kernel, tag v6.1):
 * - drivers/acpi/numa/srat.c acpi_numa_init(): after the SRAT walk, `if (!parsed_numa_memblks)
 *   return -ENOENT;` — an SRAT without an enabled memory affinity entry (header only, or CPUs
 *   only) fails like a missing SRAT; a bad_srat() (srat-walk.ts) fails it too.
 * - arch/x86/mm/numa.c x86_numa_init(): `numa_init(x86_acpi_numa_init)` failed, so (after
 *   amd_numa_init, which reads AMD northbridge registers, not tables) `numa_init(dummy_numa_init)`:
 *   "No NUMA configuration found", "Faking a node at [mem 0-max_pfn]", node_set(0), every CPU on 0.
 *   A memory range of length 0 adds no block (numa_add_memblk_to ignores it), so
 *   numa_meminfo_cover_memory() then finds the RAM uncovered and numa_init fails the same way.
 *   arm64 (drivers/base/arch_numa.c) has the same arch_acpi_numa_init → dummy_numa_init pair.
 * Xen (xen-project/xen 188d5305297f, c447b7308b13):
 * - xen/common/numa.c numa_process_nodes(): `arch_numa_unavailable()` (x86: acpi_numa <= 0; only
 *   an accepted processor entry sets acpi_numa = 1, xen/arch/x86/srat.c) or `!nodes_cover_memory()`
 *   (RAM outside every node's span: an SRAT without boot memory ranges, or ranges Xen never read)
 *   → numa_fw_bad(), return false; srat-walk.ts's walkXen decides both;
 * - numa_initmem_init(): then "No NUMA configuration found", "Faking a node at ...",
 *   node_set_online(0) and numa_set_node(i, 0) for every CPU, setup_node_bootmem(0, start, end).
 *   xen/arch/x86/srat.c's bad_srat paths (overlaps, too many PXMs) end there as well.
 */
import type { SratEntry } from "../acpi/views.js";
import type { Cpu } from "./model.js";
import { isEnabled, type SratWalk } from "./srat-walk.js";

export interface FallbackNode {
  os: "linux" | "xen";
  /** Always node 0. */
  id: 0;
  /** Why the OS falls back (the verdict's reason). */
  reason: string;
  /** Every CPU the tables list (MADT, and SRAT entries the MADT lacks), in Linux CPU order. */
  cpus: Cpu[];
}

/** Why the OS runs a single fallback node, or undefined when it builds nodes from the SRAT. */
export function fallbackReason(sratPresent: boolean, walk: SratWalk, entries: readonly SratEntry[]): string | undefined {
  if (!sratPresent) return "there is no SRAT";
  if (walk.rejected !== undefined) return walk.rejected;
  if (entries.length === 0) return "the SRAT has only its header (no memory range)";
  if (!entries.some((e) => e.type === 1 && isEnabled(e) && e.addressLength > 0n)) return "the SRAT has no enabled memory range";
  return undefined;
}

/** The fallback node: every CPU, all memory. */
export function fallbackNode(os: "linux" | "xen", reason: string, cpus: readonly Cpu[]): FallbackNode {
  const order = (c: Cpu): number => c.linuxCpu ?? Number.MAX_SAFE_INTEGER;
  return { os, id: 0, reason, cpus: [...cpus].sort((a, b) => order(a) - order(b) || a.id - b.id) };
}
