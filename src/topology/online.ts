/**
 * What Linux has at boot, per node: the RAM and whether the node is online. One rule for every
 * rendering that shows Linux's view (the numactl block, the sysfs tree, hwloc's export).
 *
 * - Boot RAM: an SRAT range's bytes count only when Linux has them as RAM at boot. Hot-pluggable
 *   windows hold nothing yet; non-volatile (e820 PMEM) and specific-purpose (EFI_MEMORY_SP, e820
 *   soft-reserved) ranges are not in memblock.memory, so numa_cleanup_meminfo() (arch/x86/mm/numa.c,
 *   mm/numa_memblks.c from 6.14) moves them to numa_reserved_meminfo. The tables cannot say which
 *   ranges the e820 map fills: the flags stand for it, except that when no range qualifies the
 *   hot-pluggable ones are presumed to hold the host's RAM (srat-walk.ts presumedRamRule).
 * - Online (x86): nodes with boot RAM (numa_register_memblks), with a present CPU
 *   (init_cpu_to_node → init_memory_less_node; a CPU the MADT disables has no APIC id registered),
 *   or with a Generic Initiator (init_gi_nodes). arm64 (GICC CPUs): every parsed node, hot-plug-only
 *   and CXL-window ones included, because the generic numa_register_nodes() (Linux 6.1
 *   drivers/base/arch_numa.c) calls node_set_online() for each node of numa_nodes_parsed; found on
 *   the `test:boot` arm64 boot of samples/synth/07-hotplug-window.json.
 */
import type { Topology, TopologyNode } from "./model.js";

/** What the online rule reads of a topology (the build asks it before the verdicts exist). */
type LinuxView = Pick<Topology, "nodes" | "tables" | "linuxPxms">;

/**
 * Linux CPU numbers of the node's enabled CPUs that Linux puts there (not those whose SRAT entry
 * it never read: it places them itself, by CPU vendor and round-robin, which the tables cannot say).
 */
export function presentLinuxCpus(n: TopologyNode): number[] {
  return n.cpus.flatMap((c) => (c.enabled && c.linuxCpu !== undefined && c.linuxUnread !== true ? [c.linuxCpu] : []));
}

/**
 * Whether the node has a CPU present at boot. Without a MADT among the sources (an SRAT excerpt)
 * nothing says a CPU is absent: every SRAT CPU entry counts, so a CPU-only node stays in the view.
 */
function hasPresentCpu(t: LinuxView, n: TopologyNode): boolean {
  return t.tables.includes("APIC") ? presentLinuxCpus(n).length > 0 : n.cpus.some((c) => c.linuxUnread !== true);
}

/** Bytes of the node's SRAT ranges Linux has as RAM at boot (MemoryRange.bootRam, presumed by the build). */
export function linuxBootRam(n: TopologyNode): bigint {
  return n.memory.filter((r) => r.bootRam).reduce((a, r) => a + r.length, 0n);
}

/**
 * Node ids Linux brings online at boot. Only PXMs Linux makes nodes of count (`t.linuxPxms`: not a
 * PXM only Generic Ports name, nor one only entries Linux never read name, nor one it refused).
 */
export function linuxOnlineNodes(t: LinuxView): Set<number> {
  const linux = new Set(t.linuxPxms);
  const nodes = t.nodes.filter((n) => linux.has(n.pxm));
  if (nodes.some((n) => n.cpus.some((c) => c.kind === "gicc"))) return new Set(nodes.map((n) => n.id));
  return new Set(nodes.filter((n) => hasPresentCpu(t, n) || linuxBootRam(n) > 0n || n.initiators.some((i) => i.kind === "generic-initiator")).map((n) => n.id));
}
