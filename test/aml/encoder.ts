/**
 * A small AML encoder for tests: turns a generated namespace (scopes, devices, processors,
 * names with constant data, methods returning a constant) into a DSDT, the inverse of what the
 * reader parses. ACPI 6.5 §20.2 encodings.
 */
import { encodePkgLength } from "../../src/aml/encoding.js";
import { checksum } from "../../src/util/checksum.js";

export type GenValue =
  | { t: "int"; v: bigint }
  | { t: "str"; v: string }
  | { t: "buf"; bytes: number[] }
  | { t: "pkg"; elems: GenValue[] };

export type ScopeKind = "Scope" | "Device" | "Processor" | "PowerResource" | "ThermalZone";
export type GenObj =
  | { kind: ScopeKind; seg: string; children: GenObj[] }
  | { kind: "Name"; seg: string; value: GenValue }
  | { kind: "Method"; seg: string; argCount: number; ret: GenValue };

const ascii = (s: string): number[] => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

function le(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

export function encodeInt(v: bigint): number[] {
  if (v === 0n) return [0x00];
  if (v === 1n) return [0x01];
  if (v <= 0xffn) return [0x0a, ...le(v, 1)];
  if (v <= 0xffffn) return [0x0b, ...le(v, 2)];
  if (v <= 0xffffffffn) return [0x0c, ...le(v, 4)];
  return [0x0e, ...le(v, 8)];
}

/** Opcode, PkgLength over the rest, then the rest. */
function withPkg(opcode: number[], body: number[]): number[] {
  return [...opcode, ...encodePkgLength(body.length), ...body];
}

export function encodeValue(v: GenValue): number[] {
  switch (v.t) {
    case "int": return encodeInt(v.v);
    case "str": return [0x0d, ...ascii(v.v), 0x00];
    case "buf": return withPkg([0x11], [...encodeInt(BigInt(v.bytes.length)), ...v.bytes]);
    case "pkg": return withPkg([0x12], [v.elems.length, ...v.elems.flatMap(encodeValue)]);
  }
}

const SCOPE_OPS: Record<ScopeKind, { op: number[]; fixed: number[] }> = {
  Scope: { op: [0x10], fixed: [] },
  Device: { op: [0x5b, 0x82], fixed: [] },
  Processor: { op: [0x5b, 0x83], fixed: [0x01, 0x10, 0x04, 0x00, 0x00, 0x06] },
  PowerResource: { op: [0x5b, 0x84], fixed: [0x00, 0x00, 0x00] },
  ThermalZone: { op: [0x5b, 0x85], fixed: [] },
};

export function encodeObj(o: GenObj): number[] {
  switch (o.kind) {
    case "Name": return [0x08, ...ascii(o.seg), ...encodeValue(o.value)];
    case "Method": return withPkg([0x14], [...ascii(o.seg), o.argCount & 7, 0xa4, ...encodeValue(o.ret)]);
    default: {
      const { op, fixed } = SCOPE_OPS[o.kind];
      return withPkg(op, [...ascii(o.seg), ...fixed, ...o.children.flatMap(encodeObj)]);
    }
  }
}

/** A complete definition block with a valid header and checksum. */
export function encodeTable(body: number[], signature = "DSDT", revision = 2): Uint8Array {
  const len = 36 + body.length;
  const header = [...ascii(signature), ...le(BigInt(len), 4), revision, 0, ...ascii("NUMAKT"), ...ascii("GENERATE"), ...le(1n, 4), ...ascii("INTL"), ...le(0x20200925n, 4)];
  const bytes = new Uint8Array([...header, ...body]);
  bytes[9] = (0x100 - checksum(bytes)) & 0xff;
  return bytes;
}

// Raw building blocks for hand-written AML in tests.
export const seg = (s: string): number[] => ascii(s.padEnd(4, "_"));
export const pkgOp = (opcode: number[], ...body: number[][]): number[] => withPkg(opcode, body.flat());
export const amlName = (s: string, data: number[]): number[] => [0x08, ...seg(s), ...data];
export const amlMethod = (s: string, flags: number, ...body: number[][]): number[] => pkgOp([0x14], seg(s), [flags], ...body);
export const amlDevice = (s: string, ...body: number[][]): number[] => pkgOp([0x5b, 0x82], seg(s), ...body);
export const amlScope = (path: number[], ...body: number[][]): number[] => pkgOp([0x10], path, ...body);
export const amlIf = (pred: number[], ...body: number[][]): number[] => pkgOp([0xa0], pred, ...body);
export const amlElse = (...body: number[][]): number[] => pkgOp([0xa1], ...body);
export const amlReturn = (v: number[]): number[] => [0xa4, ...v];
export const amlString = (s: string): number[] => [0x0d, ...ascii(s), 0];
export const amlBuffer = (size: number[], data: number[]): number[] => pkgOp([0x11], size, data);
