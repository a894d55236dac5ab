/**
 * `numakit scan` output, row by row (so a fleet streams): JSON Lines (schema/scan-row.schema.json),
 * CSV for spreadsheets, and a text table closed by the fleet summary.
 */
import type { HostRow, ScanRow } from "../fleet/row.js";
import type { ScanSummary } from "../fleet/summary.js";
import { plural } from "../util/plural.js";
import { oneLineText } from "../util/escape.js";
import { formatBytes } from "./text.js";

export function jsonlLine(row: ScanRow): string {
  return `${JSON.stringify(row)}\n`;
}

export const CSV_COLUMNS = [
  "source", "status", "error", "oemId", "oemTableId", "oemRevision", "tables", "linuxNodes", "xenNodes", "cpus", "cpusEnabled",
  "cpusUnplaced", "memoryBytes", "memoryBytesWithHotplug", "distanceSource", "hmat", "errors", "warnings", "infos", "codes",
  "linuxUsesSrat", "linuxUsesSlit", "linuxUsesHmat", "xenUsesSrat", "xenUsesSlit", "linuxFallback", "linuxXenDisagree", "fingerprint",
] as const;

/**
 * RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first: a
 * hostile OEM id or file name) gets a leading apostrophe, as OWASP advises for CSV injection.
 */
