/**
 * The generic engine that turns a `StructSpec` into a decoder and an encoder.
 *
 * Decoding: a struct's fields are read in order from a DataView; variable-length arrays are read
 * element by element with their count clamped to the bytes that exist, so a lying count can never
 * allocate more than the input. A struct that is shorter than its spec (older revision, or a lying
 * length) yields exactly the fields that fit, like ACPICA's "subtable terminates early"; the bytes
 * after the last whole field are kept as `extra`, so encoding gives back the input byte for byte.
 *
 * Fields are read here rather than by binary-parser (which this engine used at first): its parsers
 * add and then delete two properties on every result, which leaves each decoded struct a slow
 * dictionary-mode object, and a parse call cost more than reading the fields (issue 19: R820 SRAT
 * and MADT, 210 subtables, decoded in 320 -> 195 us).
 */
import { scalarSize, type FieldSpec, type FieldValue, type FieldValues, type ScalarKind, type StructSpec } from "./types.js";

export interface DecodedStruct {
  spec: StructSpec;
  /** Offset of the struct within its table. */
  offset: number;
  /** Bytes the struct occupies in the table (its declared length, clipped to the table). */
  size: number;
  values: FieldValues;
  /** Absolute offsets of each decoded field, by key. */
  offsets: Record<string, number>;
  /** Bytes inside the struct after its last decoded field (newer revisions, padding, truncation). */
  extra: Uint8Array;
  /** Fields that did not fit in `size` (the struct "terminates early"). */
  missing: string[];
  /** Array fields whose count had to be clamped to the bytes available. */
  clamped: string[];
  /** Array fields whose count passed MAX_ARRAY_ELEMENTS: the first that many were decoded. */
  capped: { key: string; count: number }[];
}

/**
 * The most elements an array field decodes: 2^22, a SLIT of 2048 localities, where Linux reads
 * those of the first MAX_PXM_DOMAINS (256) and Xen has 64 nodes. A count past it, even with the
 * bytes present (a 256 MiB source holds a SLIT of 16384 localities), decodes that many and stops
 * there: as a JavaScript array of numbers, 144 M SLIT cells were 1.6 GB and then a RangeError
 * (numakit topology exited 70). Past the cap the struct stops as a truncated one would.
 */
export const MAX_ARRAY_ELEMENTS = 1 << 22;

interface Segment { kind: "fixed"; fields: FieldSpec[]; size: number }
interface ArraySegment { kind: "array"; field: FieldSpec }
type Plan = (Segment | ArraySegment)[];

const plans = new WeakMap<StructSpec, Plan>();
const NO_BYTES = new Uint8Array(0);

