/**
 * SRAT, System Resource Affinity Table (ACPI 6.5 §5.2.16; layouts: ../../../../shared/reference/acpi.md §2).
 * Labels follow ACPICA's disassembler (dmtbinfo3.c) so `numakit decode` lines up with `iasl -d`.
 */
import { ascii, bit, bitNames, bytes, fieldOf, fieldOffset, flags, reserved, u16, u24, u32, u64, u8, staticSize, type FieldValues, type StructSpec } from "../layout/types.js";
import { struct, subtable, type TableDef } from "./def.js";
import { encodeStruct } from "../layout/codec.js";
import { HEADER_SIZE } from "./header.js";

/** Flag bits of the processor structures (types 0, 2, 3, 7): only Enabled. */
export const SRAT_CPU_FLAGS = bitNames({ enabled: bit(0, "Enabled") });
/** Flag bits of Memory Affinity (type 1). Bit 3 "Specific Purpose" is ACPI 6.6 (fwts allows it since 2026-02). */
export const SRAT_MEMORY_FLAGS = bitNames({
  enabled: bit(0, "Enabled"), hotPluggable: bit(1, "Hot Pluggable"), nonVolatile: bit(2, "Non-Volatile"), specificPurpose: bit(3, "Specific Purpose"),
});
/** Flag bits of Generic Initiator / Generic Port Affinity (types 5, 6). */
export const SRAT_GENERIC_FLAGS = bitNames({ enabled: bit(0, "Enabled"), architecturalTransactions: bit(1, "Architectural Transactions") });
const enabled = Object.values(SRAT_CPU_FLAGS);

export const sratSubtableHeader = struct("SRAT.header", "SRAT subtable header", [
  u8("Subtable Type", { key: "type", role: "type" }),
  u8("Length", { role: "length" }),
]);
const h = sratSubtableHeader;

const deviceHandleTypes = { 0: "ACPI", 1: "PCI" } as const;

/**
 * The 16-byte Device Handle of Generic Initiator/Port Affinity, by Device Handle Type (ACPI 6.5
 * Tables 5.59 and 5.60). The SRAT spec keeps it as 16 bytes (iasl prints it so); these specs read it.
 */
export const acpiDeviceHandleSpec = struct("SRAT.handle.0", "ACPI Device Handle", [
  ascii("_HID", 8, { key: "hid" }), u32("_UID", { key: "uid" }), reserved("u32", "Reserved"),
]);
/** PCI function number in bits 2:0 and device number in bits 7:3 of the BDF's second byte. */
export const PCI_DEVFN = bitNames({ function: bit(0, "Function", 3), device: bit(3, "Device", 5) });
export const pciDeviceHandleSpec = struct("SRAT.handle.1", "PCI Device Handle", [
  u16("PCI Segment", { key: "segment" }), u8("PCI Bus", { key: "bus" }), flags("u8", "PCI Device/Function", Object.values(PCI_DEVFN), { key: "devfn" }),
  bytes("Reserved", 12, { reserved: true }),
]);
/** The 16 bytes of an ACPI Device Handle (_HID, _UID), through its spec. */
export function encodeAcpiDeviceHandle(hid: string, uid: number): Uint8Array {
  return encodeStruct(acpiDeviceHandleSpec, { hid, uid: uid >>> 0, reserved: 0 });
}

/** The 16 bytes of a PCI Device Handle (segment, bus, device, function), through its spec. */
export function encodePciDeviceHandle(segment: number, bus: number, device: number, fn: number): Uint8Array {
  return encodeStruct(pciDeviceHandleSpec, { segment, bus, devfn: (device << PCI_DEVFN.device.shift) | (fn << PCI_DEVFN.function.shift), reserved: new Uint8Array(12) });
}

/** The handle's spec for a Device Handle Type; undefined for the reserved types. */
export function deviceHandleSpec(handleType: number): StructSpec | undefined {
  return handleType === 0 ? acpiDeviceHandleSpec : handleType === 1 ? pciDeviceHandleSpec : undefined;
}

function genericAffinity(type: number, name: string): StructSpec {
  return subtable(h, `SRAT.${type}`, name, [
    reserved("u8", "Reserved1"),
    u8("Device Handle Type", { names: deviceHandleTypes, reservedMask: 0xfe }),
    u32("Proximity Domain"),
    bytes("Device Handle", 16),
    flags("u32", "Flags", Object.values(SRAT_GENERIC_FLAGS)),
    reserved("u32", "Reserved2"),
  ]);
}

