/**
 * The `numactl --hardware` block (numactl 2.0.16, numactl.c `hardware()` / `print_distances()`),
 * byte for byte: "% 3d " columns with trailing spaces. Node sizes are the boot-present SRAT
 * ranges; free memory is a run-time figure the tables cannot give, so it prints numactl's own
 * "<not available>" (fmt_mem for an unknown size) rather than an invented number.
 */
import type { Topology } from "../topology/model.js";
import { linuxBootRam, linuxOnlineNodes, presentLinuxCpus } from "../topology/online.js";
import { SRAT_UNREADABLE, sratUnreadable } from "../topology/unreadable.js";

/** "0-3,5,7-8" as numactl's print_node_list / libnuma's bitmask ranges. */
export function rangeList(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] ?? 0;
    let end = start;
    while (sorted[i + 1] === end + 1) { end++; i++; }
    parts.push(start === end ? `${start}` : `${start}-${end}`);
  }
  return parts.join(",");
}

/** printf("% 3d", n): a sign column (space for non-negative) and width 3. */
function pad3(n: number): string {
  const s = n < 0 ? `${n}` : ` ${n}`;
  return s.padStart(3, " ");
}

/** Every CPU Linux numbers (enabled MADT entries), placed by the SRAT or not. */
function allLinuxCpus(t: Topology): number[] {
  return [...t.nodes.flatMap((n) => n.cpus), ...t.unplacedCpus].flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu]));
}

export function numactlBlock(t: Topology): string {
  // Without a usable SRAT Linux runs one node 0 with every CPU (x86 dummy_numa_init, arm64
  // numa_init(dummy_numa_init)); its size is the e820/UEFI memory map, which is not in the tables,
  // so it prints as numactl prints an unknown size.
  const fallback = !t.verdicts.linux.usesSrat;
  // numactl lists the nodes that have a /sys/devices/system/node/nodeN: the online ones
  // (../topology/online.ts). Nodes Linux made for CXL windows, nodes with only hot-plug windows,
  // non-volatile or specific-purpose memory or disabled CPUs are possible, not online, and a PXM
  // only a Generic Port names is no node at all. `kept` indexes t.nodes and the distance matrix.
  const online = linuxOnlineNodes(t);
  const kept = t.nodes.flatMap((n, i) => (online.has(n.id) ? [i] : []));
  const nodes = fallback
    ? [{ id: 0, cpus: allLinuxCpus(t), size: "<not available>" }]
    : kept.flatMap((i) => {
      const n = t.nodes[i];
      return n === undefined ? [] : [{ id: n.id, cpus: presentLinuxCpus(n), size: `${linuxBootRam(n) >> 20n} MB` }];
    });
  const matrix = fallback ? [[10]] : kept.map((i) => kept.map((j) => t.distances.matrix[i]?.[j] ?? 0));
  const ids = nodes.map((n) => n.id);
  const lines = [`available: ${ids.length} nodes (${rangeList(ids)})`];
  for (const n of nodes) {
    lines.push(`node ${n.id} cpus:${[...n.cpus].sort((a, b) => a - b).map((c) => ` ${c}`).join("")}`);
    lines.push(`node ${n.id} size: ${n.size}`);
    lines.push(`node ${n.id} free: <not available>`);
  }
  if (nodes.length > 0) {
    lines.push("node distances:");
    lines.push(`node ${ids.map((id) => `${pad3(id)} `).join("")}`);
    nodes.forEach((n, i) => {
      lines.push(`${pad3(n.id)}: ${(matrix[i] ?? []).map((d) => `${pad3(d)} `).join("")}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

/** The note under the numactl block: where its figures come from. */
export function numactlNote(t: Topology): string {
  const v = t.verdicts.linux;
  // An SRAT excerpt has CPUs but no MADT: Linux numbers CPUs from the MADT, so the cpus lines are empty.
  const noMadt = t.tables.includes("APIC") ? "" : "; no MADT among the sources, so no CPU has a Linux number";
  if (v.usesSrat) return `(numactl layout; sizes are the SRAT ranges present at boot, free memory is not in the tables${noMadt})`;
  const why = t.tables.includes("SRAT") ? `Linux rejects the SRAT (${v.sratRejected ?? "see the findings"}), so it`
    : sratUnreadable(t) ? `${SRAT_UNREADABLE}; without it Linux` : "there is no SRAT, so Linux";
  return `(numactl layout; ${why} runs one node 0 with every CPU; its size is in the e820/UEFI memory map, not in the tables${noMadt})`;
}
