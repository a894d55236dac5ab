/**
 * HMAT, Heterogeneous Memory Attribute Table (ACPI 6.5 §5.2.28), revisions 1 and 2.
 * Subtable header: u16 type, u16 reserved, u32 length; subtables are not aligned.
 */
import { array, bit, bitNames, flags, reserved, u16, u32, u64, u8, type StructSpec, impliedSize, staticSize } from "../layout/types.js";
import { struct, subtable, type TableDef } from "./def.js";

export const hmatSubtableHeader = struct("HMAT.header", "HMAT structure header", [
  u16("Structure Type", { key: "type", role: "type" }),
  reserved("u16", "Reserved"),
  u32("Length", { role: "length" }),
]);
const h = hmatSubtableHeader;

export const HMAT_DATA_TYPES: Readonly<Record<number, string>> = {
  0: "Access Latency", 1: "Read Latency", 2: "Write Latency",
  3: "Access Bandwidth", 4: "Read Bandwidth", 5: "Write Bandwidth",
};

/** Flag bits of Memory Proximity Domain Attributes (type 0), revision 2, and revision 1 (ACPI 6.2). */
export const HMAT_MEMORY_FLAGS = bitNames({ processorProximityDomainValid: bit(0, "Processor Proximity Domain Valid") });
export const HMAT_REV1_MEMORY_FLAGS = bitNames({
  processorProximityDomainValid: bit(0, "Processor Proximity Domain Valid"), memoryProximityDomainValid: bit(1, "Memory Proximity Domain Valid"),
  reservationHint: bit(2, "Reservation Hint"),
});
/** Flag bits of System Locality Latency and Bandwidth Information (type 1). */
export const HMAT_LOCALITY_FLAGS = bitNames({
  memoryHierarchy: bit(0, "Memory Hierarchy", 4), useMinimumTransferSize: bit(4, "Use Minimum Transfer Size"), nonSequentialTransfers: bit(5, "Non-sequential Transfers"),
});
/** Cache Attributes of Memory Side Cache Information (type 2). */
export const HMAT_CACHE_ATTRIBUTES = bitNames({
  totalCacheLevels: bit(0, "Total Cache Levels", 4), cacheLevel: bit(4, "Cache Level", 4), cacheAssociativity: bit(8, "Cache Associativity", 4),
  writePolicy: bit(12, "Write Policy", 4), cacheLineSize: bit(16, "Cache Line Size", 16, 4),
});

export const hmatSubtables: Record<number, StructSpec> = {
  0: subtable(h, "HMAT.0", "Memory Proximity Domain Attributes", [
    flags("u16", "Flags", Object.values(HMAT_MEMORY_FLAGS)),
    reserved("u16", "Reserved1"),
    u32("Attached Initiator Proximity Domain"),
    u32("Memory Proximity Domain"),
    reserved("u32", "Reserved2"),
    reserved("u64", "Reserved3"),
    reserved("u64", "Reserved4"),
  ]),
  1: subtable(h, "HMAT.1", "System Locality Latency and Bandwidth Information", [
    flags("u8", "Flags", Object.values(HMAT_LOCALITY_FLAGS)),
    u8("Data Type", { names: HMAT_DATA_TYPES }),
    u8("Minimum Transfer Size"),
    reserved("u8", "Reserved1"),
    u32("Initiator Proximity Domains #", { key: "initiatorProximityDomainsCount" }),
    u32("Target Proximity Domains #", { key: "targetProximityDomainsCount" }),
    reserved("u32", "Reserved2"),
    u64("Entry Base Unit", { jsonNumber: true }),
    array("Initiator Proximity Domain List", "u32", (v) => v["initiatorProximityDomainsCount"] as number, { key: "initiatorProximityDomainList" }),
    array("Target Proximity Domain List", "u32", (v) => v["targetProximityDomainsCount"] as number, { key: "targetProximityDomainList" }),
    array("Entry", "u16", (v) => (v["initiatorProximityDomainsCount"] as number) * (v["targetProximityDomainsCount"] as number), { key: "entries" }),
  ]),
  2: subtable(h, "HMAT.2", "Memory Side Cache Information", [
    u32("Memory Proximity Domain"),
    reserved("u32", "Reserved1"),
    u64("Memory Side Cache Size"),
    flags("u32", "Cache Attributes", Object.values(HMAT_CACHE_ATTRIBUTES), { reservedMask: 0 }),
    // "Address Mode" since ACPI 6.5 errata (ACPICA 2024-08); iasl 20200925 calls it Reserved2.
    u16("Address Mode"),
    u16("SMBIOS Handle #", { key: "smbiosHandleCount" }),
    array("SMBIOS Handle", "u16", (v) => v["smbiosHandleCount"] as number, { key: "smbiosHandles" }),
  ]),
};

/**
 * HMAT revision 1 (ACPI 6.2) type 0, "Memory Subsystem Address Range": ACPI 6.3 (revision 2) turned
 * its address range and flag bits 1-2 into reserved fields. Same size and offsets; labels from
 * ACPICA's pre-6.3 dmtbinfo. Linux (drivers/acpi/numa/hmat.c, hmat_parse_proximity_domain) also
 * reads these flags by revision.
 */
export const hmatRev1Type0 = subtable(h, "HMAT.0.rev1", "Memory Subsystem Address Range", [
  flags("u16", "Flags", Object.values(HMAT_REV1_MEMORY_FLAGS)),
  reserved("u16", "Reserved1"),
  u32("Processor Proximity Domain"),
  u32("Memory Proximity Domain"),
  reserved("u32", "Reserved2"),
  u64("Physical Address Range Base"),
  u64("Physical Address Range Size"),
]);

/** Lengths the ACPI spec requires of HMAT structures, derived from the specs above. */
export const HMAT_ATTRIBUTES_LENGTH = staticSize(hmatSubtables[0] as StructSpec);
export function hmatLocalityLength(initiators: number, targets: number): number {
  return impliedSize(hmatSubtables[1] as StructSpec, { initiatorProximityDomainsCount: initiators, targetProximityDomainsCount: targets });
}
export function hmatCacheLength(smbiosHandles: number): number {
  return impliedSize(hmatSubtables[2] as StructSpec, { smbiosHandleCount: smbiosHandles });
}

export const hmat: TableDef = {
  signature: "HMAT",
  name: "Heterogeneous Memory Attributes Table",
  fixed: struct("HMAT.fixed", "HMAT", [reserved("u32", "Reserved")]),
  subtables: { header: h, spec: (type, { revision }) => (type === 0 && revision === 1 ? hmatRev1Type0 : hmatSubtables[type]) },
};