export const sratSubtables: Record<number, StructSpec> = {
  0: subtable(h, "SRAT.0", "Processor Local APIC/SAPIC Affinity", [
    u8("Proximity Domain Low(8)"),
    u8("Apic ID"),
    flags("u32", "Flags", enabled),
    u8("Local Sapic EID"),
    u24("Proximity Domain High(24)"),
    u32("Clock Domain"),
  ]),
  1: subtable(h, "SRAT.1", "Memory Affinity", [
    u32("Proximity Domain"),
    reserved("u16", "Reserved1"),
    u64("Base Address"),
    u64("Address Length"),
    reserved("u32", "Reserved2"),
    // Bits 4..31 are reserved.
    flags("u32", "Flags", Object.values(SRAT_MEMORY_FLAGS)),
    reserved("u64", "Reserved3"),
  ]),
  2: subtable(h, "SRAT.2", "Processor Local x2APIC Affinity", [
    reserved("u16", "Reserved1"),
    u32("Proximity Domain"),
    u32("Apic ID", { key: "x2apicId" }),
    flags("u32", "Flags", enabled),
    u32("Clock Domain"),
    reserved("u32", "Reserved2"),
  ]),
  3: subtable(h, "SRAT.3", "GICC Affinity", [
    u32("Proximity Domain"),
    u32("Acpi Processor UID"),
    flags("u32", "Flags", enabled),
    u32("Clock Domain"),
  ]),
  4: subtable(h, "SRAT.4", "GIC ITS Affinity", [
    u32("Proximity Domain"),
    reserved("u16", "Reserved"),
    u32("ITS ID"),
  ]),
  5: genericAffinity(5, "Generic Initiator Affinity"),
  6: genericAffinity(6, "Generic Port Affinity"),
  7: subtable(h, "SRAT.7", "RINTC Affinity", [
    reserved("u16", "Reserved"),
    u32("Proximity Domain"),
    u32("Acpi Processor UID"),
    flags("u32", "Flags", enabled),
    u32("Clock Domain"),
  ]),
};

/**
 * SRAT type 0 splits its proximity domain into bits 7:0 and 31:8; the high part only exists from
 * SRAT revision 2 (ACPI 3.0). Linux (acpi_numa_processor_affinity_init) ORs it in only when
 * revision >= 2, so revision-1 tables with garbage there still map to the low byte.
 */
export function sratCpuProximityDomain(low8: number, high24: number | undefined, revision: number): number {
  return revision >= 2 ? (low8 | ((high24 ?? 0) << 8)) >>> 0 : low8;
}

/**
 * Revision-1 tables (ACPI 2.0) had 8-bit proximity domains: Linux (acpi_numa_memory_affinity_init,
 * `pxm &= 0xff`) and Xen cut a memory entry's 32-bit domain to the width of type 0's low field.
 */
export function sratRev1Pxm(pxm: number): number {
  return pxm & ((1 << (8 * fieldOf(sratSubtables[0] as StructSpec, "proximityDomainLow8").size)) - 1);
}

function sratDerived(type: number, values: Readonly<FieldValues>, ctx: { revision: number }): Record<string, number> {
  const low = values["proximityDomainLow8"];
  return type === 0 && typeof low === "number"
    ? { proximityDomain: sratCpuProximityDomain(low, values["proximityDomainHigh24"] as number | undefined, ctx.revision) }
    : {};
}

/** The exact length of each SRAT structure type (what fwts checks), from the specs. */
export const SRAT_SIZES: Readonly<Record<number, number>> = Object.fromEntries(
  Object.entries(sratSubtables).map(([type, spec]) => [Number(type), staticSize(spec)]),
);

/** The size of a structure type the spec defines (0..7); any other type is a programming error. */
export function sratSize(type: number): number {
  const size = SRAT_SIZES[type];
  if (size === undefined) throw new Error(`SRAT type ${type} has no spec`);
  return size;
}

export const srat: TableDef = {
  signature: "SRAT",
  name: "System Resource Affinity Table",
  fixed: struct("SRAT.fixed", "SRAT", [u32("Table Revision"), reserved("u64", "Reserved")]),
  subtables: { header: h, spec: (type) => sratSubtables[type], derived: sratDerived },
};


/** 36: where the SRAT's own "Table Revision" field sits, from the spec. */
export const SRAT_TABLE_REVISION_OFFSET = HEADER_SIZE + fieldOffset(srat.fixed, "tableRevision");
