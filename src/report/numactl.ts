/**
 * The `numactl --hardware` block (numactl 2.0.16, numactl.c `hardware()` / `print_distances()`),
 * byte for byte: "% 3d " columns with trailing spaces. Node sizes are the boot-present SRAT
 * ranges; free memory is a run-time figure the tables cannot give, so it prints numactl's own
 * "<not available>" (fmt_mem for an unknown size) rather than an invented number.
 */
import type { Topology } from "../topology/model.js";

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

export function numactlBlock(t: Topology): string {
  const ids = t.nodes.map((n) => n.id);
  const lines = [`available: ${ids.length} nodes (${rangeList(ids)})`];
  for (const n of t.nodes) {
    const cpus = n.cpus.flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu])).sort((a, b) => a - b);
    lines.push(`node ${n.id} cpus:${cpus.map((c) => ` ${c}`).join("")}`);
    lines.push(`node ${n.id} size: ${n.memoryBytes >> 20n} MB`);
    lines.push(`node ${n.id} free: <not available>`);
  }
  if (t.nodes.length > 0) {
    lines.push("node distances:");
    lines.push(`node ${ids.map((id) => `${pad3(id)} `).join("")}`);
    t.nodes.forEach((n, i) => {
      lines.push(`${pad3(n.id)}: ${(t.distances.matrix[i] ?? []).map((d) => `${pad3(d)} `).join("")}`);
    });
  }
  return `${lines.join("\n")}\n`;
}
