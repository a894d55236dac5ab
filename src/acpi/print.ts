/**
 * The text printer: one block per table in `iasl -d`'s layout ("[Off Dec Len]  Label : Value",
 * flag bits on lines of their own), so `numakit decode` and iasl can be compared by eye and by
 * test. Everything printed comes from the specs; nothing here knows a table's layout.
 */
import { describeProvenance } from "./raw.js";
import type { DecodedTable, DecodedSubtable } from "./decode.js";
import type { DecodedStruct } from "./layout/codec.js";
import { bitValue, fieldOf, type FieldSpec, type FieldValue } from "./layout/types.js";
import { otherTableNames } from "./tables/registry.js";
import { SLIT_ENTRIES_OFFSET, SLIT_LOCALITIES_OFFSET } from "./tables/slit.js";
import { commentText } from "../util/escape.js";
import { hex } from "../util/hex.js";

const LABEL_WIDTH = 28;

/** Hex digits without "0x", as iasl prints them. */
function hexPad(n: number | bigint, digits: number): string {
  return hex(n, digits, { bare: true });
}

/** "[02Ch 0044   4]": hex offset (3+ digits), decimal offset (4+), length. */
function prefix(offset: number, length: number): string {
  return `[${hexPad(offset, 3)}h ${String(offset).padStart(4, "0")} ${String(length).padStart(3)}]`;
}

function line(offset: number, length: number, label: string, value: string): string {
  return `${prefix(offset, length)} ${label.padStart(LABEL_WIDTH)} : ${value}`;
}

function hexBytes(b: Uint8Array | readonly (number | bigint)[]): string {
  return Array.from(b, (x) => hexPad(x, 2)).join(" ");
}

/**
 * A name field as iasl prints it (ACPICA AcpiUtCheckAndRepairAscii): up to the first NUL, with
 * non-printable bytes shown as spaces, so no control character reaches the terminal.
 */
function asciiText(v: string): string {
  const end = v.indexOf("\0");
  return (end < 0 ? v : v.slice(0, end)).replace(/[^\x20-\x7e]/g, " ");
}

function scalarText(f: FieldSpec, v: FieldValue): string {
  if (typeof v === "string") return `"${asciiText(v)}"`;
  if (v instanceof Uint8Array) return hexBytes(v);
  if (Array.isArray(v)) return hexBytes(v);
  const digits = f.kind === "u24" ? 6 : f.size * 2;
  const name = f.names?.[Number(v)];
  return name === undefined ? hexPad(v, digits) : `${hexPad(v, digits)} [${name}]`;
}

/** A flags field's bits, each on a line of its own below the field, as iasl prints them. */
function bitLines(f: FieldSpec, v: FieldValue, out: string[]): void {
  for (const b of f.quietBits === true ? [] : f.bits ?? []) {
    out.push(`${b.label.padStart(LABEL_WIDTH + 16)} : ${hexPad(bitValue(v as number, b), b.digits ?? 0)}`);
  }
}

function structLines(s: DecodedStruct, out: string[], typeName?: string): void {
  for (const f of s.spec.fields) {
    const v = s.values[f.key];
    if (v === undefined) break;
    const at = s.offsets[f.key] ?? s.offset;
    if (f.kind === "array" && f.text === true) {
      const b = v as number[];
      if (b.length > 0) out.push(line(at, b.length * f.size, f.label, `"${asciiText(String.fromCharCode(...b))}"`));
      continue;
    }
    if (f.kind === "array") {
      // iasl prints one line per list element with the same label.
      (v as (number | bigint)[]).forEach((x, i) => { out.push(line(at + i * f.size, f.size, i === 0 ? f.firstLabel ?? f.label : f.label, hexPad(x, f.size * 2))); });
      continue;
    }
    let text = scalarText(f, v);
    if (f.role === "type" && typeName !== undefined) text = `${hexPad(v as number, f.size * 2)} [${typeName}]`;
    out.push(line(at, f.size, f.label, text));
    bitLines(f, v, out);
  }
  if (s.extra.length > 0) out.push(`${prefix(s.offset + s.size - s.extra.length, s.extra.length)} ${"Unparsed bytes".padStart(LABEL_WIDTH)} : ${hexBytes(s.extra.subarray(0, 64))}${s.extra.length > 64 ? " ..." : ""}`);
}

