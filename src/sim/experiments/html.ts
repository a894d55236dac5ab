/**
 * `numakit sim SCENARIO --seeds … --report FILE.html`: a sweep as one self-contained page, built
 * with the sim HTML report's page and style (src/sim/toolstack/html-report.ts, src/util/html-page):
 * the summary sentence, the cost model's matrix, and per flow its table of spreads, a histogram of
 * VMs fully local over the seeds, a histogram of the cost ratio, and each VM's p50/p95 cost ratio.
 * A pure function of the sweep result. Names from the scenario and the host are escaped.
 */
import { escapeHtml } from "../../util/escape.js";
import { htmlDocument } from "../../util/html-page.js";
import { MAX_LISTED_ROWS, SIM_CSS } from "../toolstack/html-report.js";
import type { Spread } from "./stats.js";
import type { FlowResult, SweepResult } from "./summary.js";
import { renderSweepText, summarySentence, worstFirst } from "./text.js";
import { maxOf, minOf } from "../../util/arrays.js";

const e = escapeHtml;

const SWEEP_CSS = `${SIM_CSS}\n.bar{fill:#4a78a8}.bar.vm95{fill:#e0a030}.axis{stroke:#8895a3}pre.text{font-size:12px;background:#f6f8fa;padding:.6em;overflow-x:auto}`;

