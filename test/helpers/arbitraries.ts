/**
 * fast-check arbitraries derived from the specs themselves: a valid model of any table numakit
 * describes (SRAT, SLIT, HMAT, MADT, MSCT), with reserved fields zero and list counts small.
 */
import fc from "fast-check";
import type { SubtableModel, TableModel } from "../../src/acpi/encode.js";
import type { FieldSpec, FieldValue, FieldValues, ScalarKind, StructSpec } from "../../src/acpi/layout/types.js";
import type { TableDef } from "../../src/acpi/tables/def.js";
import { headerSpec } from "../../src/acpi/tables/header.js";

/** Fields whose value sizes a list: kept small so tables stay small. */
const COUNTS: Record<string, fc.Arbitrary<FieldValue>> = {
  localityCount: fc.bigInt(0n, 6n),
  initiatorProximityDomainsCount: fc.integer({ min: 0, max: 4 }),
  targetProximityDomainsCount: fc.integer({ min: 0, max: 4 }),
  smbiosHandleCount: fc.integer({ min: 0, max: 4 }),
  // CEDT: CFMWS target count from its ways encoding (valid ones: 1-16, 3, 6, 12 ways), CXIMS xormaps.
  interleaveMembers: fc.constantFrom(0, 1, 2, 3, 4, 8, 9, 10),
  xormapListCount: fc.integer({ min: 0, max: 4 }),
};

const maxOf: Record<Exclude<ScalarKind, "u64">, number> = { u8: 0xff, u16: 0xffff, u24: 0xffffff, u32: 0xffffffff };

function scalarArb(f: FieldSpec): fc.Arbitrary<FieldValue> {
  const counted = COUNTS[f.key];
  if (counted !== undefined) return counted;
  if (f.reserved === true) return fc.constant(f.kind === "u64" ? 0n : 0);
  switch (f.kind) {
    case "u64": return fc.bigInt(0n, 0xffffffffffffffffn);
    case "ascii": return fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: f.size, maxLength: f.size });
    case "bytes": return fc.uint8Array({ minLength: f.size, maxLength: f.size });
    case "array": throw new Error("arrays are generated from their counts");
    default: {
      const mask = f.reservedMask ?? 0;
      return fc.integer({ min: 0, max: maxOf[f.kind] }).map((v) => (v & ~mask) >>> 0);
    }
  }
}

/** Values for every field of `spec` except `skip` (the type/length fields buildTable fills in). */
export function valuesArb(spec: StructSpec, skip: ReadonlySet<string> = new Set()): fc.Arbitrary<FieldValues> {
  const scalars = spec.fields.filter((f) => f.kind !== "array" && !skip.has(f.key));
  const record: Record<string, fc.Arbitrary<FieldValue>> = {};
  for (const f of scalars) record[f.key] = scalarArb(f);
  return fc.record(record).chain((vals) => {
    const lists: Record<string, fc.Arbitrary<FieldValue>> = {};
    for (const f of spec.fields) {
      if (f.kind !== "array") continue;
      // A string filling the rest of the struct: printable ASCII and its NUL, as firmware writes one ("\\CPU0").
      if (f.rest === true) { lists[f.key] = fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 12 }).map((cs) => [...cs, 0]); continue; }
      const n = f.count?.(vals) ?? 0;
      if (f.element === "u64") { lists[f.key] = fc.array(fc.bigInt(0n, 0xffffffffffffffffn), { minLength: n, maxLength: n }); continue; }
      const max = maxOf[f.element ?? "u8"];
      lists[f.key] = fc.array(fc.integer({ min: 0, max }), { minLength: n, maxLength: n });
    }
    return fc.record(lists).map((l) => ({ ...vals, ...l }));
  });
}

export function headerArb(): fc.Arbitrary<TableModel["header"]> {
  return valuesArb(headerSpec, new Set(["signature", "tableLength", "checksum"])) as fc.Arbitrary<TableModel["header"]>;
}

/** Every subtable type a table's spec knows (probing the type byte range). */
export function knownTypes(def: TableDef): number[] {
  const layout = def.subtables;
  if (layout === undefined) return [];
  return Array.from({ length: 256 }, (_, t) => t).filter((t) => layout.spec(t, { revision: 3 }) !== undefined);
}

/** A random valid model of `def`. Subtables follow the header's revision (HMAT revision 1 has its own type 0). MSCT: structures start at Proximity Offset, at or after the fixed fields. */
export function tableModelArb(def: TableDef, maxSubtables = 8): fc.Arbitrary<TableModel> {
  const layout = def.subtables;
  const roleKeys = new Set(layout?.header.fields.filter((f) => f.role !== undefined).map((f) => f.key) ?? []);
  const subArb = (revision: number): fc.Arbitrary<SubtableModel> => layout === undefined
    ? fc.constant({ values: {} })
    : fc.constantFrom(...knownTypes(def)).chain((type) => {
      const spec = layout.spec(type, { revision });
      if (spec === undefined) throw new Error(`no spec for type ${String(type)}`);
      return valuesArb(spec, roleKeys).map((values) => ({ type, values }));
    });
  let fixedArb = valuesArb(def.fixed);
  if (def.signature === "MSCT") fixedArb = fixedArb.chain((f) => fc.integer({ min: 0, max: 8 }).map((gap) => ({ ...f, proximityOffset: 56 + gap })));
  // Revisions 1-3 often (they select layouts), any byte sometimes.
  const header = fc.tuple(headerArb(), fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 255 })))
    .map(([hd, revision]) => ({ ...hd, revision }));
  return header.chain((hd) => fc.record({
    header: fc.constant(hd),
    fixed: fixedArb,
    subtables: layout === undefined ? fc.constant([]) : fc.array(subArb(hd.revision), { maxLength: maxSubtables }),
  }));
}
