/**
 * MADT, Multiple APIC Description Table (signature "APIC"; ACPI 6.6 §5.2.12). Every type of
 * ACPI 6.6 is described: the processor-bearing ones (Local APIC, Local SAPIC, x2APIC, GICC,
 * LoongArch CORE_PIC, RISC-V RINTC) and the interrupt controllers, with ACPICA's labels
 * (dmtbinfo2.c); anything else (GICv5, OEM types) is kept raw by the walker.
 */
import { bit, bitNames, flags, reserved, restString, u16, u32, u64, u8, type FieldSpec, type StructSpec } from "../layout/types.js";
import { struct, subtable, type TableDef } from "./def.js";

export const madtSubtableHeader = struct("APIC.header", "MADT subtable header", [
  u8("Subtable Type", { key: "type", role: "type" }),
  u8("Length", { role: "length" }),
]);
const h = madtSubtableHeader;

const intiFlags = flags("u16", "Flags", [bit(0, "Polarity", 2), bit(2, "Trigger Mode", 2)]);
/** Flag bits of the processor structures, by name: what decides whether a CPU is usable or can come online. */
export const MADT_LAPIC_FLAGS = bitNames({ processorEnabled: bit(0, "Processor Enabled"), runtimeOnlineCapable: bit(1, "Runtime Online Capable") });
export const MADT_GICC_FLAGS = bitNames({
  processorEnabled: bit(0, "Processor Enabled"), performanceInterruptTriggerMode: bit(1, "Performance Interrupt Trigger Mode"),
  virtualGicInterruptTriggerMode: bit(2, "Virtual GIC Interrupt Trigger Mode"), onlineCapable: bit(3, "Online Capable"), gicrNonCoherent: bit(4, "GICR non-coherent"),
});
export const MADT_CORE_PIC_FLAGS = bitNames({ enabled: bit(0, "Enabled") });
export const MADT_RINTC_FLAGS = bitNames({ processorEnabled: bit(0, "Processor Enabled"), onlineCapable: bit(1, "Online Capable") });
const lapicFlags = Object.values(MADT_LAPIC_FLAGS);

/** ACPICA's run-together labels of the LoongArch and RISC-V types ("MsgAddress") keep their camel case as JSON keys ("msgAddress"). */
const camel = (label: string): { key: string } => ({ key: label.charAt(0).toLowerCase() + label.slice(1) });
const u8c = (label: string): FieldSpec => u8(label, camel(label));
const u16c = (label: string): FieldSpec => u16(label, camel(label));
const u32c = (label: string): FieldSpec => u32(label, camel(label));
const u64c = (label: string): FieldSpec => u64(label, camel(label));

