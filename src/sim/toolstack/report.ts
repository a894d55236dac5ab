/** Text report of a vm_start step: one row per VM, then the totals. */
import type { Flow, Policy, VmStartResult, XenopsdBuild } from "../xenopsd/vm_start.js";
import { PAGES_PER_MIB } from "../units.js";

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd());
}


type VmStartReport = VmStartResult & { flow: Flow; policy: Policy; seed: number; xenopsd?: XenopsdBuild };

/** The step's settings, then its table. */
export function formatVmStart(r: VmStartReport): string[] {
  return [`vm_start flow=${r.flow} policy=${r.policy} seed=${r.seed}${r.xenopsd === undefined ? "" : ` xenopsd=${r.xenopsd}`}`, ...vmStartTable(r)];
}

/** One row per VM (with column headers), then the totals: what `numakit sim` shows below a vm_start step. */
export function vmStartTable(r: VmStartResult): string[] {
  const rows = [["vm", "domid", "planned", "local %", "1G", "2M", "4K", "MiB by node", "started"]];
  for (const v of r.vms) {
    const byNode = Object.entries(v.pagesByNode).map(([n, p]) => `${n}:${Math.round(p / PAGES_PER_MIB)}`).join(" ");
    rows.push([
      v.name, v.domid < 0 ? "-" : String(v.domid), v.plannedNodes.length === 0 ? "-" : v.plannedNodes.join(","),
      v.localPercent.toFixed(2), String(v.extents.order18), String(v.extents.order9), String(v.extents.order0),
      byNode === "" ? "-" : byNode, v.started ? "yes" : `no (${v.error ?? "failed"})`,
    ]);
  }
  const t = r.totals;
  return [
    ...table(rows).map((l) => `  ${l}`),
    `  totals: ${t.started}/${t.vms} started, ${t.fullyLocal} fully local, ${t.localPercent.toFixed(2)}% of ${Math.round(t.totalPages / PAGES_PER_MIB)} MiB on planned nodes; ` +
      `extents 1G ${t.extents.order18}, 2M ${t.extents.order9}, 4K ${t.extents.order0}`,
  ];
}
