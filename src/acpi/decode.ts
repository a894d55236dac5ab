/**
 * The generic table walker. One function decodes every table: the common header, the table's
 * fixed fields, then its subtables by their type and length, as described by a TableDef. It never
 * throws on bad bytes: every defect becomes a Diagnostic, and every byte ends up in the model
 * (fields, a subtable's `extra`, the table's `gap`/`trailing`/`excess`), so encoding is exact.
 */
import { DiagnosticSink, type Diagnostic } from "../diagnostics.js";
import { decodeStruct, MAX_ARRAY_ELEMENTS, peekFixed, type DecodedStruct } from "./layout/codec.js";
import { fieldOf, staticSize, type StructSpec } from "./layout/types.js";
import { describeProvenance, type Provenance, type RawTable } from "./raw.js";
import type { TableDef } from "./tables/def.js";
import { HEADER_OFFSET, HEADER_SIZE, headerSpec, type TableHeader } from "./tables/header.js";
import { ownLayoutOf, type OwnLayout } from "./tables/own-layout.js";
import { tableDefs } from "./tables/registry.js";
import { validateReserved } from "./validate-fields.js";
import { checksum } from "../util/checksum.js";
import { hex } from "../util/hex.js";

export interface DecodedSubtable extends DecodedStruct {
  /** Subtable type (undefined for layouts without one, e.g. MSCT). */
  type: number | undefined;
  /** The length the subtable declares (may exceed `size` when it overruns the table). */
  declaredLength: number;
  /** False for a type the table definition does not know: only its header is decoded. */
  known: boolean;
}

export interface DecodedTable {
  signature: string;
  source: Provenance;
  def: TableDef | undefined;
  header: DecodedStruct;
  /** Table-specific fields after the header (undefined for tables numakit does not decode). */
  fixed: DecodedStruct | undefined;
  /** Bytes between the fixed fields and the first subtable (MSCT's Proximity Offset > 56). */
  gap: Uint8Array;
  subtables: DecodedSubtable[];
  /** Bytes within the declared length that no structure claimed (padding, a too-short tail, a raw body). */
  trailing: Uint8Array;
  /** Bytes the source delivered beyond the declared length. */
  excess: Uint8Array;
  checksumValid: boolean;
  /** The checksum byte that would make the table sum to zero. */
  checksumExpected: number;
  /**
   * Each checksum field of a table with its own layout and its state (the RSDP has two: Checksum
   * and Extended Checksum); `checksumValid` is then true when all are, and `checksumExpected` is
   * the value the first wrong one should have. Absent for tables with the common header (one
   * checksum, at 9).
   */
  checksumFields?: { key: string; valid: boolean; expected: number }[];
  diagnostics: Diagnostic[];
}

function roleKey(spec: StructSpec, role: "type" | "length"): string | undefined {
  return spec.fields.find((f) => f.role === role)?.key;
}

/**
 * How many of a table's `present` bytes are the table, from the length it declares, and the
 * findings about that length. `declared`: null when the structure that holds it is cut short
 * (TABLE_HEADER_SHORT), undefined when it declares none (an ACPI 1.0 RSDP). `what`, of `size`
 * bytes, is the structure the table must at least hold ("header" for the common one).
 */
function usedLength(sink: DiagnosticSink, present: number, declared: number | null | undefined, size: number, what: string, lengthAt: number): number {
  if (declared === null) {
    sink.error("TABLE_HEADER_SHORT", `table has ${present} bytes, fewer than the ${size}-byte ${what}`, 0);
    return present;
  }
  if (declared === undefined) return present;
  if (declared < size) {
    sink.error("TABLE_LENGTH_TOO_SMALL", `declared length ${declared} is smaller than the ${size}-byte ${what}`, lengthAt);
    return present;
  }
  if (declared > present) {
    sink.error("TABLE_TRUNCATED", `declared length ${declared} (${hex(declared)}) but only ${present} bytes are present`, lengthAt);
    return present;
  }
  if (declared < present) sink.warning("TABLE_DATA_BEYOND_LENGTH", `${present - declared} bytes beyond the declared length ${declared} are ignored`, declared);
  return declared;
}