/** Counts of `values` in `bins` equal-width bins over [lo, hi] as an SVG bar chart. */
function histogram(values: readonly number[], label: string, fmt: (x: number) => string): string {
  if (values.length === 0) return "<p>no values</p>";
  const lo = minOf(values);
  const hi = maxOf(values);
  const bins = lo === hi ? 1 : Math.min(24, Math.max(1, Math.round(hi - lo) + 1 <= 24 && Number.isInteger(lo) && Number.isInteger(hi) ? hi - lo + 1 : 24));
  const width = bins === 1 ? 1 : (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const i = bins === 1 ? 0 : Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const maxC = maxOf(counts);
  const W = 360;
  const H = 90;
  const bw = W / bins;
  const bars = counts.map((c, i) => {
    const h = maxC === 0 ? 0 : (c / maxC) * H;
    const from = lo + i * width;
    const title = bins === 1 ? `${fmt(lo)}: ${c} seeds` : `${fmt(from)} – ${fmt(from + width)}: ${c} seeds`;
    return `<rect class="bar" x="${(i * bw + 1).toFixed(1)}" y="${(H - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${e(title)}</title></rect>`;
  });
  return `<figure><svg width="${W}" height="${H + 16}" role="img" aria-label="${e(label)}">${bars.join("")}` +
    `<line class="axis" x1="0" y1="${H}" x2="${W}" y2="${H}"/><text x="0" y="${H + 13}">${e(fmt(lo))}</text><text x="${W - 40}" y="${H + 13}">${e(fmt(hi))}</text></svg><figcaption>${e(label)}</figcaption></figure>`;
}

function spreadRow(label: string, s: Spread | undefined, fmt: (x: number) => string): string {
  const cells = s === undefined ? ["–", "–", "–", "–", "–"] : [s.min, s.p5, s.p50, s.p95, s.max].map(fmt);
  return `<tr><td>${e(label)}</td>${cells.map((c) => `<td class="num">${c}</td>`).join("")}</tr>`;
}

function vmCostChart(f: FlowResult): string {
  const vms = f.vmResults.filter((v) => v.cost !== undefined);
  if (vms.length === 0) return "";
  const max = maxOf(vms.map((v) => v.cost?.p95 ?? 1));
  const W = 220;
  const scale = (x: number): number => (max <= 1 ? W : ((x - 1) / (max - 1)) * (W - 20) + 20);
  // Past MAX_LISTED_ROWS VMs, the ones that fared worst (highest p95, then by name), as the text's "worst VMs" line.
  const listed = vms.length <= MAX_LISTED_ROWS ? vms
    : [...vms].sort(worstFirst).slice(0, MAX_LISTED_ROWS);
  const more = vms.length - listed.length;
  const rows = listed.map((v) => {
    const p50 = v.cost?.p50 ?? 1;
    const p95 = v.cost?.p95 ?? 1;
    return `<tr><td>${e(v.name)}</td><td><svg width="${W}" height="14" role="img"><rect class="bar vm95" x="0" y="1" width="${scale(p95).toFixed(1)}" height="12"/><rect class="bar" x="0" y="4" width="${scale(p50).toFixed(1)}" height="6"/></svg></td>` +
      `<td class="num">${p50.toFixed(3)}</td><td class="num">${p95.toFixed(3)}</td><td class="num">${v.fullyLocalSeeds}</td><td class="num">${v.failedSeeds}</td></tr>`;
  });
  const summary = more === 0 ? "per VM" : `the ${listed.length} VMs with the highest p95 of ${vms.length} (${more} more: <code>--format json</code> has every one)`;
  return `<details><summary>${summary}: cost ratio p50 (blue) and p95 (orange), seeds fully local, seeds failed</summary><table class="list"><thead><tr><th>VM</th><th>cost ratio</th><th>p50</th><th>p95</th><th>fully local</th><th>failed</th></tr></thead>` +
    `<tbody>${rows.join("\n")}</tbody></table></details>`;
}

function flowSection(f: FlowResult): string {
  const perSeed = f.perSeed;
  const pct = (x: number): string => x.toFixed(2);
  const int = (x: number): string => String(x);
  const r3 = (x: number): string => x.toFixed(3);
  const errnos = Object.entries(f.failureErrnos).map(([k, n]) => `${k} ${n}`).join(", ");
  return `<section class="flow" data-flow="${e(f.key)}"><h3>${e(f.key)}: ${f.seeds} seeds</h3>` +
    '<table class="list"><thead><tr><th></th><th>min</th><th>p5</th><th>median</th><th>p95</th><th>max</th></tr></thead><tbody>' +
    spreadRow(`VMs fully local (of ${f.vms})`, f.fullyLocal, int) + spreadRow("memory on planned nodes %", f.localPct, pct) +
    spreadRow("cost ratio, mean of VMs", f.cost, r3) + spreadRow("cost ratio, single VMs", f.vmCost, r3) +
    spreadRow("Xen-internal on planned nodes %", f.xenPct, pct) + spreadRow("struct domain on planned node (VMs)", f.structDomain, int) +
    spreadRow("serialized create+claim (hypercalls)", f.serialized, int) + spreadRow("hypercalls per vm_start", f.hypercalls, int) +
    `</tbody></table><p>start failures: ${f.startFailures === 0 ? '<span class="ok">none</span>' : `<span class="fail">${f.startFailures}</span> in ${f.seedsWithFailures} seeds (${e(errnos)})`}` +
    `${f.crashes === 0 ? "" : `; <span class="fail">Xen panicked in ${f.crashes} runs</span>: ${e(f.crash ?? "")}`}</p>` +
    `<div class="panels">${histogram(perSeed.fullyLocal, "VMs fully local, per seed", int)}${histogram(perSeed.cost, "cost ratio (mean of VMs), per seed", r3)}</div>` +
    `${vmCostChart(f)}</section>`;
}

export interface SweepHtmlInput {
  result: SweepResult;
  description?: string;
}

export function sweepHtml(input: SweepHtmlInput): string {
  const r = input.result;
  const nodes = r.host.nodes.map((n) => n.id);
  const m = r.cost;
  const matrix = `<table class="list"><thead><tr><th>CPU node \\ memory node</th>${nodes.map((n) => `<th>${n}</th>`).join("")}</tr></thead><tbody>` +
    nodes.map((i) => `<tr><td>${i}</td>${nodes.map((j) => `<td class="num">${m.values[i]?.[j] ?? "–"}</td>`).join("")}</tr>`).join("") + "</tbody></table>";
  const title = `numakit sim sweep: ${r.file}`;
  const body = [
    `<header><h1>${e(title)}</h1>${input.description === undefined ? "" : `<p class="meta">${e(input.description)}</p>`}`,
    `<p class="meta">host ${e(r.hostLabel)}: ${r.host.nodes.length} nodes; seeds ${e(r.seedsLabel)}; ${r.vmNames.length} VMs</p></header>`,
    `<p class="summary">${e(summarySentence(r))}</p>`,
    `<section id="cost-model"><h2>cost model: ${e(m.metric)} (${e(m.unit)})</h2>${m.note === undefined ? "" : `<p class="meta">${e(m.note)}</p>`}${matrix}</section>`,
    `<section id="flows"><h2>flows</h2><div class="flows">${r.flows.map((f) => flowSection(f)).join("\n")}</div></section>`,
    `<section id="text"><h2>as text</h2><pre class="text">${e(renderSweepText(r))}</pre></section>`,
  ].join("\n");
  return htmlDocument({ title, css: SWEEP_CSS, body });
}