export function csvCell(v: string | number | boolean | undefined): string {
  if (v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\n`;
}

function csvValues(row: ScanRow): Record<(typeof CSV_COLUMNS)[number], string | number | boolean | undefined> {
  const base = { source: row.source, status: row.status };
  if (row.status !== "ok") {
    return { ...base, error: `${row.error.code}: ${row.error.message}`, oemId: undefined, oemTableId: undefined, oemRevision: undefined, tables: undefined, linuxNodes: undefined, xenNodes: undefined, cpus: undefined, cpusEnabled: undefined, cpusUnplaced: undefined, memoryBytes: undefined, memoryBytesWithHotplug: undefined, distanceSource: undefined, hmat: undefined, errors: undefined, warnings: undefined, infos: undefined, codes: undefined, linuxUsesSrat: undefined, linuxUsesSlit: undefined, linuxUsesHmat: undefined, xenUsesSrat: undefined, xenUsesSlit: undefined, linuxFallback: undefined, linuxXenDisagree: undefined, fingerprint: undefined };
  }
  const { linux, xen } = row.verdicts;
  return {
    ...base, error: undefined, oemId: row.oem.id, oemTableId: row.oem.tableId, oemRevision: row.oem.revision, tables: row.tables.join(" "),
    linuxNodes: row.nodes.linux, xenNodes: row.nodes.xen, cpus: row.cpus.total, cpusEnabled: row.cpus.enabled, cpusUnplaced: row.cpus.unplaced,
    memoryBytes: row.memoryBytes, memoryBytesWithHotplug: row.memoryBytesWithHotplug, distanceSource: row.distanceSource, hmat: row.hmat,
    errors: row.counts.error, warnings: row.counts.warning, infos: row.counts.info, codes: row.findings.map((f) => f.code).join(" "),
    linuxUsesSrat: linux.usesSrat, linuxUsesSlit: linux.usesSlit, linuxUsesHmat: linux.usesHmat, xenUsesSrat: xen.usesSrat, xenUsesSlit: xen.usesSlit,
    linuxFallback: row.linuxFallback, linuxXenDisagree: row.linuxXenDisagree, fingerprint: row.fingerprint,
  };
}

export function csvLine(row: ScanRow): string {
  const v = csvValues(row);
  return `${CSV_COLUMNS.map((c) => csvCell(v[c])).join(",")}\n`;
}

/** Fingerprints print shortened, as git prints commits. */
export const shortFingerprint = (fp: string): string => fp.slice(0, 12);

const COLUMNS: [string, number][] = [["LINUX", 5], ["XEN", 4], ["CPUS", 5], ["MEMORY", 10], ["DIST", 7], ["HMAT", 4], ["ERR", 4], ["WARN", 4], ["INFO", 4], ["FINGERPRINT", 12], ["OEM", 16]];

function cells(values: string[]): string {
  return values.map((v, i) => {
    const [, w] = COLUMNS[i] ?? ["", 0];
    return i >= 9 ? v.padEnd(w) : v.padStart(w);
  }).join("  ");
}

export function textHeader(): string {
  return `${cells(COLUMNS.map(([h]) => h))}  SOURCE\n`;
}

function hostCells(r: HostRow): string[] {
  return [
    String(r.nodes.linux), String(r.nodes.xen), String(r.cpus.total), formatBytes(BigInt(r.memoryBytes)), r.distanceSource, r.hmat ? "yes" : "no",
    String(r.counts.error), String(r.counts.warning), String(r.counts.info), shortFingerprint(r.fingerprint), oneLineText(`${r.oem.id} ${r.oem.tableId}`.trim()),
  ];
}

/** A host's line; an unreadable source's line. Sources skipped as not ACPI data are named in the summary instead. */
export function textLine(row: ScanRow): string {
  const source = oneLineText(row.source);
  if (row.status === "ok") return `${cells(hostCells(row))}  ${source}\n`;
  if (row.status === "skipped") return "";
  return `UNREADABLE: ${source}: ${oneLineText(row.error.message)}\n`;
}

function more(shown: number, total: number): string[] {
  return total > shown ? [`  ... and ${total - shown} more`] : [];
}

/** The closing summary of a text scan. */
export function summaryText(s: ScanSummary, opts: { interrupted?: boolean } = {}): string {
  const out: string[] = [""];
  if (opts.interrupted === true) out.push("interrupted: the summary covers the sources scanned so far");
  out.push(`${plural(s.sources, "source")}: ${plural(s.hosts, "host")} read, ${s.skipped} skipped (not ACPI data), ${s.unreadable} unreadable; ${plural(s.hostsWithErrors, "host")} with errors`);
  if (s.skipped > 0) {
    out.push("", `skipped as not ACPI data: ${plural(s.skipped, "source")}`);
    for (const h of s.skippedExamples) out.push(`  ${oneLineText(h.source)}: ${oneLineText(h.why)}`);
    out.push(...more(s.skippedExamples.length, s.skipped));
  }
  const groups = s.groups();
  out.push("", `hosts by fingerprint (NUMA tables): ${plural(groups.length, "distinct firmware", "distinct firmwares")}`);
  for (const g of groups.slice(0, 20)) {
    out.push(`  ${String(g.hosts).padStart(6)}  ${shortFingerprint(g.fingerprint)}  Linux ${plural(g.linuxNodes, "node")}, Xen ${plural(g.xenNodes, "node")}  ${oneLineText(g.oem) || "-"}  e.g. ${oneLineText(g.example)}`);
  }
  out.push(...more(Math.min(groups.length, 20), groups.length));
  const findings = s.frequentFindings();
  out.push("", findings.length === 0 ? "findings: none" : "most frequent findings (hosts):");
  for (const f of findings.slice(0, 15)) out.push(`  ${String(f.hosts).padStart(6)}  ${f.severity.padEnd(7)}  ${f.code}`);
  out.push(...more(Math.min(findings.length, 15), findings.length));
  out.push("", `Linux falls back to one node on ${plural(s.fallbackCount, "host")}${s.fallbackCount > 0 ? ":" : ""}`);
  for (const h of s.fallback) out.push(`  ${oneLineText(h.source)}: ${oneLineText(h.why)}`);
  out.push(...more(s.fallback.length, s.fallbackCount));
  out.push("", `Linux and Xen disagree on ${plural(s.disagreeCount, "host")}${s.disagreeCount > 0 ? ":" : ""}`);
  for (const h of s.disagree) out.push(`  ${oneLineText(h.source)}: ${h.why}`);
  out.push(...more(s.disagree.length, s.disagreeCount));
  return `${out.join("\n")}\n`;
}