export function decodeTable(raw: RawTable): DecodedTable {
  const all = raw.bytes;
  const own = ownLayoutOf(all);
  if (own !== undefined) return decodeOwnLayout(raw, own);
  const header = decodeStruct(headerSpec, all, 0, HEADER_SIZE);
  const hv = header.values as Partial<TableHeader>;
  const signature = hv.signature ?? raw.signature;
  // Diagnostics name the signature in the bytes; the source's name is only a fallback for stubs.
  const sink = new DiagnosticSink({ table: signature, source: describeProvenance(raw.source) });
  const declared = hv.tableLength;

  const tableLen = usedLength(sink, all.length, header.missing.length === 0 ? declared : null, HEADER_SIZE, "header", HEADER_OFFSET.tableLength);
  const table = all.subarray(0, tableLen);
  const excess = new Uint8Array(all.subarray(tableLen));

  // ACPI 6.5 §5.2.6: all bytes of the table, checksum included, sum to zero (mod 256).
  const sum = checksum(table);
  const stored = hv.checksum ?? 0;
  const checksumExpected = (stored - sum) & 0xff;
  const checksumValid = header.missing.length === 0 && sum === 0;
  if (header.missing.length === 0 && !checksumValid) {
    sink.error("TABLE_CHECKSUM", `checksum is ${hex(stored)}, should be ${hex(checksumExpected)}`, HEADER_OFFSET.checksum);
  }

  const def = tableDefs.get(signature);
  const result: DecodedTable = {
    signature, source: raw.source, def, header, fixed: undefined, gap: new Uint8Array(0), subtables: [],
    trailing: new Uint8Array(0), excess, checksumValid, checksumExpected, diagnostics: sink.items,
  };
  if (def === undefined || header.missing.length > 0) {
    result.trailing = new Uint8Array(table.subarray(Math.min(HEADER_SIZE, table.length)));
    return result;
  }

  const fixedRaw = decodeStruct(def.fixed, table, HEADER_SIZE, table.length - HEADER_SIZE);
  // Bytes after the fixed fields belong to the body (subtables or trailing), not to `fixed`.
  let pos = HEADER_SIZE + fixedRaw.size - fixedRaw.extra.length;
  const fixed: DecodedStruct = { ...fixedRaw, size: pos - HEADER_SIZE, extra: new Uint8Array(0) };
  result.fixed = fixed;
  reportStruct(fixed, sink, def.fixed.name, true);

  if (def.subtables !== undefined && fixed.missing.length === 0) {
    const start = def.subtables.start?.(fixed.values) ?? pos;
    if (start < pos || start > table.length) {
      sink.error("SUBTABLES_START_INVALID", `structures are said to start at ${hex(start)}, outside ${hex(pos)}..${hex(table.length)}`, HEADER_SIZE);
    } else {
      result.gap = new Uint8Array(table.subarray(pos, start));
      if (result.gap.length > 0) sink.warning("TABLE_GAP", `${result.gap.length} bytes between the fixed fields and the first structure`, pos);
      pos = walkSubtables(result, table, start, hv.revision ?? 0, sink);
    }
  }
  result.trailing = new Uint8Array(table.subarray(pos));
  // Past an array cut at MAX_ARRAY_ELEMENTS the bytes are that array's, unread (ARRAY_TOO_LARGE).
  if (result.trailing.length > 0 && fixed.capped.length === 0 && (def.subtables === undefined || fixed.missing.length > 0)) {
    sink.warning("TABLE_TRAILING_BYTES", `${result.trailing.length} bytes after the end of the table's data`, pos);
  }
  return result;
}

/**
 * A table with its own first structure in place of the common header (RSDP, FACS): that structure
 * is the decoded table's `header`, checked as the common header is (length, checksums, reserved
 * fields); there are no fixed fields or subtables, and every byte stays in the model.
 */
function decodeOwnLayout(raw: RawTable, own: OwnLayout): DecodedTable {
  const all = raw.bytes;
  const spec = own.spec(all);
  const size = staticSize(spec);
  const sink = new DiagnosticSink({ table: own.signature, source: describeProvenance(raw.source) });
  const header = decodeStruct(spec, all, 0, Math.min(all.length, size));
  const values = header.values;
  const declared = header.missing.length === 0 ? own.length(values) : null;
  const tableLen = usedLength(sink, all.length, declared, size, spec.name, header.offsets["tableLength"] ?? 0);
  const states = own.checksums(values).map(({ key, covers }) => {
    const stored = values[key];
    // A checksum over bytes the table does not have cannot be judged; TABLE_HEADER_SHORT or TABLE_TRUNCATED says why.
    if (typeof stored !== "number" || covers > tableLen) return { key, valid: true, expected: typeof stored === "number" ? stored : 0 };
    const expected = (stored - checksum(all.subarray(0, covers))) & 0xff;
    const valid = expected === stored;
    if (!valid) sink.error("TABLE_CHECKSUM", `${fieldOf(spec, key).label.toLowerCase()} is ${hex(stored)}, should be ${hex(expected)}`, header.offsets[key] ?? 0);
    return { key, valid, expected };
  });
  reportStruct(header, sink, spec.name, false);
  const result: DecodedTable = {
    signature: own.signature, source: raw.source, def: undefined, header, fixed: undefined, gap: new Uint8Array(0), subtables: [],
    trailing: new Uint8Array(all.subarray(Math.min(header.size, tableLen), tableLen)), excess: new Uint8Array(all.subarray(tableLen)),
    checksumValid: states.every((c) => c.valid), checksumExpected: (states.find((c) => !c.valid) ?? states[0])?.expected ?? 0, checksumFields: states, diagnostics: sink.items,
  };
  if (result.trailing.length > 0 && !own.mayBeLonger) sink.warning("TABLE_TRAILING_BYTES", `${result.trailing.length} bytes after the end of the table's data`, header.size);
  return result;
}

