/**
 * `numakit report`: one self-contained HTML file for a host: the picture, the heat maps, the
 * memory-side caches, the findings and verdicts (in validate's words), the tables with their
 * sources and the numactl block. A pure function of the analysis (tables, topology, validation).
 */
import type { DecodedTable } from "../../acpi/index.js";
import { describeProvenance } from "../../acpi/raw.js";
import type { Diagnostic } from "../../diagnostics.js";
import { formatLocation } from "../../errors.js";
import type { Topology, TopologyNode } from "../../topology/model.js";
import type { Validation } from "../../validate/index.js";
import { escapeHtml } from "../../util/escape.js";
import { htmlDocument } from "../../util/html-page.js";
import { numactlBlock, numactlNote, rangeList } from "../numactl.js";
import { formatBytes, handleText } from "../text.js";
import { deviceGroups } from "./devices.js";
import { distanceHeatMap, heatMapHtml, hmatHeatMaps, HEATMAP_CSS, type HeatMap } from "./heatmap.js";
import { cpuTitle, hostSvg, nodeKinds, SVG_CSS } from "./svg.js";
import { REPORT_CSS, REPORT_SCRIPT } from "./style.js";
import { hex } from "../../util/hex.js";
import { pluralWord } from "../../util/plural.js";
import { maxOf, minOf } from "../../util/arrays.js";

export interface ReportInput {
  tables: readonly DecodedTable[];
  topology: Topology;
  validation: Validation;
}

export interface ReportMeta {
  /** What the user named (files, directories); shown in the title. Firmware-controlled: escaped. */
  sources: readonly string[];
}

const e = escapeHtml;

