/**
 * The text of a sweep: the summary sentence first (what the best flow changes against the first
 * one named), then one table per flow (each metric's min, p5, median, p95 and max over the seeds),
 * its start failures and the VMs that fared worst.
 */
import type { Spread } from "./stats.js";
import type { FlowResult, SweepResult, VmResult } from "./summary.js";
import { maxOf } from "../../util/arrays.js";

const METRIC_LABEL: Record<string, string> = {
  "slit": "SLIT distance", "hmat-read-latency": "HMAT read latency", "hmat-read-bandwidth": "HMAT read bandwidth",
};

function ratio(x: number | undefined): string {
  return x === undefined ? "-" : x.toFixed(3);
}

/** VMs that fared worst first: highest p95 cost ratio, then by name (the text's and the page's order). */
export function worstFirst(a: VmResult, b: VmResult): number {
  return (b.cost?.p95 ?? 0) - (a.cost?.p95 ?? 0) || (a.name < b.name ? -1 : 1);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => maxOf(rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd());
}

function row(label: string, s: Spread | undefined, fmt: (x: number) => string): string[] {
  if (s === undefined) return [label, "-", "-", "-", "-", "-"];
  return [label, fmt(s.min), fmt(s.p5), fmt(s.p50), fmt(s.p95), fmt(s.max)];
}

/** The sentence a design review quotes. */
export function summarySentence(r: SweepResult): string {
  const host = `${r.hostLabel} (${r.host.nodes.length} nodes)`;
  const metric = METRIC_LABEL[r.cost.metric] ?? r.cost.metric;
  const runs = `${r.seeds.length} seeds × ${r.vmNames.length} VMs`;
  const costed = r.flows.filter((f) => f.cost !== undefined);
  const first = costed[0];
  const local = r.flows.map((f) => `${f.key} ${f.fullyLocal === undefined ? "-" : f.fullyLocal.p50}`).join(", ");
  const fails = r.flows.reduce((s, f) => s + f.startFailures, 0);
  const crashes = r.flows.reduce((s, f) => s + f.crashes, 0);
  const tail = `VMs fully local (median of ${r.vmNames.length}): ${local}; start failures: ${fails === 0 ? "none" : fails}${crashes === 0 ? "" : `; Xen panicked in ${crashes} runs`}.`;
  if (first?.cost === undefined) return `On ${host}, ${runs}: no VM started, so there is no cost to compare. ${tail}`;
  let best = first;
  for (const f of costed) if ((f.cost?.p50 ?? Infinity) < (best.cost?.p50 ?? Infinity)) best = f;
  const lead = best === first
    ? `${first.key} has the lowest median remote-access cost, ${ratio(first.cost.p50)}× the all-local ideal`
    : `${best.key} brings the median remote-access cost from ${ratio(first.cost.p50)}× (${first.key}) to ${ratio(best.cost?.p50)}× the all-local ideal`;
  return `On ${host}, ${runs}: ${lead} (${metric}; p95 ${ratio(first.cost.p95)} → ${ratio(best.cost?.p95)}). ${tail}`;
}

function flowLines(r: SweepResult, f: FlowResult): string[] {
  const v = f.variant;
  const what = [v.policy === undefined ? "" : `policy ${v.policy}`, v.name === "scenario" ? "" : `variant ${v.name}`].filter((x) => x !== "").join(", ");
  const lines = [`${f.key}${what === "" ? "" : ` (${what})`}: ${f.seeds} seeds`];
  const pct = (x: number): string => x.toFixed(2);
  const int = (x: number): string => String(x);
  lines.push(...table([
    ["", "min", "p5", "median", "p95", "max"],
    row(`VMs fully local (of ${f.vms})`, f.fullyLocal, int),
    row("memory on planned nodes %", f.localPct, pct),
    row("cost ratio, mean of VMs (1 = ideal)", f.cost, ratio),
    row("cost ratio, single VMs", f.vmCost, ratio),
    row("Xen-internal on planned nodes %", f.xenPct, pct),
    row("struct domain on planned node (VMs)", f.structDomain, int),
    row("serialized create+claim (hypercalls)", f.serialized, int),
    row("hypercalls per vm_start", f.hypercalls, int),
  ]).map((l) => `  ${l}`));
  const errnos = Object.entries(f.failureErrnos).map(([e, n]) => `${e} ${n}`).join(", ");
  lines.push(`  start failures: ${f.startFailures === 0 ? "none" : `${f.startFailures} in ${f.seedsWithFailures} seeds (${errnos})`}`);
  if (f.crashes > 0) lines.push(`  Xen panicked in ${f.crashes} of ${f.seeds} runs: ${f.crash ?? ""}`);
  // Worse than ideal as printed: a ratio of 1 + 1e-16 (the float sum of an all-local VM's costs) is not "worst" at 1.000.
  const worst = f.vmResults.filter((x) => x.cost !== undefined && ratio(x.cost.p95) !== ratio(1)).sort(worstFirst).slice(0, 5);
  if (worst.length > 0) lines.push(`  worst VMs (p95 cost ratio): ${worst.map((x) => `${x.name} ${ratio(x.cost?.p95)}`).join(", ")}`);
  return lines;
}

export function renderSweepText(r: SweepResult): string {
  const metric = METRIC_LABEL[r.cost.metric] ?? r.cost.metric;
  const lines = [
    summarySentence(r),
    "",
    `sweep of ${r.file}: seeds ${r.seedsLabel}, ${r.vmNames.length} VMs; cost model: ${metric} (${r.cost.unit})${r.cost.note === undefined ? "" : ` — ${r.cost.note}`}`,
  ];
  for (const f of r.flows) lines.push("", ...flowLines(r, f));
  return `${lines.join("\n")}\n`;
}
