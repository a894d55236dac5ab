/**
 * Encoding: a DecodedTable back to bytes, from its field values alone (not from the input bytes).
 * Every byte the decoder saw is in the model, so encode(decode(b)) === b for any input, including
 * broken ones; `buildTable` makes a fresh, consistent table (lengths and checksum computed).
 */
import { encodeStruct, encodeStructInto, encodedSize, type DecodedStruct } from "./layout/codec.js";
import type { FieldValues, StructSpec } from "./layout/types.js";
import type { DecodedTable } from "./decode.js";
import type { TableDef } from "./tables/def.js";
import { HEADER_OFFSET, HEADER_SIZE, headerSpec, type TableHeader } from "./tables/header.js";
import { checksum } from "../util/checksum.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Exact bytes of a decoded table (stored length and checksum kept as they were), written into one buffer. */
export function encodeTable(t: DecodedTable): Uint8Array {
  const structs: DecodedStruct[] = [t.header, ...(t.fixed === undefined ? [] : [t.fixed])];
  let size = t.gap.length + t.trailing.length + t.excess.length;
  for (const s of [...structs, ...t.subtables]) size += encodedSize(s.spec, s.values, s.extra);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const s of structs) pos = encodeStructInto(out, pos, s.spec, s.values, s.extra);
  out.set(t.gap, pos);
  pos += t.gap.length;
  for (const s of t.subtables) pos = encodeStructInto(out, pos, s.spec, s.values, s.extra);
  out.set(t.trailing, pos);
  out.set(t.excess, pos + t.trailing.length);
  return out;
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

/**
 * A model for a fresh table must give every field: encodeStruct stops at the first absent one (that
 * is how truncated structs re-encode), which would silently build a short structure.
 */
function complete(spec: StructSpec, values: Readonly<FieldValues>, what: string): FieldValues {
  const absent = spec.fields.filter((f) => values[f.key] === undefined).map((f) => f.key);
  if (absent.length > 0) throw new Error(`buildTable: ${what} (${spec.name}) has no value for ${absent.join(", ")}`);
  return values;
}

/** Lay out a fresh table from a model: subtable lengths, table length and checksum are computed. */
export function buildTable(def: TableDef, model: TableModel): Uint8Array {
  const fixed = encodeStruct(def.fixed, complete(def.fixed, model.fixed, def.signature));
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
      values[lengthKey] = encodedSize(spec, complete(spec, values, `${def.signature} subtable ${String(subs.length)}`));
      subs.push(encodeStruct(spec, values));
    }
  }
  const body = concat([fixed, gap, ...subs]);
  const header: FieldValues = { ...model.header, signature: def.signature, tableLength: HEADER_SIZE + body.length, checksum: 0 };
  const bytes = concat([encodeStruct(headerSpec, complete(headerSpec, header, def.signature)), body]);
  bytes[HEADER_OFFSET.checksum] = (0x100 - checksum(bytes)) & 0xff;
  return bytes;
}
