/**
 * `numakit sim SCENARIO --report FILE.html`: the run as pictures. Per node, used / claimed / free
 * memory after each step (stacked bars); per `vm_start` step, each VM's memory by node as a bar
 * with its planned node(s) marked, local % and extents by size; several `vm_start` steps (flows)
 * side by side. A pure function of the run report, the host and the per-step node states.
 */
import { escapeHtml } from "../../util/escape.js";
import { htmlDocument } from "../../util/html-page.js";
import { nodePresentPages, type HostSpec } from "../host.js";
import type { Flow, Policy, VmOutcome, VmStartResult } from "../xenopsd/vm_start.js";
import { numaOptCell, xenInternalTotalsLine, xenOnPlanCell } from "./report.js";
import type { FinalState, RunReport } from "../scenario/scenario.js";
import { PAGES_PER_MIB } from "../units.js";
import { maxOf } from "../../util/arrays.js";

const e = escapeHtml;
const mib = (pages: number): string => `${Math.round(pages / PAGES_PER_MIB).toLocaleString("en-US")} MiB`;

export interface SimReportInput {
  /** The scenario file (a name the user gave: escaped). */
  file: string;
  description?: string;
  host: HostSpec;
  report: RunReport;
  /** Node states at boot and after each step (report.steps.length + 1 entries). */
  states: FinalState["nodes"][];
}

export const NODE_HUES = 8;

/**
 * The most rows a table lists (VMs, domains, steps) and the most bars a timeline draws. A run may
 * start 100 000 VMs (ops.ts's limit): one row and one bar per VM made a 176 MB page that took 22 s
 * and 2 GB to build and that no browser opens. Past these, a table says how many rows it left out
 * (`--format json` has every one) and a timeline draws every k-th point of its cumulative curve.
 */
export const MAX_LISTED_ROWS = 1000;
export const MAX_DRAWN_BARS = 400;

/** The points a timeline of `n` draws: all of them, or the last of each of MAX_DRAWN_BARS equal runs. */
function drawnPoints(n: number): number[] {
  if (n <= MAX_DRAWN_BARS) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / MAX_DRAWN_BARS);
  return Array.from({ length: Math.ceil(n / stride) }, (_, k) => Math.min(n, (k + 1) * stride) - 1);
}

/** Rows past MAX_LISTED_ROWS, said in one row spanning the table. */
function moreRows(total: number, columns: number, what: string): string {
  const more = total - MAX_LISTED_ROWS;
  return more <= 0 ? "" : `\n<tr class="more"><td colspan="${columns}">… and ${more.toLocaleString("en-US")} more ${what}, not listed here: <code>numakit sim --format json</code> has every one</td></tr>`;
}

export const SIM_CSS = [
  "body{font:14px/1.45 system-ui,sans-serif;color:#1d2733;margin:0 auto;padding:0 1.2em 2em;max-width:1800px}",
  "h1{font-size:1.35em;margin:.8em 0 .2em;overflow-wrap:anywhere}h2{font-size:1.15em;border-bottom:1px solid #d5dde6;margin-top:1.6em}h3{font-size:1em}",
  ".meta{color:#4b5866}",
  "svg text{font:11px system-ui,sans-serif;fill:#1d2733}",
  ".used{fill:#4a78a8}.claimed{fill:#e0a030}.free{fill:#dfe7ef}",
  ".panels,.flows{display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start}.flows>section{flex:1 1 30em;min-width:0}",
  "table.list{border-collapse:collapse;margin:.4em 0 1em}",
  "table.list th,table.list td{border-bottom:1px solid #e3e8ee;padding:2px 7px;text-align:left;vertical-align:middle;white-space:nowrap}",
  "table.list th{background:#f2f5f8}td.num{text-align:right}",
  // A step's result (key=value pairs, JSON) and the "… more" line wrap: one line of them made the page scroll sideways.
  "table.list td.wrap,table.list tr.more td{white-space:normal;overflow-wrap:anywhere}",
  ".fail{color:#b3261e;font-weight:600}.ok{color:#2e7d32;font-weight:600}",
  ".legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:-.1em}",
  ".legend .used{background:#4a78a8}.legend .claimed{background:#e0a030}.legend .free{background:#dfe7ef}",
  "rect.plan{fill:none;stroke:#d0342c;stroke-width:2}",
  ...Array.from({ length: NODE_HUES }, (_, i) => `.n${i}{fill:hsl(${(i * 360) / NODE_HUES + 210} 55% 55%)}.legend .n${i}{background:hsl(${(i * 360) / NODE_HUES + 210} 55% 55%)}`),
].join("\n");