/** Diagnostics that the spec engine's result implies: truncation, clamped arrays, reserved fields. */
function reportStruct(s: DecodedStruct, sink: DiagnosticSink, what: string, reportMissing: boolean): void {
  if (reportMissing && s.missing.length > 0) {
    sink.error("STRUCT_TRUNCATED", `${what} ends after ${s.size} bytes; missing ${s.missing.join(", ")}`, s.offset);
  }
  for (const key of s.clamped) {
    sink.error("ARRAY_EXCEEDS_TABLE", `${what}: the count for ${key} needs more bytes than the table has; the list is cut short`, s.offsets[key] ?? s.offset);
  }
  for (const { key, count } of s.capped) {
    sink.error("ARRAY_TOO_LARGE", `${what}: ${key} counts ${count} elements; numakit decodes the first ${MAX_ARRAY_ELEMENTS} and no more`, s.offsets[key] ?? s.offset);
  }
  validateReserved(s, sink, what);
}

/**
 * The most structures one table decodes: 2^16. Real tables hold thousands at most (an SRAT for
 * 8192 x2APIC CPUs and their memory); each decoded structure costs a few KiB, and an SRAT of a
 * million 16-byte entries (16 MB) took 2.7 GB and 27 s, most of it in the garbage collector (a
 * 256 MiB one would end Node with "heap out of memory"). The rest of the table stays undecoded
 * bytes, reported as SUBTABLES_TOO_MANY.
 */
export const MAX_SUBTABLES = 1 << 16;

function walkSubtables(t: DecodedTable, table: Uint8Array, start: number, revision: number, sink: DiagnosticSink): number {
  const layout = t.def?.subtables;
  if (layout === undefined) return start;
  const hdr = layout.header;
  const hdrSize = staticSize(hdr);
  const typeKey = roleKey(hdr, "type");
  const lengthKey = roleKey(hdr, "length") ?? "length";
  let pos = start;
  // Linux's walker (lib/fw_table.c) stops when fewer than a header's bytes remain; so do we.
  while (pos + hdrSize <= table.length) {
    if (t.subtables.length === MAX_SUBTABLES) {
      sink.error("SUBTABLES_TOO_MANY", `more than ${MAX_SUBTABLES} structures: numakit decodes the first ${MAX_SUBTABLES}, and the ${table.length - pos} bytes from here are not read`, pos);
      return pos;
    }
    const head = peekFixed(hdr, table, pos);
    const declaredLength = head[lengthKey] as number;
    const type = typeKey === undefined ? undefined : (head[typeKey] as number);
    const typeText = type === undefined ? "structure" : `subtable type ${hex(type)}`;
    if (declaredLength < hdrSize) {
      sink.error(declaredLength === 0 ? "SUBTABLE_ZERO_LENGTH" : "SUBTABLE_LENGTH_TOO_SMALL",
        `${typeText} at ${hex(pos)} has length ${declaredLength}; the walk stops here`, pos);
      break;
    }
    const spec = layout.spec(type ?? 0, { revision });
    const known = spec !== undefined;
    const left = table.length - pos;
    const size = Math.min(declaredLength, left);
    const s = decodeStruct(spec ?? hdr, table, pos, size);
    // Extend the fresh struct in place (a spread copy per subtable dominated decoding time).
    const sub: DecodedSubtable = Object.assign(s, { type, declaredLength, known });
    t.subtables.push(sub);
    const label = spec?.name ?? typeText;
    if (!known) {
      sink.warning("SUBTABLE_UNKNOWN_TYPE", `unknown ${typeText} (length ${declaredLength}) kept raw`, pos);
    }
    if (declaredLength > left) {
      sink.error("SUBTABLE_OVERRUN", `${label} at ${hex(pos)} declares length ${declaredLength} but only ${left} bytes remain`, pos);
      reportStruct(s, sink, label, false);
      pos += size;
      break;
    }
    if (known) {
      const full = staticSize(spec);
      const min = layout.minLength?.(type ?? 0, { revision }) || full;
      if (declaredLength < min) {
        sink.warning("SUBTABLE_SHORT", `${label} at ${hex(pos)} has length ${declaredLength}, expected ${full}`, pos);
      } else if (declaredLength > full && !spec.fields.some((f) => f.kind === "array")) {
        sink.info("SUBTABLE_LONG", `${label} at ${hex(pos)} has length ${declaredLength}, ${declaredLength - full} bytes more than known`, pos);
      }
      reportStruct(s, sink, label, false);
    }
    pos += declaredLength;
  }
  if (pos < table.length) {
    sink.warning("TABLE_TRAILING_BYTES", `${table.length - pos} bytes after the last structure are not a structure`, pos);
  }
  return pos;
}
