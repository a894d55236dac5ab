/**
 * Build NUMA tables for tests from a small description, through the engine's encoder
 * (`buildTable`), then decode them as a source would. Fields not given default to zero.
 */
import { buildTable, decodeTable, type DecodedTable, type SubtableModel } from "../../src/acpi/index.js";
import type { FieldValues, StructSpec } from "../../src/acpi/layout/types.js";
import type { TableDef } from "../../src/acpi/tables/def.js";
import { hmat, hmatSubtables } from "../../src/acpi/tables/hmat.js";
import { madt, madtSubtables } from "../../src/acpi/tables/madt.js";
import { msct, msctDomainSpec } from "../../src/acpi/tables/msct.js";
import { slit } from "../../src/acpi/tables/slit.js";
import { srat, sratSubtables } from "../../src/acpi/tables/srat.js";

/** Every field of `spec` with a value: the given one, else zero of the right kind. */
export function full(spec: StructSpec, values: FieldValues): FieldValues {
  const out: FieldValues = {};
  for (const f of spec.fields) {
    const v = values[f.key];
    if (v !== undefined) { out[f.key] = v; continue; }
    if (f.kind === "u64") out[f.key] = 0n;
    else if (f.kind === "bytes") out[f.key] = new Uint8Array(f.size);
    else if (f.kind === "array") out[f.key] = [];
    else if (f.kind === "ascii") out[f.key] = "";
    else out[f.key] = 0;
  }
  return out;
}

const header = (revision: number) => ({ revision, oemId: "NUMAKT", oemTableId: "TEST    ", oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1 });

export function table(def: TableDef, revision: number, fixed: FieldValues, subs: { type: number; values: FieldValues }[] = [], specs?: Record<number, StructSpec>): DecodedTable {
  const subtables: SubtableModel[] = subs.map((s) => {
    const spec = specs?.[s.type] ?? (def === msct ? msctDomainSpec : undefined);
    return { type: s.type, values: spec === undefined ? s.values : full(spec, s.values) };
  });
  const bytes = buildTable(def, { header: header(revision), fixed: full(def.fixed, fixed), subtables });
  return decodeTable({ signature: def.signature, bytes, source: { file: `test:${def.signature}` } });
}

export const sratTable = (revision: number, subs: { type: number; values: FieldValues }[]): DecodedTable =>
  table(srat, revision, { tableRevision: 1 }, subs, sratSubtables);
export const madtTable = (subs: { type: number; values: FieldValues }[]): DecodedTable =>
  table(madt, 5, { localApicAddress: 0xfee00000, flags: 1 }, subs, madtSubtables);
export const slitTable = (matrix: number[][]): DecodedTable =>
  table(slit, 1, { localityCount: BigInt(matrix.length), entries: matrix.flat() });
export const hmatTable = (revision: number, subs: { type: number; values: FieldValues }[]): DecodedTable =>
  table(hmat, revision, {}, subs, hmatSubtables);
/**
 * An HMAT System Locality Latency and Bandwidth structure (type 1): `entries` row by row, one per
 * initiator; base unit 1000 (latencies in ps read as ns, bandwidths in MB/s × 1000).
 */
export const hmatLocality = (o: { flags?: number; dataType: number; initiators: number[]; targets: number[]; entries: number[] }): { type: number; values: FieldValues } => ({
  type: 1, values: {
    flags: o.flags ?? 0, dataType: o.dataType, minTransferSize: 0, entryBaseUnit: 1000n, initiatorProximityDomainsCount: o.initiators.length,
    targetProximityDomainsCount: o.targets.length, initiatorProximityDomainList: o.initiators, targetProximityDomainList: o.targets, entries: o.entries,
  },
});
export const msctTable = (fixed: FieldValues, domains: FieldValues[]): DecodedTable =>
  table(msct, 1, { proximityOffset: 56, ...fixed }, domains.map((values) => ({ type: 0, values: { revision: 1, ...values } })));

/** A host as tests describe it: nodes by PXM with APIC ids and [base, length] ranges. */
export interface HostSpec {
  sratRevision?: number;
  /** SRAT entries in table order: CPUs (by APIC id) and memory ranges, each with its PXM. */
  cpus: { pxm: number; apic: number; enabled?: boolean; madt?: "enabled" | "disabled" | "online-capable" | "absent" }[];
  memory: { pxm: number; base: bigint; length: bigint; flags?: number }[];
  slit?: number[][];
}

export function hostTables(h: HostSpec): DecodedTable[] {
  const rev = h.sratRevision ?? 3;
  const subs: { type: number; values: FieldValues }[] = [
    ...h.cpus.map((c) => (c.apic < 255
      ? { type: 0, values: { proximityDomainLow8: c.pxm & 0xff, apicId: c.apic, flags: c.enabled === false ? 0 : 1, proximityDomainHigh24: c.pxm >>> 8 } }
      : { type: 2, values: { proximityDomain: c.pxm, x2apicId: c.apic, flags: c.enabled === false ? 0 : 1 } })),
    ...h.memory.map((m) => ({ type: 1, values: { proximityDomain: m.pxm, baseAddress: m.base, addressLength: m.length, flags: m.flags ?? 1 } })),
  ];
  const madtFlags = { enabled: 1, disabled: 0, "online-capable": 2 } as const;
  const lapics = h.cpus.flatMap((c, uid): { type: number; values: FieldValues }[] => {
    const state = c.madt ?? "enabled";
    if (state === "absent") return [];
    const flags = madtFlags[state];
    return c.apic < 255 ? [{ type: 0, values: { processorId: uid & 0xff, localApicId: c.apic, flags } }] : [{ type: 9, values: { x2apicId: c.apic, flags, processorUid: uid } }];
  });
  const out = [sratTable(rev, subs), madtTable(lapics)];
  if (h.slit !== undefined) out.push(slitTable(h.slit));
  return out;
}

/** The value, or a test failure when it is missing (instead of a non-null assertion). */
export function must<T>(v: T | undefined, what = "value"): T {
  if (v === undefined) throw new Error(`${what} is missing`);
  return v;
}