/** One small chart per node: a stacked bar (used, claimed, free) after each step. */
function nodeTimeline(host: HostSpec, report: RunReport, states: FinalState["nodes"][]): string {
  const points = drawnPoints(states.length);
  const barW = Math.max(6, Math.min(24, Math.floor(480 / Math.max(1, points.length))));
  const chartH = 110;
  const panels = host.nodes.map((node) => {
    const total = nodePresentPages(node);
    const bars = points.map((i, k) => {
      const nodes = states[i] ?? [];
      const s = nodes.find((n) => n.id === node.id);
      const free = s?.freePages ?? 0;
      const claimed = Math.min(free, s?.claimedPages ?? 0);
      const used = Math.max(0, total - free);
      const h = (p: number): number => (total === 0 ? 0 : (p / total) * chartH);
      const x = 30 + k * barW;
      const when = i === 0 ? "at boot" : `after step ${i - 1} (${report.steps[i - 1]?.op ?? ""})`;
      const title = e(`${when}: used ${mib(used)}, claimed ${mib(claimed)}, free ${mib(free - claimed)} of ${mib(total)}`);
      const yUsed = chartH - h(used);
      const yClaimed = yUsed - h(claimed);
      return `<g><title>${title}</title><rect class="free" x="${x}" y="0" width="${barW - 2}" height="${chartH}"/>` +
        `<rect class="used" x="${x}" y="${yUsed.toFixed(1)}" width="${barW - 2}" height="${h(used).toFixed(1)}"/>` +
        `<rect class="claimed" x="${x}" y="${yClaimed.toFixed(1)}" width="${barW - 2}" height="${h(claimed).toFixed(1)}"/></g>`;
    });
    const w = 34 + points.length * barW;
    return `<figure class="node-timeline" data-node="${node.id}"><svg width="${w}" height="${chartH + 18}" role="img" aria-label="node ${node.id}">` +
      `<text x="0" y="10">100%</text><text x="0" y="${chartH}">0</text>${bars.join("")}<text x="30" y="${chartH + 14}">boot, steps 0–${Math.max(0, states.length - 2)}</text></svg>` +
      `<figcaption>node ${node.id}: ${mib(total)}</figcaption></figure>`;
  });
  return `<p class="legend"><span class="used"></span>used<span class="claimed"></span>claimed<span class="free"></span>free</p><div class="panels">${panels.join("\n")}</div>`;
}

type VmStartStep = VmStartResult & { flow: Flow; policy: Policy; seed: number };

function isVmStart(r: Record<string, unknown> | undefined): r is Record<string, unknown> & VmStartStep {
  return r !== undefined && Array.isArray(r["vms"]) && typeof r["flow"] === "string" && typeof r["totals"] === "object";
}

/** A VM's memory as a bar split by node; the planned nodes' parts are outlined. */
function vmBar(pagesByNode: Record<string, number>, planned: readonly number[], maxPages: number): string {
  const W = 220;
  let x = 0;
  const parts: string[] = [];
  for (const [node, pages] of Object.entries(pagesByNode).sort(([a], [b]) => Number(a) - Number(b))) {
    const w = maxPages === 0 ? 0 : (pages / maxPages) * W;
    if (w <= 0) continue;
    const n = Number(node);
    parts.push(`<rect class="n${n % NODE_HUES}" x="${x.toFixed(1)}" y="2" width="${w.toFixed(1)}" height="12"><title>node ${n}: ${mib(pages)}</title></rect>`);
    if (planned.includes(n)) parts.push(`<rect class="plan" x="${(x + 1).toFixed(1)}" y="1" width="${Math.max(0, w - 2).toFixed(1)}" height="14"/>`);
    x += w;
  }
  return `<svg width="${W}" height="16" role="img">${parts.join("")}</svg>`;
}

/**
 * Per node, the guest memory placed as the VMs start (in start order, cumulative) on top of what
 * was used before the step: where each VM landed, and which node filled first.
 */
