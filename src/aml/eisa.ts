/**
 * EISA ID decoding (ACPI 6.5 §19.6.35 "EISAID"; §6.1.5 _HID). An integer _HID/_CID holds a
 * compressed 7-character ID: three 5-bit letters (value + 0x40) and four hex digits, stored as a
 * big-endian 32-bit value, so the little-endian AML integer has its bytes swapped.
 * PNP0A08 <-> 0x080AD041.
 */
import { hex } from "../util/hex.js";

/** Decode a 32-bit compressed EISA ID ("PNP0A08"); undefined when it does not encode one. */
export function decodeEisaId(value: bigint | number): string | undefined {
  const v = BigInt(value);
  if (v < 0n || v > 0xffffffffn) return undefined;
  const n = Number(v);
  const be = (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
  // Bit 31 is reserved (0); each letter is 1..26 ("A".."Z").
  if ((be & 0x80000000) !== 0) return undefined;
  let s = "";
  for (const shift of [26, 21, 16]) {
    const c = (be >>> shift) & 0x1f;
    if (c < 1 || c > 26) return undefined;
    s += String.fromCharCode(0x40 + c);
  }
  return s + hex(be & 0xffff, 4, { bare: true });
}

/** Encode "PNP0A08" to the AML integer (for tests and fixtures). */
export function encodeEisaId(id: string): number {
  if (!/^[A-Z]{3}[0-9A-F]{4}$/.test(id)) throw new RangeError(`not an EISA ID: ${id}`);
  const l = (i: number): number => id.charCodeAt(i) - 0x40;
  const be = ((l(0) << 26) | (l(1) << 21) | (l(2) << 16) | parseInt(id.slice(3), 16)) >>> 0;
  return (((be & 0xff) << 24) | ((be & 0xff00) << 8) | ((be >>> 8) & 0xff00) | (be >>> 24)) >>> 0;
}
