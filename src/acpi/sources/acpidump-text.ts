/**
 * Parser for `acpidump` text, in every variant seen in real dumps (../shared/reference/acpi.md §7.1-7.2):
 * ACPICA's own format, fwts logs (8-digit addresses, 2-space indent, lower-case hex, tabs), mails with
 * the ASCII column wrapped onto its own line or glued to the hex, `RSD PTR @`, `@ (nil)`, repeated
 * signatures, junk lines around the dump, and iasl "Raw Table Data" blocks.
 *
 * Like acpixtract, only the 49 characters after an offset's colon are read as hex (16 bytes), so the
 * ASCII column is never mistaken for data. Unlike acpixtract, a data line must start with a hex
 * offset and a colon, so a wrapped ASCII line containing ": " cannot end a table early.
 */
import type { RawTable } from "../raw.js";

const HEADER = /^(.{4})(?:[^@]*?) @ (?:0x[0-9A-Fa-f]+|\(nil\))\s*$/;

/** Where a dump's hex stops being the table: the first malformed line. */
export interface TextDamage {
  /** 1-based line of the malformed hex line. */
  line: number;
  /** Table offset the line should have held. */
  offset: number;
  /** What is wrong with it. */
  reason: string;
}

export interface TextTable extends RawTable {
  /** Set when a hex line is malformed (non-hex, short, or missing): the bytes stop before it. */
  damage?: TextDamage;
}

/**
 * Does this text (its bytes, each byte one character: latin1) look like an acpidump: a table
 * header followed by a data line, or a data line at offset 0 (an iasl "Raw Table Data" block),
 * anywhere in it? acpixtract finds tables anywhere: a dump after 5000 lines of a console log, the
 * raw block at the end of an iasl disassembly. (The first 2000 lines only were read before.)
 */
export function looksLikeAcpidumpBytes(bytes: Uint8Array): boolean {
  return looksLikeAcpidumpCodes(bytes);
}

/**
 * One pass over the lines, split as parseCodes splits them, stopping at the first table found.
 * The work per line is bounded by its length: the header pattern is only tried on lines short
 * enough to be one (a string is made of those alone), the data pattern is matchDataLine's scan.
 */
function looksLikeAcpidumpCodes(codes: Codes): boolean {
  const data: DataLine = { digits: 0, rest: 0 };
  let headerBefore = false;
  for (let pos = 0; pos <= codes.length;) {
    const lf = codes.indexOf(0x0a, pos);
    const next = lf < 0 ? codes.length : lf;
    const end = lf > pos && codes[lf - 1] === 0x0d ? lf - 1 : next;
    if (matchDataLine(codes, pos, end, true, data)) {
      if (headerBefore) return true;
      let zeros = data.digits;
      while (zeros < data.rest - 1 && codes[zeros] === 0x30) zeros++;
      if (zeros === data.rest - 1) return true;
    } else {
      let trimmed = end;
      while (trimmed > pos && isSpace(codes[trimmed - 1] ?? 0)) trimmed--;
      headerBefore = trimmed - pos < 49 && codes.subarray(pos, trimmed).includes(0x40) && isHeader(lineText(codes, pos, trimmed));
    }
    if (lf < 0) break;
    pos = lf + 1;
  }
  return false;
}

function isHeader(line: string): boolean {
  // Data lines start with white space: answered before trimming and matching (most lines are data).
  if (line.length === 0 || isSpace(line.charCodeAt(0))) return false;
  const t = line.trimEnd();
  return t.length > 0 && t.length < 49 && !/^\s/.test(t) && HEADER.test(t);
}

/** The physical address of a header line ("SRAT @ 0x000000007B6A1000"), undefined for "@ (nil)". */
function headerAddress(line: string): bigint | undefined {
  const m = / @ 0x([0-9A-Fa-f]+)\s*$/.exec(line);
  return m?.[1] === undefined ? undefined : BigInt(`0x${m[1]}`);
}

function headerSignature(line: string): string {
  const sig = line.slice(0, 4);
  return sig === "RSD " ? "RSDP" : sig;
}

/** Each latin1 character's hex value, -1 for a character that is not a hex digit. */
const HEX_VALUE = Int8Array.from({ length: 256 }, (_, c) => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
});

function hexDigit(c: number): number {
  // A table read (a character past latin1 reads undefined: not a digit) beats the comparisons in
  // the loop that reads every byte of a dump.
  return HEX_VALUE[c] ?? -1;
}

/** JavaScript's \s within latin1: tab, LF, VT, FF, CR, space, NBSP. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

/** JavaScript's \s over all of UTF-16 (a data line's leading white space, as the regex /^\s+/ reads it). */
function isRegexSpace(c: number): boolean {
  if (c < 0x100) return isSpace(c);
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** A dump's characters as code units: latin1 bytes (a file's own bytes, no string made) or UTF-16. */
type Codes = Uint8Array | Uint16Array;