function vmTimeline(r: VmStartStep, host: HostSpec, before: FinalState["nodes"] | undefined): string {
  const chartH = 70;
  const points = drawnPoints(r.vms.length);
  const barW = Math.max(3, Math.min(12, Math.floor(360 / Math.max(1, points.length))));
  const panels = host.nodes.map((node) => {
    const total = nodePresentPages(node);
    if (total === 0) return "";
    const base = Math.max(0, total - (before?.find((n) => n.id === node.id)?.freePages ?? total));
    let placed = 0;
    let next = 0;
    const h = (p: number): number => (p / total) * chartH;
    const bars = points.map((last, k) => {
      for (; next <= last; next++) placed += r.vms[next]?.pagesByNode[String(node.id)] ?? 0;
      const x = 4 + k * barW;
      const v = r.vms[last];
      return `<g><title>${e(`after ${v?.name ?? ""}${points.length < r.vms.length ? ` (VM ${last + 1} of ${r.vms.length})` : ""}: ${mib(placed)} of guest memory on node ${node.id} (${mib(base)} used before)`)}</title>` +
        `<rect class="free" x="${x}" y="0" width="${barW - 1}" height="${chartH}"/><rect class="used" x="${x}" y="${(chartH - h(base)).toFixed(1)}" width="${barW - 1}" height="${h(base).toFixed(1)}"/>` +
        `<rect class="n${node.id % NODE_HUES}" x="${x}" y="${(chartH - h(base) - h(placed)).toFixed(1)}" width="${barW - 1}" height="${h(placed).toFixed(1)}"/></g>`;
    });
    return `<figure class="vm-timeline" data-node="${node.id}"><svg width="${8 + points.length * barW}" height="${chartH}" role="img" aria-label="node ${node.id}">${bars.join("")}</svg><figcaption>node ${node.id}</figcaption></figure>`;
  });
  return `<div class="panels">${panels.join("")}</div>`;
}

/** "0:6405 1:6400" — a per-node record, nodes in order. */
function byNodeText(rec: Record<string, number>, unit = (v: number): string => String(v)): string {
  const parts = Object.entries(rec).sort(([a], [b]) => Number(a) - Number(b)).map(([n, v]) => `${n}:${unit(v)}`);
  return parts.length === 0 ? "none" : parts.join(" ");
}

/** The `xen on plan` cell, the per-node split of Xen's own allocations on hover. */
function xenOnPlanTd(v: VmOutcome): string {
  const x = v.xenInternal;
  const title = `Xen-internal pages by node ${byNodeText(x.byNode)}: struct domain on node ${x.structDomainNode < 0 ? "-" : x.structDomainNode}, ` +
    `vCPUs on ${x.vcpuNodes.length === 0 ? "-" : x.vcpuNodes.join(",")}, paging pool ${byNodeText(x.pagingPool.byNode)}; ` +
    `hvmloader's guest pages ${byNodeText(x.hvmloader.byNode)}; planned ${v.plannedNodes.length === 0 ? "-" : v.plannedNodes.join(",")}`;
  return `<td class="num xen-on-plan" title="${e(title)}">${e(xenOnPlanCell(v))}</td>`;
}

/** The `numa opt` cell (XAPI VM_metrics.numa_optimised), numa_nodes and numa_node_memory on hover. */
function numaOptTd(v: VmOutcome): string {
  const m = v.vmMetrics;
  if (!v.started) return '<td class="numa-opt">-</td>';
  const title = `XAPI VM_metrics: numa_optimised ${m.numaOptimised}, numa_nodes ${m.numaNodes}, numa_node_memory ${byNodeText(m.numaNodeMemory, (b) => `${Math.round(b / 2 ** 20)} MiB`)}`;
  return `<td class="numa-opt" title="${e(title)}">${numaOptCell(v)}</td>`;
}

function vmStartSection(r: VmStartStep, index: number, host: HostSpec, before: FinalState["nodes"] | undefined): string {
  const max = Math.max(1, maxOf(r.vms.map((v) => Object.values(v.pagesByNode).reduce((s, p) => s + p, 0))));
  const rows = r.vms.slice(0, MAX_LISTED_ROWS).map((v) => {
    const pages = Object.values(v.pagesByNode).reduce((s, p) => s + p, 0);
    return `<tr><td>${e(v.name)}</td><td class="num">${v.domid < 0 ? "–" : v.domid}</td><td>${v.plannedNodes.length === 0 ? "–" : v.plannedNodes.join(",")}</td>` +
      `<td>${vmBar(v.pagesByNode, v.plannedNodes, max)}</td><td class="num">${mib(pages)}</td><td class="num">${v.localPercent.toFixed(2)}</td>` +
      `<td class="num">${v.extents.order18}</td><td class="num">${v.extents.order9}</td><td class="num">${v.extents.order0}</td>` +
      `${xenOnPlanTd(v)}${numaOptTd(v)}<td>${v.started ? '<span class="ok">yes</span>' : `<span class="fail">no</span> ${e(v.error ?? "failed")}`}</td></tr>`;
  });
  const t = r.totals;
  return `<section class="flow" data-step="${index}"><h3>step ${index}: vm_start flow=${e(r.flow)} policy=${e(r.policy)} seed=${r.seed}</h3>` +
    `<h4>guest memory per node as the VMs start (cumulative, in start order)</h4>${vmTimeline(r, host, before)}` +
    `<p>${t.started}/${t.vms} started, ${t.fullyLocal} fully local, ${t.localPercent.toFixed(2)}% of ${mib(t.totalPages)} on planned nodes; extents 1G ${t.extents.order18}, 2M ${t.extents.order9}, 4K ${t.extents.order0}</p>` +
    `<p class="xen-internal">${e(xenInternalTotalsLine(r))}</p>` +
    '<table class="list"><thead><tr><th>VM</th><th>domid</th><th>planned</th><th>memory by node (planned outlined)</th><th>MiB</th><th>local %</th><th>1G</th><th>2M</th><th>4K</th><th title="Xen-internal pages (struct domain, vCPUs, paging pool) on the planned node(s) / all">Xen on plan</th><th title="XAPI VM_metrics.numa_optimised">numa opt</th><th>started</th></tr></thead>' +
    `<tbody>${rows.join("\n")}${moreRows(r.vms.length, 12, "VMs")}</tbody></table></section>`;
}

