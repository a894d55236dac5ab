/**
 * The two variable-length encodings every AML construct is built from: PkgLength and NameString
 * (ACPI 6.5 §20.2.4 "Package Length Encoding" and §20.2.2 "Name Objects Encoding").
 * Both readers are bounds-checked and throw `AmlSyntaxError`, which the parser turns into a
 * diagnostic plus "skip the enclosing object".
 */
import { hex } from "../util/hex.js";

/** A malformed construct at `offset` (table-relative). Internal to src/aml; never reaches the user. */
export class AmlSyntaxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "AmlSyntaxError";
  }
}

export interface PkgLength {
  /** Absolute end of the package (offset of the PkgLength byte + the encoded length). */
  end: number;
  /** Bytes the PkgLength encoding itself took (1-4). */
  size: number;
}

/**
 * PkgLength: the top two bits of the lead byte give the number of following bytes (0-3). With
 * none, bits 0-5 are the length; otherwise bits 0-3 are the low nibble and each following byte
 * adds 8 bits. The length counts from the lead byte itself, so `end = pos + length`.
 */
export function readPkgLength(bytes: Uint8Array, pos: number, limit: number): PkgLength {
  const lead = bytes[pos];
  if (lead === undefined || pos >= limit) throw new AmlSyntaxError("AML_TRUNCATED", "PkgLength runs past the end of the data", pos);
  const follow = lead >> 6;
  if (pos + follow >= limit) throw new AmlSyntaxError("AML_TRUNCATED", "PkgLength runs past the end of the data", pos);
  let length: number;
  if (follow === 0) {
    length = lead & 0x3f;
  } else {
    // §20.2.4: with following bytes, bits 4-5 of the lead byte are reserved and must be zero.
    length = lead & 0x0f;
    for (let i = 1; i <= follow; i++) length |= (bytes[pos + i] ?? 0) << (4 + 8 * (i - 1));
    length >>>= 0;
  }
  if (length < follow + 1) throw new AmlSyntaxError("AML_BAD_PKGLENGTH", `PkgLength ${length} is shorter than its own encoding`, pos);
  return { end: pos + length, size: follow + 1 };
}

/** Encode a PkgLength for a package whose contents (after the PkgLength) take `contentLength` bytes. */
export function encodePkgLength(contentLength: number): number[] {
  for (let n = 1; n <= 4; n++) {
    const total = contentLength + n;
    if (n === 1 && total < 0x40) return [total];
    if (n > 1 && total < 2 ** (4 + 8 * (n - 1))) {
      const out = [((n - 1) << 6) | (total & 0x0f)];
      for (let i = 1; i < n; i++) out.push((total >>> (4 + 8 * (i - 1))) & 0xff);
      return out;
    }
  }
  throw new RangeError(`package too long: ${contentLength}`);
}

/** A NameString as written: root/parent prefixes plus zero or more 4-character NameSegs. */
export interface NamePath {
  /** Starts with `\`. */
  absolute: boolean;
  /** Number of `^` parent prefixes. */
  parents: number;
  segments: string[];
}

export const isLeadNameChar = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || b === 0x5f;
const isNameChar = (b: number): boolean => isLeadNameChar(b) || (b >= 0x30 && b <= 0x39);

/** True when the byte can start a NameString (§20.2.2: RootChar, ParentPrefix, prefixes, LeadNameChar). */
export function startsNameString(b: number): boolean {
  return b === 0x5c || b === 0x5e || b === 0x2e || b === 0x2f || isLeadNameChar(b);
}

function readSeg(bytes: Uint8Array, pos: number, limit: number): string {
  if (pos + 4 > limit) throw new AmlSyntaxError("AML_TRUNCATED", "NameSeg runs past the end of the data", pos);
  let s = "";
  for (let i = 0; i < 4; i++) {
    const b = bytes[pos + i] ?? 0;
    if (i === 0 ? !isLeadNameChar(b) : !isNameChar(b)) {
      throw new AmlSyntaxError("AML_BAD_NAME", `invalid NameSeg byte ${hex(b, 2, { lower: true })}`, pos + i);
    }
    s += String.fromCharCode(b);
  }
  return s;
}

/** Read a NameString at `pos`; returns the path and the offset just after it. */
export function readNameString(bytes: Uint8Array, pos: number, limit: number): { path: NamePath; next: number } {
  const path: NamePath = { absolute: false, parents: 0, segments: [] };
  let p = pos;
  if (bytes[p] === 0x5c) { path.absolute = true; p++; }
  else while (bytes[p] === 0x5e && p < limit) { path.parents++; p++; }
  if (p >= limit) throw new AmlSyntaxError("AML_TRUNCATED", "NameString runs past the end of the data", p);
  const b = bytes[p] ?? 0;
  let count: number;
  if (b === 0x00) return { path, next: p + 1 }; // NullName
  if (b === 0x2e) { count = 2; p++; }
  else if (b === 0x2f) {
    if (p + 1 >= limit) throw new AmlSyntaxError("AML_TRUNCATED", "MultiNamePrefix runs past the end of the data", p);
    count = bytes[p + 1] ?? 0;
    p += 2;
  } else count = 1;
  for (let i = 0; i < count; i++) { path.segments.push(readSeg(bytes, p, limit)); p += 4; }
  return { path, next: p };
}

/** "\\_SB_.PCI0" style, with trailing underscores trimmed from each segment as iasl prints them. */
export function formatSegments(segments: readonly string[], absolute = true): string {
  const body = segments.map(trimSeg).join(".");
  return absolute ? `\\${body}` : body;
}

export function trimSeg(seg: string): string {
  const t = seg.replace(/_+$/, "");
  return t === "" ? "_" : t;
}

export function formatNamePath(p: NamePath): string {
  return (p.absolute ? "\\" : "^".repeat(p.parents)) + p.segments.map(trimSeg).join(".");
}