/**
 * Bytes of one data line, from `codes[start..end)` (the text after the colon) into `out` from
 * `at`: up to 16 two-digit hex tokens in the first 49 characters; the first other token ends the
 * data. Returns how many. A hand-written scanner: this loop is most of the time spent reading a
 * dump (a split/regex/parseInt version ran at a third of the speed).
 */
function scanLineBytes(codes: Codes, start: number, end: number, out: Uint8Array, to = 0): number {
  const stop = Math.min(end, start + 49);
  // ACPICA's own layout, " XX" sixteen times then white space: read at fixed places.
  if (stop === start + 49 && isSpace(codes[start + 48] ?? 0)) {
    let k = 0;
    for (; k < 16; k++) {
      const at = start + 3 * k;
      const hi = hexDigit(codes[at + 1] ?? 0);
      const lo = hexDigit(codes[at + 2] ?? 0);
      if (codes[at] !== 0x20 || hi < 0 || lo < 0) break;
      out[to + k] = hi * 16 + lo;
    }
    if (k === 16) return 16;
  }
  let n = 0;
  let i = start;
  while (n < 16) {
    while (i < stop && isSpace(codes[i] ?? 0)) i++;
    if (i >= stop) break;
    let j = i;
    while (j < stop && !isSpace(codes[j] ?? 0)) j++;
    const hi = hexDigit(codes[i] ?? 0);
    // Past the 49 characters (or the line) counts as no digit, as charCodeAt's NaN did.
    const lo = i + 1 < stop ? hexDigit(codes[i + 1] ?? 0) : -1;
    if (j - i !== 2 || hi < 0 || lo < 0) break;
    out[to + n++] = hi * 16 + lo;
    i = j;
  }
  return n;
}