export const madtSubtables: Record<number, StructSpec> = {
  0x00: subtable(h, "APIC.0", "Processor Local APIC", [
    u8("Processor ID"), u8("Local Apic ID"), flags("u32", "Flags", lapicFlags),
  ]),
  0x01: subtable(h, "APIC.1", "I/O APIC", [
    u8("I/O Apic ID"), reserved("u8", "Reserved"), u32("Address"), u32("Interrupt"),
  ]),
  0x02: subtable(h, "APIC.2", "Interrupt Source Override", [
    u8("Bus"), u8("Source"), u32("Interrupt"), intiFlags,
  ]),
  0x03: subtable(h, "APIC.3", "NMI Source", [intiFlags, u32("Interrupt")]),
  0x04: subtable(h, "APIC.4", "Local APIC NMI", [u8("Processor ID"), intiFlags, u8("Interrupt Input LINT")]),
  0x05: subtable(h, "APIC.5", "Local APIC Address Override", [reserved("u16", "Reserved"), u64("APIC Address")]),
  0x06: subtable(h, "APIC.6", "I/O SAPIC", [
    u8("I/O Sapic ID"), reserved("u8", "Reserved"), u32("Interrupt Base"), u64("Address"),
  ]),
  // Length is 16 plus the UID string with its NUL (ACPI 3.0 added Processor UID and the string).
  0x07: subtable(h, "APIC.7", "Local SAPIC", [
    u8("Processor ID"), u8("Local Sapic ID"), u8("Local Sapic EID"), reserved("u24", "Reserved"),
    flags("u32", "Flags", lapicFlags), u32("Processor UID"), restString("Processor UID String"),
  ]),
  0x08: subtable(h, "APIC.8", "Platform Interrupt Sources", [
    intiFlags, u8c("InterruptType"), u8("Processor ID"), u8("Processor EID"), u8("I/O Sapic Vector"), u32("Interrupt"),
    flags("u32", "Flags", [bit(0, "CPEI Override")]),
  ]),
  0x09: subtable(h, "APIC.9", "Processor Local x2APIC", [
    reserved("u16", "Reserved"), u32("Processor x2Apic ID", { key: "x2apicId" }),
    flags("u32", "Flags", lapicFlags), u32("Processor UID"),
  ]),
  0x0a: subtable(h, "APIC.10", "Local x2APIC NMI", [
    intiFlags, u32("Processor UID"), u8("Interrupt Input LINT"), reserved("u24", "Reserved"),
  ]),
  0x0b: subtable(h, "APIC.11", "Generic Interrupt Controller", [
    reserved("u16", "Reserved"),
    u32("CPU Interface Number"),
    u32("Processor UID"),
    flags("u32", "Flags", Object.values(MADT_GICC_FLAGS)),
    u32("Parking Protocol Version"),
    u32("Performance Interrupt"),
    u64("Parked Address"),
    u64("Base Address"),
    u64("Virtual GIC Base Address"),
    u64("Hypervisor GIC Base Address"),
    u32("Virtual GIC Interrupt"),
    u64("Redistributor Base Address"),
    u64("ARM MPIDR"),
    u8("Efficiency Class"),
    reserved("u8", "Reserved"),
    u16("SPE Overflow Interrupt"),
    // MADT revision 6 (ACPI 6.5) appends the TRBE interrupt; older GICC entries are 80 bytes.
    u16("TRBE Interrupt"),
  ]),
  0x0c: subtable(h, "APIC.12", "Generic Interrupt Distributor", [
    reserved("u16", "Reserved"), u32("Local GIC Hardware ID"), u64("Base Address"), u32("Interrupt Base"),
    u8("Version"), reserved("u24", "Reserved"),
  ]),
  0x0d: subtable(h, "APIC.13", "Generic MSI Frame", [
    reserved("u16", "Reserved"), u32("MSI Frame ID"), u64("Base Address"),
    flags("u32", "Flags", [bit(0, "Select SPI")]), u16("SPI Count"), u16("SPI Base"),
  ]),
  0x0e: subtable(h, "APIC.14", "Generic Interrupt Redistributor", [
    reserved("u16", "Reserved"), u64("Base Address"), u32("Length", { key: "regionLength" }),
  ]),
  0x0f: subtable(h, "APIC.15", "Generic Interrupt Translator", [
    reserved("u16", "Reserved"), u32("Translation ID"), u64("Base Address"), reserved("u32", "Reserved"),
  ]),
  // ACPI 6.4 (Intel TDX guests): 16 bytes; ACPI 6.6 appends the ResetVector.
  0x10: subtable(h, "APIC.16", "Multiprocessor Wakeup", [
    u16("Mailbox Version"), reserved("u32", "Reserved"), u64("Mailbox Address"), u64c("ResetVector"),
  ]),
  // ACPICA's name and run-together labels (AcpiDmMadtSubnames, AcpiDmTableInfoMadt17); the keys
  // were already the camel case of them. The flags are decoded, which iasl does not do.
  0x11: subtable(h, "APIC.17", "CPU Core Interrupt Controller", [
    u8("Version"), u32c("ProcessorId"), u32c("CoreId"), flags("u32", "Flags", Object.values(MADT_CORE_PIC_FLAGS)),
  ]),
  0x12: subtable(h, "APIC.18", "Legacy I/O Interrupt Controller", [
    u8c("Version"), u64c("Address"), u16c("Size"), u16c("Cascade"), u64c("CascadeMap"),
  ]),
  0x13: subtable(h, "APIC.19", "HT Interrupt Controller", [u8c("Version"), u64c("Address"), u16c("Size"), u64c("Cascade")]),
  0x14: subtable(h, "APIC.20", "Extend I/O Interrupt Controller", [u8c("Version"), u8c("Cascade"), u8c("Node"), u64c("NodeMap")]),
  0x15: subtable(h, "APIC.21", "MSI Interrupt Controller", [u8c("Version"), u64c("MsgAddress"), u32c("Start"), u32c("Count")]),
  0x16: subtable(h, "APIC.22", "Bridge I/O Interrupt Controller", [
    u8c("Version"), u64c("Address"), u16c("Size"), u16c("Id"), u16c("GsiBase"),
  ]),
  0x17: subtable(h, "APIC.23", "LPC Interrupt Controller", [u8c("Version"), u64c("Address"), u16c("Size"), u8c("Cascade")]),
  0x18: subtable(h, "APIC.24", "RISC-V Interrupt Controller", [
    u8("Version"), reserved("u8", "Reserved"),
    flags("u32", "Flags", Object.values(MADT_RINTC_FLAGS)),
    // ACPICA's labels (AcpiDmTableInfoMadt24) with the JSON keys numakit has always used.
    u64c("HartId"), u32("Uid", { key: "processorUid" }), u32("ExtIntcId", { key: "externalInterruptControllerId" }),
    u64("ImsicAddr", { key: "imsicBase" }), u32c("ImsicSize"),
  ]),
  0x19: subtable(h, "APIC.25", "RISC-V Incoming MSI Controller", [
    u8c("Version"), reserved("u8", "Reserved"), u32c("Flags"), u16c("NumIds"), u16c("NumGuestIds"),
    u8c("GuestIndexBits"), u8c("HartIndexBits"), u8c("GroupIndexBits"), u8c("GroupIndexShift"),
  ]),
  0x1a: subtable(h, "APIC.26", "RISC-V APLIC Controller", [
    u8c("Version"), u8c("Id"), u32c("Flags"), u64c("HwId"), u16c("NumIdcs"), u16c("NumSources"),
    u32c("GsiBase"), u64c("BaseAddr"), u32c("Size"),
  ]),
  0x1b: subtable(h, "APIC.27", "RISC-V PLIC Controller", [
    u8c("Version"), u8c("Id"), u64c("HwId"), u16c("NumIrqs"), u16c("MaxPrio"), u32c("Flags"), u32c("Size"),
    u64c("BaseAddr"), u32c("GsiBase"),
  ]),
};

/**
 * Oldest lengths of structures that grew: GICC was 76 bytes in ACPI 5.1 and 80 in 6.0-6.4; the
 * Multiprocessor Wakeup 16 in ACPI 6.4-6.5; the Local SAPIC 12 before ACPI 3.0 gave it a UID.
 */
const oldestLength: Record<number, number> = { 0x0b: 76, 0x10: 16, 0x07: 12 };

export const madt: TableDef = {
  signature: "APIC",
  name: "Multiple APIC Description Table (MADT)",
  fixed: struct("APIC.fixed", "MADT", [u32("Local Apic Address"), flags("u32", "Flags", [bit(0, "PC-AT Compatibility")])]),
  subtables: {
    header: h,
    spec: (type) => madtSubtables[type],
    minLength: (type) => oldestLength[type] ?? 0,
  },
};
