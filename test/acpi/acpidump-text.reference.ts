/**
 * The acpidump text parser as it was before it read bytes in place (main at d330f0e): split on
 * /\r?\n/, a regex per line, number[] chunks. Kept as the reference the in-place parser must agree
 * with, table for table and byte for byte (test/acpi/acpidump-text.test.ts).
 */
import type { TextDamage, TextTable } from "../../src/acpi/sources/acpidump-text.js";

const HEADER = /^(.{4})(?:[^@]*?) @ (?:0x([0-9A-Fa-f]+)|\(nil\))\s*$/;
const DATA = /^\s+([0-9A-Fa-f]{1,16}):(.*)$/;

function isHeader(line: string): boolean {
  // Data lines start with white space: answered before trimming and matching (most lines are data).
  if (line.length === 0 || isSpace(line.charCodeAt(0))) return false;
  const t = line.trimEnd();
  return t.length > 0 && t.length < 49 && !/^\s/.test(t) && HEADER.test(t);
}

function headerSignature(line: string): string {
  const sig = line.slice(0, 4);
  return sig === "RSD " ? "RSDP" : sig;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** JavaScript's \s within latin1: tab, LF, VT, FF, CR, space, NBSP. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

/**
 * Bytes of one data line: up to 16 two-digit hex tokens in the 49 characters after the colon; the
 * first other token ends the data. A hand-written scanner: this loop is most of the time spent
 * reading a dump (a split/regex/parseInt version ran at a third of the speed).
 */
function lineBytes(rest: string): number[] {
  const out: number[] = [];
  const end = Math.min(rest.length, 49);
  let i = 0;
  while (out.length < 16) {
    while (i < end && isSpace(rest.charCodeAt(i))) i++;
    if (i >= end) break;
    let j = i;
    while (j < end && !isSpace(rest.charCodeAt(j))) j++;
    const hi = hexDigit(rest.charCodeAt(i));
    const lo = hexDigit(rest.charCodeAt(i + 1));
    if (j - i !== 2 || hi < 0 || lo < 0) break;
    out.push(hi * 16 + lo);
    i = j;
  }
  return out;
}

/** The table's declared Length (bytes 4..7), for tables whose header has one (not the RSDP). */
function declaredLength(sig: string, bytes: Uint8Array): number | undefined {
  if (sig === "RSD " || sig === "RSDP" || bytes.length < 8) return undefined;
  // From the assembled bytes: flattening the table's line chunks again cost more than parsing it.
  return ((bytes[4] ?? 0) | ((bytes[5] ?? 0) << 8) | ((bytes[6] ?? 0) << 16) | ((bytes[7] ?? 0) << 24)) >>> 0;
}

interface Current {
  sig: string | undefined;
  line: number;
  address?: bigint;
  chunks: number[][];
  count: number;
  damage?: TextDamage;
  /** The last data line, when it held fewer than 16 bytes (only a table's last line may). */
  short?: { line: number; offset: number; bytes: number };
  /** The first line since the last data line that is neither data nor blank (a wrapped ASCII column, or garbage). */
  odd?: number;
}

/**
 * The malformed line, once the dump shows the bytes went wrong: a line that is not hex where data
 * belongs, or a short data line that is not the table's last.
 */
function damageAt(cur: Current, found: string, line = cur.line): TextDamage {
  if (cur.odd !== undefined) return { line: cur.odd, offset: cur.count, reason: `not a hex line (${found})` };
  if (cur.short !== undefined) {
    return { line: cur.short.line, offset: cur.short.offset, reason: `${cur.short.bytes} hex bytes where 16 belong (${found})` };
  }
  return { line, offset: cur.count, reason: found };
}

/**
 * Tables of an acpidump text. A malformed hex line (non-hex characters, a short line, a line
 * missing) sets `damage` on its table and ends the table's bytes there: later lines of the table
 * are consumed but not used, so the rest of the dump still parses.
 */
export function referenceParse(text: string, file: string): TextTable[] {
  const tables: TextTable[] = [];
  const lines = text.split(/\r?\n/);
  let cur: Current | undefined;
  const finish = (): void => {
    if (cur === undefined) return;
    const bytes = new Uint8Array(cur.count);
    let at = 0;
    for (const c of cur.chunks) { bytes.set(c, at); at += c.length; }
    const fromBytes = bytes.length >= 4 ? String.fromCharCode(...bytes.subarray(0, 4)) : undefined;
    const signature = cur.sig ?? fromBytes ?? "????";
    if (cur.damage === undefined && cur.odd !== undefined) {
      // The table ended early: damage only when the header says more bytes belong to it and the
      // end is a non-hex line. A dump that simply stops, after whole lines or in the middle of its
      // last one, is a truncated table: its bytes are those present, as acpixtract extracts them.
      const declared = declaredLength(signature, bytes);
      if (declared !== undefined && declared > cur.count) cur.damage = damageAt(cur, `the table ends at 0x${cur.count.toString(16)} of the 0x${declared.toString(16)} bytes its header declares`);
    }
    if (cur.sig !== undefined || bytes.length > 0) {
      const t: TextTable = { signature: signature === "RSD " ? "RSDP" : signature, bytes, source: { file, line: cur.line, name: signature, ...(cur.address === undefined ? {} : { address: cur.address }) } };
      if (cur.damage !== undefined) t.damage = cur.damage;
      tables.push(t);
    }
    cur = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const line = raw.includes("\0") ? raw.replace(/\0/g, "") : raw;
    if (isHeader(line)) {
      finish();
      const address = HEADER.exec(line.trimEnd())?.[2];
      cur = { sig: headerSignature(line), line: i + 1, chunks: [], count: 0, ...(address === undefined ? {} : { address: BigInt(`0x${address}`) }) };
      continue;
    }
    const m = DATA.exec(line);
    if (m === null) {
      // A wrapped ASCII column or a blank line inside a table is not data; a blank line after data ends it.
      if (cur !== undefined && line.trim() === "" && cur.count > 0) finish();
      else if (cur !== undefined && (cur.count > 0 || cur.sig !== undefined) && cur.odd === undefined && line.trim() !== "") cur.odd = i + 1;
      continue;
    }
    const offset = parseInt(m[1] ?? "0", 16);
    const data = lineBytes(m[2] ?? "");
    if (data.length === 0) {
      // "  0030: zz zz ..." inside a table is a damaged line; before any data it is not a table.
      if (cur !== undefined && cur.count > 0 && cur.damage === undefined) cur.damage = { line: i + 1, offset: cur.count, reason: "no hex bytes after its offset" };
      else if (cur === undefined || cur.count === 0) finish();
      continue;
    }
    if (cur === undefined) {
      // Data without a header (iasl "Raw Table Data" block): starts a table only at offset 0.
      if (offset !== 0) continue;
      cur = { sig: undefined, line: i + 1, chunks: [], count: 0 };
    }
    if (cur.damage !== undefined) continue;
    if (offset !== cur.count) {
      // A line missing: the damage is where the offsets jump, not at the table's header.
      cur.damage = damageAt(cur, `the next line is at offset 0x${offset.toString(16)}, not 0x${cur.count.toString(16)}`, i + 1);
      continue;
    }
    cur.chunks.push(data);
    cur.count += data.length;
    if (data.length < 16) cur.short = { line: i + 1, offset, bytes: data.length };
    else delete cur.short;
    delete cur.odd;
  }
  finish();
  return tables;
}
