/**
 * Encoding: a DecodedTable back to bytes, from its field values alone (not from the input bytes).
 * Every byte the decoder saw is in the model, so encode(decode(b)) === b for any input, including
 * broken ones; `buildTable` makes a fresh, consistent table (lengths and checksum computed).
 */
import { encodeStruct, encodedSize } from "./spec/codec.js";
import type { FieldValues, StructSpec } from "./spec/types.js";
import type { DecodedTable } from "./decode.js";
import type { TableDef } from "./tables/def.js";
import { HEADER_SIZE, headerSpec, type TableHeader } from "./tables/header.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Exact bytes of a decoded table (stored length and checksum kept as they were). */
export function encodeTable(t: DecodedTable): Uint8Array {
  const parts: Uint8Array[] = [encodeStruct(headerSpec, t.header.values, t.header.extra)];
  if (t.fixed !== undefined) parts.push(encodeStruct(t.fixed.spec, t.fixed.values, t.fixed.extra));
  parts.push(t.gap);
  for (const s of t.subtables) parts.push(encodeStruct(s.spec, s.values, s.extra));
  parts.push(t.trailing, t.excess);
  return concat(parts);
}

export interface SubtableModel {
  /** Type number (ignored for layouts without a type field, e.g. MSCT). */
  type?: number;
  /** Field values; the type and length fields are filled in. */
  values: FieldValues;
}

export interface TableModel {
  header: Omit<TableHeader, "signature" | "tableLength" | "checksum">;
  fixed: FieldValues;
  subtables?: SubtableModel[];
}

function sum8(b: Uint8Array): number {
  let s = 0;
  for (const x of b) s = (s + x) & 0xff;
  return s;
}

/** Lay out a fresh table from a model: subtable lengths, table length and checksum are computed. */
export function buildTable(def: TableDef, model: TableModel): Uint8Array {
  const fixed = encodeStruct(def.fixed, model.fixed);
  const subs: Uint8Array[] = [];
  const layout = def.subtables;
  let gap = new Uint8Array(0);
  if (layout !== undefined) {
    const typeKey = layout.header.fields.find((f) => f.role === "type")?.key;
    const lengthKey = layout.header.fields.find((f) => f.role === "length")?.key ?? "length";
    const start = layout.start?.(model.fixed);
    if (start !== undefined) gap = new Uint8Array(Math.max(0, start - HEADER_SIZE - fixed.length));
    for (const s of model.subtables ?? []) {
      const spec: StructSpec | undefined = layout.spec(s.type ?? 0, { revision: model.header.revision });
      if (spec === undefined) throw new Error(`no spec for ${def.signature} subtable type ${s.type ?? 0}`);
      const values: FieldValues = { ...s.values, [lengthKey]: 0 };
      if (typeKey !== undefined) values[typeKey] = s.type ?? 0;
      values[lengthKey] = encodedSize(spec, values);
      subs.push(encodeStruct(spec, values));
    }
  }
  const body = concat([fixed, gap, ...subs]);
  const header: FieldValues = { ...model.header, signature: def.signature, tableLength: HEADER_SIZE + body.length, checksum: 0 };
  const bytes = concat([encodeStruct(headerSpec, header), body]);
  bytes[9] = (0x100 - sum8(bytes)) & 0xff;
  return bytes;
}
