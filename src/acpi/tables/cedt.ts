/**
 * CEDT, CXL Early Discovery Table (CXL 2.0 §9.14.1, CXL 3.1 §9.18.1). Labels and layouts follow
 * ACPICA (source/common/dmtbinfo1.c `AcpiDmTableInfoCedt*`, source/include/actbl1.h, acpica/acpica
 * 6e8959f1, 2026-08) so `numakit decode` lines up with a CEDT-aware `iasl -d` (ACPICA ≥ 20210331;
 * Debian's 20200925 predates CEDT and prints it as an unknown table).
 *
 * Subtable header: u8 type, u8 reserved, u16 length. Types: 0 CHBS (host bridge), 1 CFMWS (fixed
 * memory window), 2 CXIMS (XOR interleave math), 3 RDPAS (RCEC downstream port association).
 */
import { array, bit, reserved, u16, u32, u64, u8, staticSize, type FieldValues, type StructSpec } from "../layout/types.js";
import { struct, subtable, type TableDef } from "./def.js";

export const cedtSubtableHeader = struct("CEDT.header", "CEDT subtable header", [
  u8("Subtable Type", { key: "type", role: "type" }),
  reserved("u8", "Reserved"),
  u16("Length", { role: "length" }),
]);
const h = cedtSubtableHeader;

/**
 * Interleave ways from the CFMWS "Encoded Interleave Ways" (ENIW): 0-4 → 1, 2, 4, 8, 16 ways;
 * 8-10 → 3, 6, 12 ways (CXL 3.0). ACPICA's AcpiDmDumpCedt and Linux's cxl_acpi (eiw_to_ways)
 * read the target list with this count. Other encodings are reserved: undefined.
 */
export function cfmwsInterleaveWays(eniw: number): number | undefined {
  if (eniw <= 4) return 1 << eniw;
  if (eniw >= 8 && eniw <= 10) return 3 << (eniw - 8);
  return undefined;
}

/**
 * How many target entries the window's structure holds. ACPICA prints `1 << ENIW` (ENIW < 8) or
 * `3 << (ENIW - 8)` targets; reserved encodings still get that count so the list is never unbounded
 * (at most 3 << 247 would be absurd: the engine clamps any count to the bytes present).
 */
function cfmwsTargetCount(v: Readonly<FieldValues>): number {
  const eniw = v["interleaveMembers"];
  if (typeof eniw !== "number") return 0;
  return cfmwsInterleaveWays(eniw) ?? (eniw < 8 ? 1 << eniw : 3 << Math.min(eniw - 8, 20));
}

/** Interleave granularity from its encoding (CXL: 0 → 256 bytes ... 6 → 16 KiB). */
export function cxlGranularityBytes(encoded: number): number | undefined {
  return encoded <= 6 ? 256 << encoded : undefined;
}

/**
 * CFMWS window restrictions (actbl1.h ACPI_CEDT_CFMWS_RESTRICT_*, names as ACPICA renamed them in
 * 2025-08 "Rename CXL Window coherency restrictions": bits 0/1 were "Type 2"/"Type 3" memory).
 */
export const CFMWS_RESTRICTION_BITS = [
  bit(0, "Device Coherent"), bit(1, "Host Only Coherent"), bit(2, "Volatile"),
  bit(3, "Persistent"), bit(4, "Fixed Config"), bit(5, "Back Invalidate"),
];

export const CEDT_CHBS_VERSIONS: Readonly<Record<number, string>> = { 0: "CXL 1.1", 1: "CXL 2.0" };

export const cedtSubtables: Record<number, StructSpec> = {
  0: subtable(h, "CEDT.0", "CXL Host Bridge Structure", [
    u32("Associated host bridge", { key: "uid" }),
    u32("Specification version", { key: "cxlVersion", names: CEDT_CHBS_VERSIONS }),
    reserved("u32", "Reserved"),
    u64("Register base"),
    u64("Register length"),
  ]),
  1: subtable(h, "CEDT.1", "CXL Fixed Memory Window Structure", [
    reserved("u32", "Reserved"),
    u64("Window base address"),
    u64("Window size"),
    u8("Interleave Members"),
    u8("Interleave Arithmetic", { names: { 0: "Modulo", 1: "XOR" } }),
    reserved("u16", "Reserved"),
    u32("Granularity"),
    // iasl prints Restrictions as a plain number; the bits are decoded for JSON and the topology.
    u16("Restrictions", { bits: CFMWS_RESTRICTION_BITS, quietBits: true, reservedMask: 0xffc0 }),
    u16("QtgId", { key: "qtgId" }),
    array("Next Target", "u32", cfmwsTargetCount, { key: "interleaveTargets", firstLabel: "First Target" }),
  ]),
  2: subtable(h, "CEDT.2", "CXL XOR Interleave Math Structure", [
    reserved("u16", "Reserved"),
    u8("Interleave Granularity"),
    u8("Xormap List Count"),
    array("Next Xormap", "u64", (v) => (typeof v["xormapListCount"] === "number" ? v["xormapListCount"] : 0), { key: "xormapList", firstLabel: "First Xormap" }),
  ]),
  // CXL 3.1 layout (ACPICA 2026-06 "CEDT: RDPAS: Fix incorrect field positions" and "Add missing
  // reserved field"): segment, BDF, RCRB base, protocol, 3 reserved bytes = 20 bytes. Older ACPICA
  // and Linux headers had protocol before the address and no reserved tail (17 bytes).
  3: subtable(h, "CEDT.3", "CXL RCEC Downstream Port Association Structure", [
    u16("PCI Segment"),
    u16("PCI BDF", { key: "pciBdf" }),
    u64("RCRB Base Address"),
    u8("Protocol", { names: { 0: "CXL.io", 1: "CXL.cachemem" } }),
    reserved("u24", "Reserved"),
  ]),
};

/** Bytes a CFMWS needs for `ways` targets (36 + 4 per target), from the spec. */
export function cfmwsLength(targets: number): number {
  return staticSize(cedtSubtables[1] as StructSpec) + 4 * targets;
}

export const cedt: TableDef = {
  signature: "CEDT",
  name: "CXL Early Discovery Table",
  fixed: struct("CEDT.fixed", "CEDT", []),
  subtables: { header: h, spec: (type) => cedtSubtables[type] },
};
