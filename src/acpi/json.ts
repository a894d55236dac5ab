/**
 * The JSON view of decoded tables (the `numakit decode --format json` contract):
 * field keys are ACPICA's labels in lowerCamelCase; 64-bit addresses and lengths are "0x..." strings;
 * every other integer is a number; flag fields become {value, <bit>: boolean|number, ...};
 * the SLIT matrix is `entries`, an array of rows.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { DecodedTable } from "./decode.js";
import type { DecodedStruct } from "./layout/codec.js";
import { bitValue, type FieldSpec, type FieldValue } from "./layout/types.js";
import { subtableName } from "./print.js";
import { hex } from "../util/hex.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function fieldJson(f: FieldSpec, v: FieldValue): Json {
  if (typeof v === "bigint") return f.jsonNumber === true && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : hex(v);
  if (typeof v === "string") return v.replace(/\0+$/g, "");
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v) && f.text === true) {
    const text = String.fromCharCode(...(v as number[]));
    const end = text.indexOf("\0");
    return end < 0 ? text : text.slice(0, end);
  }
  if (Array.isArray(v)) return (v as (number | bigint)[]).map((x) => (typeof x === "bigint" ? hex(x) : x));
  if (f.bits !== undefined) {
    const o: { [k: string]: Json } = { value: v };
    for (const b of f.bits) o[b.key] = b.width === 1 ? bitValue(v, b) === 1 : bitValue(v, b);
    return o;
  }
  return v;
}

export function structJson(s: DecodedStruct, into: { [k: string]: Json } = {}): { [k: string]: Json } {
  for (const f of s.spec.fields) {
    const v = s.values[f.key];
    if (v === undefined) continue;
    into[f.key] = fieldJson(f, v);
    const name = f.names?.[Number(v)];
    if (name !== undefined) into[`${f.key}Name`] = name;
  }
  if (s.extra.length > 0) into["unparsedBytes"] = Array.from(s.extra);
  return into;
}

function diagnosticJson(d: Diagnostic): { [k: string]: Json } {
  const o: { [k: string]: Json } = { code: d.code, severity: d.severity, table: d.table, message: d.message };
  if (d.offset !== undefined) o["offset"] = d.offset;
  if (d.source !== undefined) o["source"] = d.source;
  return o;
}

function revisionOf(t: DecodedTable): number {
  const r = t.header.values["revision"];
  return typeof r === "number" ? r : 0;
}

export function tableJson(t: DecodedTable): { [k: string]: Json } {
  const source: { [k: string]: Json } = { file: t.source.file };
  if (t.source.line !== undefined) source["line"] = t.source.line;
  if (t.source.name !== undefined) source["name"] = t.source.name;
  const o: { [k: string]: Json } = {
    signature: t.signature,
    source,
    header: structJson(t.header),
    checksumValid: t.checksumValid,
  };
  if (!t.checksumValid) o["checksumExpected"] = t.checksumExpected;
  // A table with its own layout says which of its checksums is which (the RSDP has two).
  if (t.checksumFields !== undefined && t.checksumFields.length > 1) {
    o["checksums"] = t.checksumFields.map((c) => (c.valid ? { field: c.key, valid: true } : { field: c.key, valid: false, expected: c.expected }));
  }
  if (t.fixed !== undefined) structJson(t.fixed, o);
  if (t.signature === "SLIT" && Array.isArray(o["entries"])) {
    // The flat matrix becomes rows; a partial last row (a truncated table) stays partial.
    const flat = o["entries"] as number[];
    // A count beyond 2^53 is printed as "0x..."; the bytes present then form one partial row, not none.
    const n = typeof o["localityCount"] === "number" ? o["localityCount"] : flat.length;
    const rows: number[][] = [];
    for (let r = 0; n > 0 && r * n < flat.length; r++) rows.push(flat.slice(r * n, (r + 1) * n));
    o["entries"] = rows;
  }
  if (t.def?.subtables !== undefined) {
    o["subtables"] = t.subtables.map((s) => {
      const j: { [k: string]: Json } = {};
      if (s.type !== undefined) j["type"] = s.type;
      j["length"] = s.declaredLength;
      j["offset"] = s.offset;
      j["name"] = subtableName(s);
      structJson(s, j);
      j["length"] = s.declaredLength;
      if (s.known) Object.assign(j, t.def?.subtables?.derived?.(s.type ?? 0, s.values, { revision: revisionOf(t) }));
      if (!s.known) j["raw"] = Array.from(s.extra);
      if (!s.known) delete j["unparsedBytes"];
      return j;
    });
  }
  if (t.gap.length > 0) o["gapBytes"] = t.gap.length;
  if (t.trailing.length > 0) o[t.def === undefined ? "bodyBytes" : "trailingBytes"] = t.trailing.length;
  if (t.excess.length > 0) o["bytesBeyondLength"] = t.excess.length;
  o["diagnostics"] = t.diagnostics.map(diagnosticJson);
  return o;
}

export { diagnosticJson };
