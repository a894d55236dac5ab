/**
 * Text report of a vm_start step: one row per VM, then the totals. Besides the guest memory,
 * each row shows where Xen's own allocations for the VM went (`xen on plan`: pages of struct
 * domain, struct vcpu and the paging pool on the VM's planned node(s) / all of them; vm_numa.ts)
 * and XAPI's VM_metrics.numa_optimised as xenopsd reports it (`numa opt`).
 */
import type { Flow, Policy, VmOutcome, VmStartResult, XenopsdBuild } from "../xenopsd/vm_start.js";
import { xenInternalOnPlan } from "../xenopsd/vm_numa.js";
import { PAGES_PER_MIB } from "../units.js";
import { mibText, percentOf } from "../../util/percent.js";
import { maxOf } from "../../util/arrays.js";

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => maxOf(rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd());
}

/** The `xen on plan` cell: "on plan/total", "-" for a VM that did not start or had no plan. */
export function xenOnPlanCell(v: VmOutcome): string {
  const x = xenInternalOnPlan(v);
  return x === undefined ? "-" : `${x.onPlan}/${x.pages}`;
}

/** The `numa opt` cell: XAPI's VM_metrics.numa_optimised of a started VM, "-" for one that did not start. */
export function numaOptCell(v: VmOutcome): string {
  if (!v.started) return "-";
  return v.vmMetrics.numaOptimised ? "yes" : "no";
}

/** Totals of the Xen-internal and XAPI columns over a step's started VMs. */
export function xenInternalTotals(r: VmStartResult): { onPlan: number; pages: number; percent: number; optimised: number; started: number } {
  let onPlan = 0;
  let pages = 0;
  let optimised = 0;
  let started = 0;
  for (const v of r.vms) {
    const x = xenInternalOnPlan(v);
    if (x !== undefined) { onPlan += x.onPlan; pages += x.pages; }
    if (v.started) { started++; if (v.vmMetrics.numaOptimised) optimised++; }
  }
  return { onPlan, pages, percent: percentOf(onPlan, pages), optimised, started };
}

/** The totals line of the Xen-internal and XAPI columns. */
export function xenInternalTotalsLine(r: VmStartResult): string {
  const t = xenInternalTotals(r);
  return `Xen-internal (struct domain, vCPUs, paging pool): ${t.onPlan} of ${t.pages} pages (${t.percent.toFixed(2)}%) on the VMs' planned nodes; ` +
    `XAPI numa_optimised: ${t.optimised} of ${t.started} started VMs`;
}

type VmStartReport = VmStartResult & { flow: Flow; policy: Policy; seed: number; xenopsd?: XenopsdBuild };

/** The step's settings, then its table. */
export function formatVmStart(r: VmStartReport): string[] {
  return [`vm_start flow=${r.flow} policy=${r.policy} seed=${r.seed}${r.xenopsd === undefined ? "" : ` xenopsd=${r.xenopsd}`}`, ...vmStartTable(r)];
}

/** One row per VM (with column headers), then the totals: what `numakit sim` shows below a vm_start step. */
export function vmStartTable(r: VmStartResult): string[] {
  const rows = [["vm", "domid", "planned", "local %", "1G", "2M", "4K", "MiB by node", "xen on plan", "numa opt", "started"]];
  for (const v of r.vms) {
    const byNode = Object.entries(v.pagesByNode).map(([n, p]) => `${n}:${mibText(p, PAGES_PER_MIB)}`).join(" ");
    rows.push([
      v.name, v.domid < 0 ? "-" : String(v.domid), v.plannedNodes.length === 0 ? "-" : v.plannedNodes.join(","),
      v.localPercent.toFixed(2), String(v.extents.order18), String(v.extents.order9), String(v.extents.order0),
      byNode === "" ? "-" : byNode, xenOnPlanCell(v), numaOptCell(v),
      v.started ? "yes" : `no (${v.error ?? "failed"})`,
    ]);
  }
  const t = r.totals;
  return [
    ...table(rows).map((l) => `  ${l}`),
    `  totals: ${t.started}/${t.vms} started, ${t.fullyLocal} fully local, ${t.localPercent.toFixed(2)}% of ${Math.round(t.totalPages / PAGES_PER_MIB)} MiB on planned nodes; ` +
      `extents 1G ${t.extents.order18}, 2M ${t.extents.order9}, 4K ${t.extents.order0}`,
    `  ${xenInternalTotalsLine(r)}`,
  ];
}