function section(id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${e(title)}</h2>\n${body}\n</section>`;
}

/**
 * A list table. Cells break only between words, so codes, severities, signatures and numbers stay
 * whole; the columns in `breakAnywhere` (paths, messages, CPU lists: long runs without a space)
 * may break inside a word too; what is still too wide for a narrow window scrolls in its own box.
 */
function table(head: readonly string[], rows: readonly (readonly string[])[], cls = "", rowClass?: (i: number) => string, breakAnywhere: readonly number[] = []): string {
  const td = (c: string, j: number): string => (breakAnywhere.includes(j) ? `<td class="any">${c}</td>` : `<td>${c}</td>`);
  const tr = rows.map((r, i) => `<tr${rowClass === undefined ? "" : ` class="${rowClass(i)}"`}>${r.map(td).join("")}</tr>`);
  return `<div class="scroll"><table class="list ${cls}"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead>\n<tbody>\n${tr.join("\n")}\n</tbody></table></div>`;
}

function kindText(n: TopologyNode): string {
  const k = nodeKinds(n);
  return [k.memoryOnly ? "memory only" : "", k.cpuOnly ? "CPUs only" : "", k.hotPlug ? "hot-plug memory" : "", k.nonVolatile ? "non-volatile memory" : "", k.specificPurpose ? "CXL / specific-purpose" : ""].filter((x) => x !== "").join(", ");
}

function nodesTable(t: Topology): string {
  if (t.nodes.length === 0) return "<p>No SRAT nodes.</p>";
  const rows = t.nodes.map((n) => {
    const linux = n.cpus.flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu]));
    const hot = n.memoryBytesWithHotplug - n.memoryBytes;
    return [
      `<span data-node="${n.id}">node ${n.id}</span>`, String(n.pxm), String(n.cpus.length), e(rangeList(linux) || "–"),
      e(formatBytes(n.memoryBytes)), hot > 0n ? e(formatBytes(hot)) : "–", String(n.devices.length), String(n.initiators.length), e(kindText(n) || "–"),
    ];
  });
  return table(["node", "PXM", "CPUs", "Linux CPUs", "memory", "hot-plug", "devices", "initiators", "kind"], rows, "nodes", undefined, [3, 8]);
}

function nodeDetails(n: TopologyNode): string {
  const mem = n.memory.map((r) => {
    const flags = [r.hotPluggable ? "hot-pluggable" : "", r.nonVolatile ? "non-volatile" : "", r.specificPurpose ? "specific-purpose" : ""].filter((x) => x !== "").join(", ");
    const span = r.length === 0n ? `${hex(r.base)} (empty)` : `${hex(r.base)}–${hex(r.base + r.length - 1n)}`;
    return `<li>${e(span)} ${e(formatBytes(r.length))}${flags === "" ? "" : ` <em>${e(flags)}</em>`} <small>${e(r.at.table)} ${e(hex(r.at.offset))}</small></li>`;
  });
  const cpus = n.cpus.map((c) => e(cpuTitle(c)));
  const devices = deviceGroups(n.devices).map((g) => {
    const below = g.below.length === 0 ? "" : `<details><summary>${g.below.length} ${pluralWord(g.below.length, "device")} below</summary><ul>${g.below.map((p) => `<li>${e(p)}</li>`).join("")}</ul></details>`;
    return `<li>${e(g.path)}${g.hid === undefined ? "" : ` <code>${e(g.hid)}</code>`}${g.own ? "" : " <small>(its _PXM)</small>"}${below}</li>`;
  });
  const inits = n.initiators.map((i) => `<li>${e(i.kind)} ${e(handleText(i.handle))}${i.architecturalTransactions ? " <em>architectural transactions</em>" : ""}</li>`);
  const part = (title: string, items: string[]): string => (items.length === 0 ? "" : `<h4>${title}</h4><ul class="cols">${items.join("")}</ul>`);
  return `<details class="node-detail" data-node="${n.id}"><summary>node ${n.id} (PXM ${n.pxm}): ${n.cpus.length} CPUs, ${e(formatBytes(n.memoryBytes))}</summary>` +
    `${part("memory", mem)}${part("CPUs", cpus.map((c) => `<li>${c}</li>`))}${part("devices", devices)}${part("initiators", inits)}` +
    `${n.itsIds.length === 0 ? "" : `<h4>GIC ITS</h4><p>${n.itsIds.join(", ")}</p>`}</details>`;
}

function cachesTable(t: Topology): string {
  const caches = t.hmat?.caches ?? [];
  if (caches.length === 0) return "";
  const rows = caches.map((c) => [
    c.node === undefined ? `PXM ${c.memoryPxm}` : `node ${c.node}`, `${c.level} of ${c.totalLevels}`, e(formatBytes(c.size)),
    e(c.associativity), e(c.writePolicy), `${c.lineSize} B`,
  ]);
  return `<h3>memory-side caches</h3>\n${table(["memory", "level", "size", "associativity", "write policy", "line"], rows, "caches")}`;
}

/** Above this many cells an HMAT matrix starts folded: the page stays quick, one click opens it. */
export const FOLD_CELLS = 32 * 32;

/**
 * Above this many cells an HMAT matrix is not drawn, only summed up: 2048 × 2048 cells made an
 * 88 MB page that no browser opens usefully. 256 × 256 is beyond any real HMAT.
 */
export const MAX_DRAWN_CELLS = 256 * 256;

function foldedHeatMap(m: HeatMap): string {
  const cells = m.rows.length * m.cols.length;
  if (cells <= FOLD_CELLS) return heatMapHtml(m);
  const values = m.values.flat().filter((v): v is number => v !== undefined);
  const range = values.length === 0 ? "no data" : `${minOf(values)}–${maxOf(values)}${m.unit === "" ? "" : ` ${m.unit}`}`;
  const summary = `<summary>${e(m.title)}: ${m.rows.length} × ${m.cols.length}, ${e(range)}</summary>`;
  if (cells > MAX_DRAWN_CELLS) {
    return `<details class="fold">${summary}\n<p>Not drawn: ${cells} cells, more than ${MAX_DRAWN_CELLS}. <code>numakit topology --format json</code> lists every pair (<code>hmat.pairs</code>).</p>\n</details>`;
  }
  return `<details class="fold">${summary}\n${heatMapHtml(m)}\n</details>`;
}

function matricesSection(t: Topology): string {
  const parts: string[] = [];
  if (t.nodes.length > 0) parts.push(heatMapHtml(distanceHeatMap(t)));
  else parts.push("<p>distances: none (one node)</p>");
  const h = t.hmat;
  if (h !== undefined) {
    parts.push(`<h3>HMAT (revision ${h.revision}; Linux ${h.linuxUses ? "uses it" : `ignores it: ${e(h.linuxReason ?? "")}`})</h3>`);
    const maps = hmatHeatMaps(t);
    parts.push(maps.length === 0 ? "<p>The HMAT holds no latency or bandwidth data.</p>" : `<div class="maps">${maps.map(foldedHeatMap).join("\n")}</div>`);
    parts.push(cachesTable(t));
  }
  return parts.join("\n");
}

export function diagnosticWhere(d: Diagnostic): string {
  return formatLocation({ ...(d.source === undefined ? {} : { file: d.source }), table: d.table, ...(d.offset === undefined ? {} : { offset: d.offset }) });
}

function findingsSection(t: Topology, v: Validation): string {
  const { error, warning, info } = v.counts;
  const counts = `<p class="counts"><span class="sev error">${error} ${pluralWord(error, "error")}</span> <span class="sev warning">${warning} ${pluralWord(warning, "warning")}</span> <span class="sev info">${info} info</span>` +
    ' <label class="js-only" hidden><input type="checkbox" id="hide-info"> hide info</label></p>';
  const rows = v.diagnostics.map((d) => [`<span class="sev ${d.severity}">${d.severity}</span>`, `<code>${e(d.code)}</code>`, e(diagnosticWhere(d)), e(d.message)]);
  const list = rows.length === 0 ? "<p>No findings.</p>" : table(["severity", "code", "where", "finding"], rows, "findings", (i) => `sev-${v.diagnostics[i]?.severity ?? "info"}`, [2, 3]);
  const verdict = (o: Topology["verdicts"]["linux"]): string[] => [
    o.os === "linux" ? "Linux" : "Xen", String(o.nodes), o.usesSrat ? "yes" : `no: ${e(o.sratRejected ?? "")}`, o.usesSlit ? "yes" : `no: ${e(o.slitRejected ?? "")}`,
    o.usesHmat === undefined ? "–" : o.usesHmat ? "yes" : `no: ${e(o.hmatRejected ?? "")}`,
  ];
  return [
    `<ul class="verdicts"><li>${e(t.verdicts.linux.sentence)}</li><li>${e(t.verdicts.xen.sentence)}</li></ul>`,
    table(["OS", "nodes", "SRAT", "SLIT", "HMAT"], [verdict(t.verdicts.linux), verdict(t.verdicts.xen)], "verdict-table", undefined, [2, 3, 4]),
    counts,
    list,
  ].join("\n");
}

function tablesSection(tables: readonly DecodedTable[]): string {
  if (tables.length === 0) return "<p>No tables.</p>";
  const str = (v: unknown): string => (typeof v === "string" ? v : "");
  const rows = tables.map((t) => {
    const h = t.header.values;
    const name = t.source.name === undefined || t.source.name === t.signature ? "" : ` (${t.source.name})`;
    return [
      `<code>${e(t.signature)}</code>`, `<code>${e(str(h["oemId"]))}</code>`, `<code>${e(str(h["oemTableId"]))}</code>`,
      e(String(h["revision"] ?? "")), e(String(h["tableLength"] ?? "")), t.checksumValid ? "ok" : '<span class="sev error">bad</span>',
      e(`${describeProvenance(t.source)}${name}`),
    ];
  });
  return table(["table", "OEM id", "OEM table id", "rev", "length", "checksum", "source"], rows, "tables", undefined, [1, 2, 6]);
}

function unplacedSection(t: Topology): string {
  if (!t.tables.includes("SRAT")) return "";
  const items = [
    ...t.unplacedCpus.map((c) => `MADT CPU without SRAT entry: ${cpuTitle(c)}`),
    ...t.unplacedInitiators.map((i) => `initiator on PXM ${i.pxm} (no node): ${i.kind} ${handleText(i.handle)}`),
    ...t.unplacedDevices.map((d) => `device on PXM ${d.pxm} (no node): ${d.path}`),
    ...t.dynamicPxmDevices.map((d) => `device whose _PXM only run-time AML can tell: ${d.path}${d.hid === undefined ? "" : ` (${d.hid})`}`),
  ];
  if (items.length === 0) return "";
  return `<h3>not placed</h3><ul>${items.map((i) => `<li>${e(i)}</li>`).join("")}</ul>`;
}

function msctLine(t: Topology): string {
  const m = t.msct;
  return m === undefined ? "" : `<p>MSCT: up to ${m.maxProximityDomains} proximity domains, ${m.maxClockDomains} clock domains, max address ${e(hex(m.maxPhysicalAddress))}</p>`;
}

export function reportTitle(sources: readonly string[]): string {
  return `numakit report: ${sources.length === 0 ? "this host" : sources.join(", ")}`;
}

/** The report's body (without the document shell), for embedding. */
export function topologyReportBody(input: ReportInput, meta: ReportMeta): string {
  const t = input.topology;
  const nav = [["host", "host"], ["matrices", "distances & HMAT"], ["findings", "findings & verdicts"], ["nodes", "nodes"], ["numactl", "numactl"], ["tables", "tables"]];
  return [
    `<header><h1>${e(reportTitle(meta.sources))}</h1>`,
    `<p class="meta">numbering: ${e(t.numbering)} · tables: ${e(t.tables.join(" ") || "(none)")}${t.sratRevision === undefined ? "" : ` · SRAT revision ${t.sratRevision}`}</p>`,
    `<nav>${nav.map(([id, label]) => `<a href="#${id ?? ""}">${label ?? ""}</a>`).join(" · ")}</nav></header>`,
    section("host", "host", `<div class="picture">${hostSvg(t)}</div>`),
    section("matrices", "distances and HMAT", matricesSection(t)),
    section("findings", "findings and verdicts", findingsSection(t, input.validation)),
    section("nodes", "nodes", `${nodesTable(t)}\n${t.nodes.map(nodeDetails).join("\n")}\n${unplacedSection(t)}\n${msctLine(t)}`),
    section("numactl", "numactl --hardware", `<pre>${e(numactlBlock(t))}${e(numactlNote(t))}</pre>`),
    section("tables", "tables", tablesSection(input.tables)),
    '<footer>Generated by numakit from the ACPI tables above. Free memory is a run-time figure and is not in the tables.</footer>',
  ].join("\n");
}

export function topologyHtml(input: ReportInput, meta: ReportMeta): string {
  return htmlDocument({
    title: reportTitle(meta.sources),
    css: [REPORT_CSS, SVG_CSS, HEATMAP_CSS].join("\n"),
    script: REPORT_SCRIPT,
    body: topologyReportBody(input, meta),
  });
}
