/**
 * `topology --format markdown`: the report for tickets and wikis (GitHub-flavoured Markdown:
 * tables, fenced code). Firmware strings go through escapeMarkdown, so a table id cannot add
 * markup, links or HTML; the numactl block is fenced (it holds only numbers and fixed words).
 */
import type { DecodedTable } from "../acpi/index.js";
import { describeProvenance } from "../acpi/raw.js";
import type { Topology } from "../topology/model.js";
import type { Validation } from "../validate/index.js";
import { escapeMarkdown } from "../util/escape.js";
import { diagnosticWhere, reportTitle } from "./html/report.js";
import { distanceHeatMap, hmatHeatMaps, type HeatMap } from "./html/heatmap.js";
import { bridgeLines } from "./html/devices.js";
import { nodeKinds } from "./html/svg.js";
import { numactlBlock, numactlNote, rangeList } from "./numactl.js";
import { formatBytes } from "./text.js";
import { pluralWord } from "../util/plural.js";

const m = escapeMarkdown;

/** A GFM table; `numeric` right-aligns every column but the first (matrices). */
function mdTable(head: readonly string[], rows: readonly (readonly string[])[], numeric = false): string[] {
  return [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (numeric && i > 0 ? " ---: " : " --- ")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function matrix(h: HeatMap): string[] {
  return [
    `**${m(h.title)}**${h.unit === "" ? "" : ` (${m(h.unit)})`}`, "",
    ...mdTable(["", ...h.cols.map((c) => m(c.label))], h.rows.map((r, i) => [m(r.label), ...h.cols.map((_, j) => { const v = h.values[i]?.[j]; return v === undefined ? "–" : String(v); })]), true),
    "",
  ];
}

function nodeRows(t: Topology): string[][] {
  return t.nodes.map((n) => {
    const k = nodeKinds(n);
    const kind = [k.memoryOnly ? "memory only" : "", k.cpuOnly ? "CPUs only" : "", k.hotPlug ? "hot-plug" : "", k.nonVolatile ? "non-volatile" : "", k.specificPurpose ? "CXL / specific-purpose" : ""].filter((x) => x !== "").join(", ");
    const linux = rangeList(n.cpus.flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu])));
    const devices = bridgeLines(n.devices);
    return [`node ${n.id}`, String(n.pxm), String(n.cpus.length), m(linux || "–"), m(formatBytes(n.memoryBytes)), m(kind || "–"), devices.length === 0 ? "–" : devices.map(m).join("<br>")];
  });
}

export function topologyMarkdown(t: Topology, v: Validation, tables: readonly DecodedTable[], sources: readonly string[]): string {
  const { error, warning, info } = v.counts;
  const out = [
    `# ${m(reportTitle(sources))}`, "",
    `numbering: ${t.numbering} · tables: ${m(t.tables.join(" ") || "(none)")}${t.sratRevision === undefined ? "" : ` · SRAT revision ${t.sratRevision}`}`, "",
    "## Verdicts", "",
    `- ${m(t.verdicts.linux.sentence)}`, `- ${m(t.verdicts.xen.sentence)}`, "",
    "## Nodes", "",
    ...(t.nodes.length === 0 ? ["No SRAT nodes: the OS runs one node 0.", ""] : [...mdTable(["node", "PXM", "CPUs", "Linux CPUs", "memory", "kind", "devices"], nodeRows(t)), ""]),
    "## Distances and HMAT", "",
    ...(t.nodes.length === 0 ? ["distances: none (one node)", ""] : matrix(distanceHeatMap(t))),
    ...(t.hmat === undefined ? [] : [`HMAT revision ${t.hmat.revision}; Linux ${t.hmat.linuxUses ? "uses it" : `ignores it: ${m(t.hmat.linuxReason ?? "")}`}.`, "", ...hmatHeatMaps(t).flatMap(matrix)]),
    ...((t.hmat?.caches.length ?? 0) === 0 ? [] : ["**memory-side caches**", "", ...mdTable(["memory", "level", "size", "associativity", "write policy", "line"],
      (t.hmat?.caches ?? []).map((c) => [c.node === undefined ? `PXM ${c.memoryPxm}` : `node ${c.node}`, `${c.level} of ${c.totalLevels}`, m(formatBytes(c.size)), m(c.associativity), m(c.writePolicy), `${c.lineSize} B`])), ""]),
    "## Findings", "",
    `${error} ${pluralWord(error, "error")}, ${warning} ${pluralWord(warning, "warning")}, ${info} info`, "",
    ...(v.diagnostics.length === 0 ? [] : [...mdTable(["severity", "code", "where", "finding"], v.diagnostics.map((d) => [d.severity, `\`${d.code.replace(/[^A-Z0-9_]/gi, "")}\``, m(diagnosticWhere(d)), m(d.message)])), ""]),
    "## numactl --hardware", "",
    "```", `${numactlBlock(t)}${numactlNote(t)}`, "```", "",
    "## Tables", "",
    ...mdTable(["table", "OEM id", "OEM table id", "rev", "length", "checksum", "source"], tables.map((x) => {
      const h = x.header.values;
      const s = (k: string): string => { const val = h[k]; return typeof val === "string" || typeof val === "number" ? String(val) : ""; };
      return [m(x.signature), m(s("oemId")), m(s("oemTableId")), s("revision"), s("tableLength"), x.checksumValid ? "ok" : "**bad**", m(describeProvenance(x.source))];
    })),
    "",
  ];
  return out.join("\n");
}
