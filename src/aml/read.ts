/**
 * `readNamespace(tables)`: the library entry point. Loads the DSDT and then every SSDT (in the
 * order given) into one namespace, and reports every Device/Processor with its identity and
 * locality, every _PXM/_SLI declaration, per-table counts and the diagnostics.
 */
import { describeProvenance, type Provenance } from "../acpi/raw.js";
import { HEADER_OFFSET, HEADER_SIZE, readHeader } from "../acpi/tables/header.js";
import { DiagnosticSink, type Diagnostic } from "../diagnostics.js";
import { DeviceReader, DEVICE_KINDS, toPxm, toSli, type NamespaceDevice } from "./devices.js";
import { StaticEvaluator } from "./evaluate.js";
import { Namespace, NamespaceFull, type NsNode } from "./namespace.js";
import type { ObjectKind } from "./opcodes.js";
import { AmlParser } from "./parser.js";
import { checkSli, type SliDistances } from "./sli.js";
import { mapStatic, type ObjectValue } from "./value.js";

/** One raw table: a `RawTable` from src/acpi/sources fits; other signatures are ignored. */
export interface AmlTableInput {
  signature: string;
  bytes: Uint8Array;
  /** Label for results ("SSDT2"); by default DSDT, and SSDT or SSDT1..n when there are several. */
  label?: string;
  /** Where it came from; copied into diagnostics as "file" or "file:line". */
  source?: Provenance;
}

export interface TableSummary {
  label: string;
  signature: string;
  /** "file" or "file:line" of the table's header in a text dump. */
  source?: string;
  length: number;
  revision: number;
  /** _PXM / _SLI declarations in this table (each Name or Method counts once). */
  pxmObjects: number;
  sliObjects: number;
  /** Device and Processor objects this table defines. */
  devices: number;
}

/** One _PXM or _SLI declaration, judged on its own. */
export interface LocalityObject {
  name: "_PXM" | "_SLI";
  /** The object's own path ("\\_SB.PCI0._PXM"). */
  path: string;
  /** The path of the object it belongs to. */
  owner: string;
  kind: ObjectKind;
  table: string;
  offset: number;
  conditional?: string;
  value: ObjectValue<number> | ObjectValue<SliDistances>;
}

export interface NamespaceReport {
  tables: TableSummary[];
  /** Every Device and Processor, depth-first in namespace order. */
  devices: NamespaceDevice[];
  objects: LocalityObject[];
  diagnostics: Diagnostic[];
  namespace: Namespace;
}

export interface ReadOptions {
  /** Number of SLIT localities, when known: _SLI lengths are checked against it. */
  slitLocalities?: number;
  /** Most names the namespace takes before loading stops (AML_NAMESPACE_FULL); default MAX_NAMESPACE_NODES. */
  maxNames?: number;
}

const DEFINITION_BLOCKS = new Set(["DSDT", "SSDT"]);

function labelTables(tables: readonly AmlTableInput[]): { t: AmlTableInput; label: string }[] {
  const blocks = tables.filter((t) => DEFINITION_BLOCKS.has(t.signature));
  const ssdts = blocks.filter((t) => t.signature === "SSDT").length;
  let n = 0;
  const dsdts = blocks.filter((t) => t.signature === "DSDT");
  const rest = blocks.filter((t) => t.signature !== "DSDT");
  return [...dsdts, ...rest].map((t, i) => {
    if (t.label !== undefined) return { t, label: t.label };
    if (t.signature === "SSDT") return { t, label: ssdts > 1 ? `SSDT${++n}` : "SSDT" };
    return { t, label: dsdts.length > 1 ? `DSDT${i + 1}` : "DSDT" };
  });
}