function stepsTable(report: RunReport): string {
  const rows = report.steps.slice(0, MAX_LISTED_ROWS).map((s, i) => {
    const res = s.result === undefined || isVmStart(s.result) ? "" : Object.entries(s.result).map(([k, v]) => `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`).join(" ");
    return `<tr><td class="num">${i}</td><td>${e(s.op)}</td><td class="num">${s.rc}</td><td class="wrap">${e(res.length > 200 ? `${res.slice(0, 200)}…` : res)}</td></tr>`;
  });
  return `<table class="list"><thead><tr><th>#</th><th>op</th><th>rc</th><th>result</th></tr></thead><tbody>${rows.join("\n")}${moreRows(report.steps.length, 4, "steps")}</tbody></table>`;
}

function domainsTable(report: RunReport): string {
  if (report.final.domains.length === 0) return "<p>No domains at the end.</p>";
  const max = Math.max(1, maxOf(report.final.domains.map((d) => Object.values(d.pagesByNode).reduce((s, p) => s + p, 0))));
  const rows = report.final.domains.slice(0, MAX_LISTED_ROWS).map((d) => `<tr><td class="num">${d.domid}</td><td class="num">${mib(d.totPages)}</td><td class="num">${mib(d.outstandingPages)}</td><td>${vmBar(d.pagesByNode, [], max)}</td></tr>`);
  return `<table class="list"><thead><tr><th>domid</th><th>tot_pages</th><th>outstanding</th><th>pages by node</th></tr></thead><tbody>${rows.join("\n")}${moreRows(report.final.domains.length, 4, "domains")}</tbody></table>`;
}

export function simHtml(input: SimReportInput): string {
  const { report } = input;
  const flows = report.steps.flatMap((s, i) => (isVmStart(s.result) ? [vmStartSection(s.result, i, input.host, input.states[i])] : []));
  const nodeLegend = `<p class="legend">${input.host.nodes.slice(0, NODE_HUES).map((n) => `<span class="n${n.id % NODE_HUES}"></span>node ${n.id}`).join("")}${input.host.nodes.length > NODE_HUES ? " (colours repeat)" : ""}</p>`;
  const expectations = report.failures.length === 0
    ? '<p class="ok">expectations: all met</p>'
    : `<p class="fail">expectations: ${report.failures.length} FAILED</p><ul>${report.failures.map((f) => `<li>${e(f)}</li>`).join("")}</ul>`;
  const title = `numakit sim: ${input.file}`;
  const body = [
    `<header><h1>${e(title)}</h1>${input.description === undefined ? "" : `<p class="meta">${e(input.description)}</p>`}`,
    `<p class="meta">${input.host.nodes.length} nodes, ${report.steps.length} steps</p></header>`,
    expectations,
    `<section id="nodes"><h2>memory per node after each step</h2>${nodeTimeline(input.host, report, input.states)}</section>`,
    flows.length === 0 ? "" : `<section id="vm-start"><h2>VM starts${flows.length > 1 ? " (flows side by side)" : ""}</h2>${nodeLegend}<div class="flows">${flows.join("\n")}</div></section>`,
    `<section id="domains"><h2>domains at the end</h2>${nodeLegend}${domainsTable(report)}</section>`,
    `<section id="steps"><h2>steps</h2>${stepsTable(report)}</section>`,
  ].join("\n");
  return htmlDocument({ title, css: SIM_CSS, body });
}
