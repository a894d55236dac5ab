/**
 * What a table looks like, as data: the fields after the common header, and how its body is
 * walked. The generic walker (../decode.ts), encoder, printer and validator read these; no
 * table module contains decoding code of its own (ACPICA's AcpiDmTableData in spirit).
 */
import type { FieldSpec, FieldValues, StructSpec } from "../layout/types.js";

export interface SubtableLayout {
  /** The header every subtable starts with; its `role: "type"` / `role: "length"` fields drive the walk. */
  header: StructSpec;
  /** Where subtables start, from the table's fixed fields (MSCT: "Proximity Offset"). Default: right after them. */
  start?: (fixed: Readonly<FieldValues>) => number;
  /** The full spec (header fields included) for a subtable type, or undefined for an unknown type. */
  spec: (type: number, ctx: { revision: number }) => StructSpec | undefined;
  /**
   * Minimum length a known subtable must have before it counts as "terminating early". Defaults to
   * the spec's full static size; structures that grew over ACPI revisions declare their oldest size.
   */
  minLength?: (type: number, ctx: { revision: number }) => number;
  /**
   * Values derived from a subtable's fields that users want spelled out (JSON only; never encoded),
   * e.g. SRAT type 0's proximity domain assembled from its two halves by table revision.
   */
  derived?: (type: number, values: Readonly<FieldValues>, ctx: { revision: number }) => Record<string, number>;
}

export interface TableDef {
  signature: string;
  /** iasl's name, printed after the signature: "System Resource Affinity Table". */
  name: string;
  /** Fields between the 36-byte header and the body (may end in an array, e.g. the SLIT matrix). */
  fixed: StructSpec;
  subtables?: SubtableLayout;
}

/** Build a StructSpec, giving repeated labels ("Reserved") unique keys: reserved, reserved2, ... */
export function struct(id: string, name: string, fields: FieldSpec[]): StructSpec {
  const seen = new Map<string, number>();
  const out = fields.map((f) => {
    const n = (seen.get(f.key) ?? 0) + 1;
    seen.set(f.key, n);
    return n === 1 ? f : { ...f, key: `${f.key}${n}` };
  });
  return { id, name, fields: out };
}

/** A subtable spec: the layout's header fields followed by the type's own fields. */
export function subtable(header: StructSpec, id: string, name: string, fields: FieldSpec[]): StructSpec {
  return struct(id, name, [...header.fields, ...fields]);
}