export function readNamespace(tables: readonly AmlTableInput[], options: ReadOptions = {}): NamespaceReport {
  const ns = new Namespace(options.maxNames);
  const sinks = new Map<string, DiagnosticSink>();
  const sinkFor = (label: string, source?: string): DiagnosticSink => {
    let s = sinks.get(label);
    if (s === undefined) {
      s = new DiagnosticSink(source === undefined ? { table: label } : { table: label, source });
      sinks.set(label, s);
    }
    return s;
  };
  const summaries: TableSummary[] = [];
  const blocks = labelTables(tables);
  // One integer width for the whole namespace, the DSDT's: ACPICA sets it when it installs the DSDT
  // (acpi_tb_install_table_with_override -> acpi_ut_set_integer_width) and every table, SSDTs
  // included, is loaded and run with it. Without a readable DSDT, each table's own revision.
  const dsdt = blocks.find((b) => b.t.signature === "DSDT");
  const dsdtRevision = dsdt === undefined ? undefined : readHeader(dsdt.t.bytes).values.revision;
  for (const [i, { t, label }] of blocks.entries()) {
    const source = t.source === undefined ? undefined : describeProvenance(t.source);
    const sink = sinkFor(label, source);
    const header = readHeader(t.bytes);
    const summary: TableSummary = { label, signature: t.signature, length: t.bytes.length, revision: header.values.revision ?? 0, pxmObjects: 0, sliObjects: 0, devices: 0 };
    if (source !== undefined) summary.source = source;
    summaries.push(summary);
    const declared = header.values.tableLength;
    if (!header.complete || declared === undefined) { sink.error("AML_TABLE_SHORT", `${t.bytes.length} bytes: shorter than the ${HEADER_SIZE}-byte table header`); continue; }
    let bytes = t.bytes;
    if (declared < HEADER_SIZE) sink.error("AML_TABLE_LENGTH", `header Length ${declared} is shorter than the header; parsed the ${t.bytes.length} bytes present`, HEADER_OFFSET.tableLength);
    else if (declared > t.bytes.length) sink.error("AML_TABLE_TRUNCATED", `header Length ${declared} but only ${t.bytes.length} bytes present; parsed what is there`, HEADER_OFFSET.tableLength);
    else bytes = t.bytes.subarray(0, declared);
    summary.length = bytes.length;
    // §19.6.28 DefinitionBlock: ComplianceRevision < 2 means 32-bit integers.
    const intBits = (dsdtRevision ?? summary.revision) < 2 ? 32 : 64;
    try {
      new AmlParser(ns, { label, bytes, intBits }, sink).loadDefinitionBlock();
    } catch (e) {
      if (!(e instanceof NamespaceFull)) throw e;
      const later = i < blocks.length - 1 ? "; the tables after it are not read" : "";
      sink.error("AML_NAMESPACE_FULL", `${e.message}: loading stopped here, the rest of this table is not read${later}`, e.offset);
      break;
    }
  }

  const ev = new StaticEvaluator(ns, (label) => sinkFor(label));
  const reader = new DeviceReader(ev);
  const devices: NamespaceDevice[] = [];
  const objects: LocalityObject[] = [];
  const byLabel = new Map(summaries.map((s) => [s.label, s]));
  for (const node of ns.walk()) {
    if (DEVICE_KINDS.has(node.kind)) {
      const dev = reader.read(node);
      devices.push(dev);
      const s = byLabel.get(dev.table);
      if (s !== undefined) s.devices++;
      checkDevice(dev, options, sinkFor(dev.table));
    }
    if (node.seg === "_PXM" || node.seg === "_SLI") collectObjects(node, ev, objects, byLabel);
  }
  const diagnostics = [...sinks.values()].flatMap((s) => s.items);
  return { tables: summaries, devices, objects, diagnostics, namespace: ns };
}

function collectObjects(node: NsNode, ev: StaticEvaluator, out: LocalityObject[], byLabel: Map<string, TableSummary>): void {
  const name = node.seg === "_PXM" ? "_PXM" : "_SLI";
  for (const d of node.definitions) {
    const raw = ev.decl(node, d);
    const value = name === "_PXM" ? mapStatic(raw, toPxm) : mapStatic(raw, toSli);
    const o: LocalityObject = { name, path: node.path, owner: node.parent?.path ?? "\\", kind: d.kind, table: d.table, offset: d.offset, value };
    if (d.conditional !== undefined) o.conditional = d.conditional;
    out.push(o);
    const s = byLabel.get(d.table);
    if (s !== undefined) { if (name === "_PXM") s.pxmObjects++; else s.sliObjects++; }
  }
}

function checkDevice(dev: NamespaceDevice, options: ReadOptions, sink: DiagnosticSink): void {
  if (dev.sli === undefined) return;
  const ownPxm = dev.pxm !== undefined && dev.pxm.static ? dev.pxm.value : undefined;
  if (dev.pxm === undefined) sink.warning("AML_SLI_WITHOUT_PXM", `${dev.path} has _SLI but no _PXM applies to it (§6.2.16: _SLI is evaluated with the device's _PXM)`, dev.sli.offset);
  if (!dev.sli.static) return;
  for (const f of checkSli(dev.sli.value, ownPxm, options.slitLocalities)) sink.warning(f.code, `${dev.path}: ${f.message}`, dev.sli.offset);
}
