/**
 * One scan row: what a fleet inventory needs to know about a host, as a pure function of its
 * analysis (and, for the fingerprint, of the raw table bytes). schema/scan-row.schema.json.
 */
import { createHash } from "node:crypto";
import type { RawTable } from "../acpi/raw.js";
import type { Analysis } from "../analyse.js";
import type { Severity } from "../diagnostics.js";
import type { DistanceSource, OsVerdict } from "../topology/model.js";
import { NUMA_TABLES } from "../validate/index.js";

export const SCAN_SCHEMA_VERSION = 1;

/** What a row records of one OS's verdict (OsVerdict without the prose). */
export interface RowVerdict {
  nodes: number;
  usesSrat: boolean;
  usesSlit: boolean;
  usesHmat?: boolean;
  sratRejected?: string;
  slitRejected?: string;
  hmatRejected?: string;
}

export interface RowFinding { code: string; severity: Severity; count: number }

/** A host that was read and analysed. */
export interface HostRow {
  schemaVersion: typeof SCAN_SCHEMA_VERSION;
  source: string;
  status: "ok";
  /** Identity of the platform: from the FADT, else the DSDT, the SRAT, or the first table. */
  oem: { id: string; tableId: string; revision: number; from: string };
  /** NUMA table signatures present, in source order. */
  tables: string[];
  nodes: { linux: number; xen: number };
  cpus: { total: number; enabled: number; unplaced: number };
  memoryBytes: number;
  memoryBytesWithHotplug: number;
  distanceSource: DistanceSource;
  hmat: boolean;
  counts: Record<Severity, number>;
  /** One entry per finding code, most severe first. */
  findings: RowFinding[];
  verdicts: { linux: RowVerdict; xen: RowVerdict };
  /** Linux falls back to one node (no SRAT, or the SRAT rejected). */
  linuxFallback: boolean;
  /** Linux and Xen differ in node count or in using the SRAT or SLIT. */
  linuxXenDisagree: boolean;
  /** sha256 of the NUMA tables' bytes (signature, length, bytes; by signature): equal firmware, equal value. */
  fingerprint: string;
}

/** A path that is not a host: not ACPI data ("skipped") or not readable ("error"). */
export interface UnreadRow {
  schemaVersion: typeof SCAN_SCHEMA_VERSION;
  source: string;
  status: "skipped" | "error";
  error: { code: string; message: string };
}

export type ScanRow = HostRow | UnreadRow;

/** Tables whose bytes define what the OS makes of NUMA (the DSDT/SSDTs change with every BIOS build). */
const FINGERPRINT_TABLES: ReadonlySet<string> = new Set([...NUMA_TABLES, "CEDT"]);

export function fingerprint(tables: readonly RawTable[]): string {
  const h = createHash("sha256");
  const len = Buffer.alloc(4);
  // By signature, so a table directory and an acpidump of the same firmware agree (a stable
  // sort keeps source order among tables of one signature).
  const numa = tables.filter((t) => FINGERPRINT_TABLES.has(t.signature)).sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  for (const t of numa) {
    len.writeUInt32LE(t.bytes.length);
    h.update(t.signature, "latin1").update(len).update(t.bytes);
  }
  return h.digest("hex");
}

function rowVerdict(v: OsVerdict): RowVerdict {
  const r: RowVerdict = { nodes: v.nodes, usesSrat: v.usesSrat, usesSlit: v.usesSlit };
  if (v.usesHmat !== undefined) r.usesHmat = v.usesHmat;
  if (v.sratRejected !== undefined) r.sratRejected = v.sratRejected;
  if (v.slitRejected !== undefined) r.slitRejected = v.slitRejected;
  if (v.hmatRejected !== undefined) r.hmatRejected = v.hmatRejected;
  return r;
}

const OEM_FROM = ["FACP", "DSDT", "SRAT"];

/** Header strings end at the first NUL and lose their space padding ("DELL  " -> "DELL"). */
function headerText(v: unknown): string {
  if (typeof v !== "string") return "";
  const end = v.indexOf("\0");
  return (end < 0 ? v : v.slice(0, end)).trimEnd();
}

function oemOf(a: Analysis): HostRow["oem"] {
  const t = OEM_FROM.map((sig) => a.tables.find((x) => x.signature === sig)).find((x) => x !== undefined) ?? a.tables[0];
  const h = t?.header.values ?? {};
  const rev = h["oemRevision"];
  return { id: headerText(h["oemId"]), tableId: headerText(h["oemTableId"]), revision: typeof rev === "number" ? rev : 0, from: t?.signature ?? "" };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function findingsOf(a: Analysis): RowFinding[] {
  const by = new Map<string, RowFinding>();
  for (const d of a.validation.diagnostics) {
    const f = by.get(d.code);
    if (f === undefined) by.set(d.code, { code: d.code, severity: d.severity, count: 1 });
    else f.count++;
  }
  return [...by.values()].sort((x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] || x.code.localeCompare(y.code));
}

export function hostRow(source: string, raw: readonly RawTable[], a: Analysis): HostRow {
  const t = a.topology;
  const placed = t.nodes.flatMap((n) => n.cpus);
  const all = [...placed, ...t.unplacedCpus];
  const { linux, xen } = t.verdicts;
  return {
    schemaVersion: SCAN_SCHEMA_VERSION,
    source,
    status: "ok",
    oem: oemOf(a),
    tables: [...new Set(a.tables.map((x) => x.signature).filter((s) => FINGERPRINT_TABLES.has(s)))],
    nodes: { linux: linux.nodes, xen: xen.nodes },
    cpus: { total: all.length, enabled: all.filter((c) => c.enabled).length, unplaced: t.unplacedCpus.length },
    memoryBytes: Number(t.nodes.reduce((s, n) => s + n.memoryBytes, 0n)),
    memoryBytesWithHotplug: Number(t.nodes.reduce((s, n) => s + n.memoryBytesWithHotplug, 0n)),
    distanceSource: t.distances.source,
    hmat: t.hmat !== undefined,
    counts: { ...a.validation.counts },
    findings: findingsOf(a),
    verdicts: { linux: rowVerdict(linux), xen: rowVerdict(xen) },
    linuxFallback: !linux.usesSrat,
    linuxXenDisagree: linux.nodes !== xen.nodes || linux.usesSrat !== xen.usesSrat || linux.usesSlit !== xen.usesSlit,
    fingerprint: fingerprint(raw),
  };
}