/** SLIT rows as iasl prints them: "Locality   0 : 0A 15 ...", 16 bytes a line with " \" continuations. */
function slitLines(t: DecodedTable, out: string[]): void {
  const fixed = t.fixed;
  if (fixed === undefined) return;
  const n = fixed.values["localityCount"];
  const entries = fixed.values["entries"];
  const count = fieldOf(fixed.spec, "localityCount");
  out.push(line(SLIT_LOCALITIES_OFFSET, count.size, count.label, hexPad(typeof n === "bigint" ? n : 0n, count.size * 2)));
  if (!Array.isArray(entries) || typeof n !== "bigint" || n === 0n || n > BigInt(entries.length)) return;
  const cols = Number(n);
  for (let r = 0; r * cols < entries.length; r++) {
    const row = entries.slice(r * cols, (r + 1) * cols);
    const chunks: string[] = [];
    for (let c = 0; c < row.length; c += 16) chunks.push(hexBytes(row.slice(c, c + 16)));
    out.push(line(SLIT_ENTRIES_OFFSET + r * cols, row.length, `Locality ${String(r).padStart(3)}`, chunks.join(" \\\n" + " ".repeat(LABEL_WIDTH + 19))));
  }
}

export function subtableName(s: DecodedSubtable): string {
  return s.known ? s.spec.name : "Unknown Subtable Type";
}

export function printTable(t: DecodedTable): string {
  const out: string[] = [];
  const name = t.def?.name ?? otherTableNames[t.signature] ?? "";
  // The file name and the signature are hostile text: one line, control characters as \xNN, and
  // no "*/" to end the comment early.
  out.push(`/* ${commentText(t.signature)} from ${commentText(describeProvenance(t.source))} */`);
  const hv = t.header.values;
  const checksums = t.checksumFields ?? [{ key: "checksum", valid: t.checksumValid, expected: t.checksumExpected }];
  const bad = new Map(checksums.filter((c) => !c.valid).map((c) => [c.key, c.expected]));
  for (const f of t.header.spec.fields) {
    const v = hv[f.key];
    if (v === undefined) break;
    let text = scalarText(f, v);
    if (f.key === "signature" && name !== "") text = `${text}    [${name}]`;
    const expected = bad.get(f.key);
    if (expected !== undefined) text = `${text}     /* Incorrect checksum, should be ${hexPad(expected, 2)} */`;
    out.push(line(t.header.offsets[f.key] ?? 0, f.size, f.label, text));
    // The FACS's flags, in the structure that takes the common header's place (which has none).
    bitLines(f, v, out);
  }
  if (t.signature === "SLIT") slitLines(t, out);
  else if (t.fixed !== undefined) structLines(t.fixed, out);
  if (t.gap.length > 0) out.push(`${"Gap".padStart(LABEL_WIDTH + 16)} : ${t.gap.length} bytes`);
  for (const s of t.subtables) {
    out.push("");
    structLines(s, out, subtableName(s));
  }
  if (t.def === undefined && t.trailing.length > 0) out.push(`${"Body".padStart(LABEL_WIDTH + 16)} : ${t.trailing.length} bytes (not decoded)`);
  else if (t.trailing.length > 0) out.push(`${"Trailing bytes".padStart(LABEL_WIDTH + 16)} : ${hexBytes(t.trailing.subarray(0, 32))}${t.trailing.length > 32 ? ` ... (${t.trailing.length} bytes)` : ""}`);
  if (t.excess.length > 0) out.push(`${"Beyond length".padStart(LABEL_WIDTH + 16)} : ${t.excess.length} bytes`);
  for (const d of t.diagnostics) {
    out.push(`**** ${d.severity.toUpperCase()} ${d.code}${d.offset !== undefined ? ` at ${hex(d.offset, 3)}` : ""}: ${d.message}`);
  }
  return `${out.join("\n")}\n`;
}