function latin1(b: Uint8Array): string {
  // latin1 by hand: TextDecoder("latin1") is windows-1252 and would not round-trip 0x80-0x9F.
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

/** The struct's fields as runs of fixed-size fields between variable-length arrays (cached per spec). */
function planFor(spec: StructSpec): Plan {
  const cached = plans.get(spec);
  if (cached !== undefined) return cached;
  const plan: Plan = [];
  let run: FieldSpec[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    plan.push({ kind: "fixed", fields: run, size: run.reduce((n, f) => n + f.size, 0) });
    run = [];
  };
  for (const f of spec.fields) {
    if (f.kind === "array") { flush(); plan.push({ kind: "array", field: f }); } else run.push(f);
  }
  flush();
  plans.set(spec, plan);
  return plan;
}

/** One fixed-size field at `at` of `bytes` (whose DataView is `view`): integers, text, raw bytes. */
function readField(f: FieldSpec, bytes: Uint8Array, view: DataView, at: number): FieldValue {
  switch (f.kind) {
    case "ascii": return latin1(bytes.subarray(at, at + f.size));
    // A copy, and a plain Uint8Array even when the table is a Buffer (whose slice() would share memory).
    case "bytes": return new Uint8Array(bytes.subarray(at, at + f.size));
    case "array": throw new Error(`array field ${f.key} in a fixed segment`);
    default: return readScalar(view, at, f.kind);
  }
}

/**
 * The integer fields of a small struct (a subtable header): the walker peeks at every subtable's
 * type and length, and needs no offsets, misses or extra bytes. The caller guarantees the bytes
 * are present.
 */
export function peekFixed(spec: StructSpec, table: Uint8Array, offset: number): FieldValues {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const out: FieldValues = {};
  let at = offset;
  for (const f of spec.fields) {
    if (f.kind === "ascii" || f.kind === "bytes" || f.kind === "array") throw new Error(`${spec.id}: ${f.key} is not an integer field`);
    out[f.key] = readScalar(view, at, f.kind);
    at += f.size;
  }
  return out;
}

function readScalar(view: DataView, at: number, kind: ScalarKind): number | bigint {
  switch (kind) {
    case "u8": return view.getUint8(at);
    case "u16": return view.getUint16(at, true);
    case "u24": return view.getUint8(at) | (view.getUint16(at + 1, true) << 8);
    case "u32": return view.getUint32(at, true);
    case "u64": return view.getBigUint64(at, true);
  }
}

/**
 * Decode `spec` from `table` at `offset`, using at most `size` bytes (callers clip `size` to the
 * table). Never throws on short input.
 */
export function decodeStruct(spec: StructSpec, table: Uint8Array, offset: number, size: number): DecodedStruct {
  const avail = Math.max(0, Math.min(size, table.length - offset));
  const bytes = table.subarray(offset, offset + avail);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: FieldValues = {};
  const offsets: Record<string, number> = {};
  const missing: string[] = [];
  const clamped: string[] = [];
  const capped: { key: string; count: number }[] = [];
  let pos = 0;
  let stopped = false;
  for (const seg of planFor(spec)) {
    if (stopped) {
      for (const f of seg.kind === "fixed" ? seg.fields : [seg.field]) missing.push(f.key);
      continue;
    }
    if (seg.kind === "fixed") {
      // The fields that fit: all of them, or those before the first that does not (then the struct stops).
      let at = pos;
      for (const f of seg.fields) {
        if (!stopped && at + f.size <= avail) {
          values[f.key] = readField(f, bytes, view, at);
          offsets[f.key] = offset + at;
          at += f.size;
        } else { stopped = true; missing.push(f.key); }
      }
      pos = at;
    } else {
      const f = seg.field;
      const elem = f.element ?? "u8";
      const fit = Math.floor((avail - pos) / scalarSize[elem]);
      const want = f.rest === true ? fit : Math.max(0, Math.floor(f.count?.(values) ?? 0));
      let n = Math.min(want, fit);
      if (n < want) { clamped.push(f.key); stopped = true; }
      if (n > MAX_ARRAY_ELEMENTS) { n = MAX_ARRAY_ELEMENTS; capped.push({ key: f.key, count: want }); stopped = true; }
      if (elem === "u64") {
        // 64-bit elements (CEDT XOR maps) stay bigints: a Number would lose their low bits.
        const big: bigint[] = new Array<bigint>(n);
        for (let i = 0; i < n; i++) big[i] = view.getBigUint64(pos + i * 8, true);
        values[f.key] = big;
      } else {
        const out: number[] = new Array<number>(n);
        for (let i = 0; i < n; i++) out[i] = Number(readScalar(view, pos + i * scalarSize[elem], elem));
        values[f.key] = out;
      }
      offsets[f.key] = offset + pos;
      pos += n * scalarSize[elem];
    }
  }
  // Most structs have no extra bytes: share one empty array instead of allocating one per struct.
  const extra = pos < avail ? new Uint8Array(bytes.subarray(pos)) : NO_BYTES;
  return { spec, offset, size: avail, values, offsets, extra, missing, clamped, capped };
}

function writeScalar(view: DataView, at: number, kind: ScalarKind, v: number | bigint): void {
  switch (kind) {
    case "u8": view.setUint8(at, Number(v) & 0xff); break;
    case "u16": view.setUint16(at, Number(v) & 0xffff, true); break;
    case "u24": view.setUint8(at, Number(v) & 0xff); view.setUint16(at + 1, (Number(v) >>> 8) & 0xffff, true); break;
    case "u32": view.setUint32(at, Number(v) >>> 0, true); break;
    case "u64": view.setBigUint64(at, BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(v)), true); break;
  }
}

/** Byte size `encodeStruct` will produce for these values. */
export function encodedSize(spec: StructSpec, values: Readonly<FieldValues>, extra?: Uint8Array): number {
  let n = 0;
  for (const f of spec.fields) {
    const v = values[f.key];
    if (v === undefined) break; // a truncated struct: fields after the first missing one are absent
    n += f.kind === "array" ? (v as number[]).length * f.size : f.size;
  }
  return n + (extra?.length ?? 0);
}

/**
 * Encode the fields present in `values` (in spec order, stopping at the first absent one, as a
 * truncated struct decodes), followed by `extra`.
 */
export function encodeStruct(spec: StructSpec, values: Readonly<FieldValues>, extra?: Uint8Array): Uint8Array {
  const out = new Uint8Array(encodedSize(spec, values, extra));
  encodeStructInto(out, 0, spec, values, extra);
  return out;
}

/** One DataView per output buffer: a table's structs are written into one buffer, one after another. */
const views = new WeakMap<Uint8Array, DataView>();
function viewOf(out: Uint8Array): DataView {
  let view = views.get(out);
  if (view === undefined) { view = new DataView(out.buffer, out.byteOffset, out.byteLength); views.set(out, view); }
  return view;
}

/**
 * encodeStruct into an existing buffer at `pos` (whole tables are written into one buffer);
 * returns the position after the struct. The buffer must hold `encodedSize` bytes from `pos`.
 */
export function encodeStructInto(out: Uint8Array, pos: number, spec: StructSpec, values: Readonly<FieldValues>, extra?: Uint8Array): number {
  const view = viewOf(out);
  for (const f of spec.fields) {
    const v = values[f.key];
    if (v === undefined) break;
    if (f.kind === "array") {
      const elem = f.element ?? "u8";
      for (const x of v as (number | bigint)[]) { writeScalar(view, pos, elem, x); pos += scalarSize[elem]; }
    } else if (f.kind === "ascii") {
      const s = v as string;
      for (let i = 0; i < f.size; i++) out[pos + i] = i < s.length ? s.charCodeAt(i) & 0xff : 0;
      pos += f.size;
    } else if (f.kind === "bytes") {
      out.set((v as Uint8Array).subarray(0, f.size), pos);
      pos += f.size;
    } else {
      writeScalar(view, pos, f.kind, v as number | bigint);
      pos += f.size;
    }
  }
  if (extra !== undefined) { out.set(extra, pos); pos += extra.length; }
  return pos;
}