function toCodes(text: string): Codes {
  const out = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Bytes of one data line's text after the colon (see scanLineBytes). */
export function lineBytes(rest: string): number[] {
  const out = new Uint8Array(16);
  return Array.from(out.subarray(0, scanLineBytes(toCodes(rest), 0, rest.length, out)));
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
  /** The header's physical address, when it gives one. */
  address: bigint | undefined;
  /** The table's bytes so far: the first `count` of them (grown by doubling). */
  buf: Uint8Array;
  count: number;
  damage: TextDamage | undefined;
  /** The last data line, when it held fewer than 16 bytes (only a table's last line may). */
  short: { line: number; offset: number; bytes: number } | undefined;
  /** The first line since the last data line that is neither data nor blank (a wrapped ASCII column, or garbage). */
  odd: number | undefined;
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

/** The characters `codes[start..end)` as a string (for the rare lines that are not hex data). */
function lineText(codes: Codes, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i += 4096) out += String.fromCharCode(...codes.subarray(i, Math.min(end, i + 4096)));
  return out;
}

/** Where a data line's offset digits and its text after the colon start (see matchDataLine). */
interface DataLine { digits: number; rest: number }

/**
 * Whether `codes[start..end)` is a data line, /^\s+([0-9A-Fa-f]{1,16}):(.*)$/ (one or more white
 * space, 1-16 hex digits, a colon, then no line terminator: CR, U+2028, U+2029, looked for only
 * when `terminators` says the text has any); if so `out` says where its parts start. acpidump's
 * own layout, "    XXXX: ", is recognised at fixed places, without the general scan.
 */
function matchDataLine(codes: Codes, start: number, end: number, terminators: boolean, out: DataLine): boolean {
  if (!terminators && end - start >= 9 && codes[start] === 0x20 && codes[start + 1] === 0x20 && codes[start + 2] === 0x20 && codes[start + 3] === 0x20 &&
      codes[start + 8] === 0x3a && (hexDigit(codes[start + 4] ?? 0) | hexDigit(codes[start + 5] ?? 0) | hexDigit(codes[start + 6] ?? 0) | hexDigit(codes[start + 7] ?? 0)) >= 0) {
    out.digits = start + 4;
    out.rest = start + 9;
    return true;
  }
  let i = start;
  while (i < end && isRegexSpace(codes[i] ?? 0)) i++;
  if (i === start) return false;
  const digits = i;
  while (i < end && i - digits < 17 && hexDigit(codes[i] ?? 0) >= 0) i++;
  const n = i - digits;
  if (n === 0 || n > 16 || i >= end || codes[i] !== 0x3a) return false;
  for (let k = i + 1; terminators && k < end; k++) {
    const c = codes[k] ?? 0;
    if (c === 0x0d || c === 0x2028 || c === 0x2029) return false;
  }
  out.digits = digits;
  out.rest = i + 1;
  return true;
}

/**
 * Whether the line at `codes[pos..]` is a data line in acpidump's own layout at table offset
 * `offset`: four spaces, four hex digits, a colon, " XX" sixteen times, then white space that is
 * not the line's end (so the 49 characters after the colon are all on this line). If so, its 16
 * bytes are in `out` from `offset`. What it accepts, matchDataLine and scanLineBytes read alike:
 * any other line goes through them.
 */
function fixedLayoutLine(codes: Codes, pos: number, offset: number, out: Uint8Array): boolean {
  if (offset > 0xffff || codes[pos] !== 0x20 || codes[pos + 1] !== 0x20 || codes[pos + 2] !== 0x20 || codes[pos + 3] !== 0x20 || codes[pos + 8] !== 0x3a) return false;
  const d0 = hexDigit(codes[pos + 4] ?? 0);
  const d1 = hexDigit(codes[pos + 5] ?? 0);
  const d2 = hexDigit(codes[pos + 6] ?? 0);
  const d3 = hexDigit(codes[pos + 7] ?? 0);
  if ((d0 | d1 | d2 | d3) < 0 || ((d0 << 12) | (d1 << 8) | (d2 << 4) | d3) !== offset) return false;
  const last = codes[pos + 57] ?? 0;
  if (last === 0x0a || !isSpace(last)) return false;
  for (let k = 0, at = pos + 9; k < 16; k++, at += 3) {
    const hi = hexDigit(codes[at + 1] ?? 0);
    const lo = hexDigit(codes[at + 2] ?? 0);
    if (codes[at] !== 0x20 || hi < 0 || lo < 0) return false;
    out[offset + k] = hi * 16 + lo;
  }
  return true;
}

/** The hex offset in `codes[start..end)` (1-16 digits), as parseInt(…, 16) reads it. */
function hexOffset(codes: Codes, start: number, end: number): number {
  // Up to 13 digits (52 bits) the sum is exact; longer ones are left to parseInt's rounding.
  if (end - start > 13) return parseInt(lineText(codes, start, end), 16);
  let v = 0;
  for (let i = start; i < end; i++) v = v * 16 + hexDigit(codes[i] ?? 0);
  return v;
}

/**
 * Tables of an acpidump text. A malformed hex line (non-hex characters, a short line, a line
 * missing) sets `damage` on its table and ends the table's bytes there: later lines of the table
 * are consumed but not used, so the rest of the dump still parses.
 */
export function parseAcpidumpText(text: string, file: string): TextTable[] {
  let wide = false;
  for (let i = 0; i < text.length && !wide; i++) wide = text.charCodeAt(i) > 0xff;
  return parseCodes(wide ? toCodes(text) : Buffer.from(text, "latin1"), file);
}

/**
 * Tables of an acpidump text given as its bytes, each byte one character (latin1), as
 * parseAcpidumpText(bytes as latin1 text) reads them; no string of the whole dump is made.
 */
export function parseAcpidumpBytes(bytes: Uint8Array, file: string, limit?: TableLimit): TextTable[] {
  return parseCodes(bytes, file, limit);
}

/**
 * The most tables one dump gives: 2^14. A real acpidump holds tens, a few hundred on a large
 * server; 256 MiB of text can hold a million tiny ones, each a few KiB once decoded.
 */
export const MAX_DUMP_TABLES = 1 << 14;

/** Where parsing stops past `max` tables (default MAX_DUMP_TABLES): `stopped` gets the dump line of the first table not read. */
export interface TableLimit { max?: number; stopped: (line: number) => void }

/** Lines are split as text.split(/\r?\n/) splits them; NUL characters are dropped from a line. */
function parseCodes(codes: Codes, file: string, limit?: TableLimit): TextTable[] {
  const maxTables = limit?.max ?? MAX_DUMP_TABLES;
  const tables: TextTable[] = [];
  const scratch = new Uint8Array(16);
  const data: DataLine = { digits: 0, rest: 0 };
  let cur: Current | undefined;
  const finish = (): void => {
    if (cur === undefined) return;
    // Usually the buffer is exactly the table (grown to its declared Length): then it is the table's bytes.
    const bytes = cur.buf.length === cur.count ? cur.buf : cur.buf.slice(0, cur.count);
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
      const source = cur.address === undefined ? { file, line: cur.line, name: signature } : { file, line: cur.line, name: signature, address: cur.address };
      const t: TextTable = { signature: signature === "RSD " ? "RSDP" : signature, bytes, source };
      if (cur.damage !== undefined) t.damage = cur.damage;
      tables.push(t);
    }
    cur = undefined;
  };
  // Every field set from the start, none deleted: the object keeps one shape (a `delete` per line made it a slow dictionary).
  const newTable = (sig: string | undefined, line: number, address?: bigint): Current => ({ sig, line, address, buf: new Uint8Array(4096), count: 0, damage: undefined, short: undefined, odd: undefined });
  const onLine = (c: Codes, start: number, end: number, lineNo: number): void => {
    // Data lines start with white space: only other lines are made strings, for the header pattern.
    const text = start < end && !isSpace(c[start] ?? 0) ? lineText(c, start, end) : undefined;
    if (text !== undefined && isHeader(text)) {
      finish();
      cur = newTable(headerSignature(text), lineNo, headerAddress(text));
      return;
    }
    if (!matchDataLine(c, start, end, terminators, data)) {
      // A wrapped ASCII column or a blank line inside a table is not data; a blank line after data ends it.
      if (cur === undefined) return;
      const blank = (text ?? lineText(c, start, end)).trim() === "";
      if (blank && cur.count > 0) finish();
      else if ((cur.count > 0 || cur.sig !== undefined) && cur.odd === undefined && !blank) cur.odd = lineNo;
      return;
    }
    const rest = data.rest;
    const offset = hexOffset(c, data.digits, rest - 1);
    // Straight into the table's buffer when it has room for a whole line (as it almost always has).
    const direct = cur !== undefined && cur.damage === undefined && offset === cur.count && cur.count + 16 <= cur.buf.length ? cur : undefined;
    const n = direct !== undefined ? scanLineBytes(c, rest, end, direct.buf, direct.count) : scanLineBytes(c, rest, end, scratch);
    if (n === 0) {
      // "  0030: zz zz ..." inside a table is a damaged line; before any data it is not a table.
      if (cur !== undefined && cur.count > 0 && cur.damage === undefined) cur.damage = { line: lineNo, offset: cur.count, reason: "no hex bytes after its offset" };
      else if (cur === undefined || cur.count === 0) finish();
      return;
    }
    if (cur === undefined) {
      // Data without a header (iasl "Raw Table Data" block): starts a table only at offset 0.
      if (offset !== 0) return;
      cur = newTable(undefined, lineNo);
    }
    if (cur.damage !== undefined) return;
    if (offset !== cur.count) {
      // A line missing: the damage is where the offsets jump, not at the table's header.
      cur.damage = damageAt(cur, `the next line is at offset 0x${offset.toString(16)}, not 0x${cur.count.toString(16)}`, lineNo);
      return;
    }
    if (cur.count + n > cur.buf.length) {
      // Once the header's Length is in, grow to it in one step (when the text could hold that many bytes).
      const declared = cur.count >= 8 ? declaredLength("", cur.buf) ?? 0 : 0;
      const grown = new Uint8Array(declared >= cur.count + n && declared <= codes.length ? declared : cur.buf.length * 2);
      grown.set(cur.buf.subarray(0, cur.count));
      cur.buf = grown;
    }
    if (direct === undefined) {
      const buf = cur.buf;
      for (let k = 0; k < n; k++) buf[cur.count + k] = scratch[k] ?? 0;
    }
    cur.count += n;
    cur.short = n < 16 ? { line: lineNo, offset, bytes: n } : undefined;
    cur.odd = undefined;
  };
  const hasNul = codes.indexOf(0) >= 0;
  // Most dumps have no CR at all (and never U+2028/U+2029): then no line needs looking through for one.
  const terminators = codes.indexOf(0x0d) >= 0 || (codes instanceof Uint16Array && (codes.indexOf(0x2028) >= 0 || codes.indexOf(0x2029) >= 0));
  let lineNo = 0;
  for (let pos = 0; ;) {
    lineNo++;
    // A whole line in acpidump's own layout, "    XXXX: " then " XX" sixteen times, continuing
    // the table it belongs to: read here, with its end found past the hex (most of a dump's lines).
    const into = cur !== undefined && cur.damage === undefined && cur.count + 16 <= cur.buf.length && !hasNul && !terminators ? cur : undefined;
    if (into !== undefined && fixedLayoutLine(codes, pos, into.count, into.buf)) {
      into.count += 16;
      into.short = undefined;
      into.odd = undefined;
      const lf = codes.indexOf(0x0a, pos + 58);
      if (lf < 0) break;
      pos = lf + 1;
      continue;
    }
    const lf = codes.indexOf(0x0a, pos);
    const next = lf < 0 ? codes.length : lf;
    const end = lf > pos && codes[lf - 1] === 0x0d ? lf - 1 : next;
    if (hasNul && codes.subarray(pos, end).indexOf(0) >= 0) {
      const kept = codes.subarray(pos, end).filter((x) => x !== 0);
      onLine(kept, 0, kept.length, lineNo);
    } else {
      onLine(codes, pos, end, lineNo);
    }
    if (tables.length >= maxTables && cur !== undefined) {
      // A table past the limit has begun: it and the rest of the dump are not read.
      limit?.stopped(cur.line);
      cur = undefined;
      break;
    }
    if (lf < 0) break;
    pos = lf + 1;
  }
  finish();
  return tables;
}
