/**
 * The typed views (src/acpi/views.ts) read fields by key; these tests hold every key and kind
 * against the spec it claims to read, and the named flag bits and the Device Handle specs against
 * the structures they describe, so a renamed or retyped field fails here instead of reading
 * `undefined` at run time.
 */
import { expect } from "chai";
import { VIEWS, sratEntries, madtCpus, hmatEntries } from "../../src/acpi/views.js";
import { readView, defineView, type ViewDef } from "../../src/acpi/layout/view.js";
import { bit, bitNames, fieldOf, fieldOffset, staticSize, u8, type StructSpec } from "../../src/acpi/layout/types.js";
import { acpiDeviceHandleSpec, pciDeviceHandleSpec, sratSubtables, SRAT_MEMORY_FLAGS } from "../../src/acpi/tables/srat.js";
import { struct } from "../../src/acpi/tables/def.js";
import { decodeTable } from "../../src/acpi/decode.js";
import { printTable } from "../../src/acpi/print.js";
import { buildTable } from "../../src/acpi/encode.js";
import { tableDefs } from "../../src/acpi/tables/registry.js";
import { HEADER_OFFSET, HEADER_SIZE, headerSpec } from "../../src/acpi/tables/header.js";
import { SLIT_ENTRIES_OFFSET, SLIT_LOCALITIES_OFFSET } from "../../src/acpi/tables/slit.js";

/** Every way a view disagrees with its specs: a missing spec, a key the spec lacks, another kind. */
function mismatches(view: ViewDef): string[] {
  if (view.specs.length === 0) return [`${view.name} names no spec`];
  return view.specs.flatMap((spec) => Object.entries(view.shape).flatMap(([key, kind]) => {
    const field = spec.fields.find((f) => f.key === key);
    if (field === undefined) return [`${view.name}: ${spec.id} has no field ${key}`];
    return field.kind === kind ? [] : [`${view.name}: ${spec.id}.${key} is ${field.kind}, the view reads ${kind}`];
  }));
}

describe("typed views against their specs", () => {
  for (const [name, view] of Object.entries(VIEWS)) {
    it(`${name}: every key is a field of each spec it reads, with the same kind`, () => {
      expect(mismatches(view)).to.deep.equal([]);
    });
  }

  it("the check catches a misspelt key, a wrong kind and a missing spec", () => {
    const spec = struct("T", "test", [u8("Apic ID")]);
    expect(mismatches(defineView("bad", [spec], { apicID: "u8" }))).to.deep.equal(["bad: T has no field apicID"]);
    expect(mismatches(defineView("bad", [spec], { apicId: "u32" }))).to.deep.equal(["bad: T.apicId is u8, the view reads u32"]);
    expect(mismatches(defineView("bad", [], { apicId: "u8" }))).to.deep.equal(["bad names no spec"]);
  });

  it("readView returns undefined for an absent field or one of another kind, and the typed fields otherwise", () => {
    const view = defineView("t", [], { a: "u32", b: "u64" });
    expect(readView({ a: 1, b: 2n, c: 3 }, view)).to.deep.equal({ a: 1, b: 2n });
    expect(readView({ a: 1 }, view)).to.equal(undefined);
    expect(readView({ a: 1, b: 2 }, view)).to.equal(undefined);
  });
});

describe("named facts from the specs", () => {
  it("bitNames refuses a name that is not the bit's key", () => {
    expect(() => bitNames({ hotplug: bit(1, "Hot Pluggable") })).to.throw(/hotPluggable/);
  });

  it("the memory flags the topology reads are the bits the SRAT spec prints", () => {
    const flags = fieldOf(sratSubtables[1] as StructSpec, "flags");
    expect(flags.bits).to.deep.equal(Object.values(SRAT_MEMORY_FLAGS));
    expect(SRAT_MEMORY_FLAGS.hotPluggable.shift).to.equal(1);
  });

  it("the Device Handle specs are 16 bytes, the size of the SRAT field they read", () => {
    for (const type of [5, 6]) {
      const field = fieldOf(sratSubtables[type] as StructSpec, "deviceHandle");
      expect(staticSize(acpiDeviceHandleSpec)).to.equal(field.size);
      expect(staticSize(pciDeviceHandleSpec)).to.equal(field.size);
    }
    expect(fieldOffset(acpiDeviceHandleSpec, "reserved")).to.equal(12);
    expect(fieldOffset(pciDeviceHandleSpec, "reserved")).to.equal(4);
  });

  it("offsets derived from the specs are the ACPI ones", () => {
    expect([HEADER_SIZE, HEADER_OFFSET.tableLength, HEADER_OFFSET.revision, HEADER_OFFSET.checksum]).to.deep.equal([36, 4, 8, 9]);
    expect([SLIT_LOCALITIES_OFFSET, SLIT_ENTRIES_OFFSET]).to.deep.equal([36, 44]);
    expect(() => fieldOffset(headerSpec, "nope")).to.throw(/no field nope/);
  });
});

describe("views over tables built by the encoder", () => {
  const header = { revision: 3, oemId: "NUMAKT", oemTableId: "VIEWTEST", oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1 };
  const def = (sig: string) => {
    const d = tableDefs.get(sig);
    if (d === undefined) throw new Error(sig);
    return d;
  };

  it("SRAT: flags, the PCI and ACPI device handles and the memory entry read by name", () => {
    const pciHandle = new Uint8Array(16); pciHandle.set([0x01, 0x00, 0x3a, (0x1f << 3) | 5]);
    const acpiHandle = new Uint8Array(16); acpiHandle.set([...Buffer.from("ACPI0016"), 7, 0, 0, 0]);
    const generic = (handleType: number, handle: Uint8Array) => ({ type: 5, values: { reserved1: 0, deviceHandleType: handleType, proximityDomain: 2, deviceHandle: handle, flags: 3, reserved2: 0 } });
    const t = decodeTable({ signature: "SRAT", source: { file: "built" }, bytes: buildTable(def("SRAT"), { header, fixed: { tableRevision: 1, reserved: 0n }, subtables: [
      { type: 1, values: { proximityDomain: 1, reserved1: 0, baseAddress: 0x1000n, addressLength: 0x2000n, reserved2: 0, flags: 0b1011, reserved3: 0n } },
      generic(1, pciHandle), generic(0, acpiHandle),
    ] }) });
    const entries = sratEntries(t);
    expect(entries.map((e) => e.type)).to.deep.equal([1, 5, 5]);
    const mem = entries[0];
    if (mem?.type !== 1) throw new Error("memory entry");
    expect([mem.proximityDomain, mem.baseAddress, mem.addressLength, mem.declaredLength, mem.at.offset]).to.deep.equal([1, 0x1000n, 0x2000n, 40, 48]);
  });

  it("MADT: enabled and online-capable come from each type's own flag names", () => {
    const t = decodeTable({ signature: "APIC", source: { file: "built" }, bytes: buildTable(def("APIC"), { header, fixed: { localApicAddress: 0xfee00000, flags: 0 }, subtables: [
      { type: 0, values: { processorId: 0, localApicId: 0, flags: 0b10 } },
      { type: 0x0b, values: { reserved: 0, cpuInterfaceNumber: 0, processorUid: 4, flags: 0b1000, parkingProtocolVersion: 0, performanceInterrupt: 0, parkedAddress: 0n, baseAddress: 0n, virtualGicBaseAddress: 0n, hypervisorGicBaseAddress: 0n, virtualGicInterrupt: 0, redistributorBaseAddress: 0n, armMpidr: 0n, efficiencyClass: 0, reserved2: 0, speOverflowInterrupt: 0, trbeInterrupt: 0 } },
    ] }) });
    expect(madtCpus(t).map((c) => [c.type, c.enabled, c.onlineCapable, c.uid])).to.deep.equal([[0, false, true, 0], [0x0b, false, true, 4]]);
  });

  it("MADT CORE_PIC and RINTC print ACPICA's names and labels (dmtable.c AcpiDmMadtSubnames, dmtbinfo2.c Madt17/Madt24) and keep their JSON keys", () => {
    const t = decodeTable({ signature: "APIC", source: { file: "built" }, bytes: buildTable(def("APIC"), { header, fixed: { localApicAddress: 0, flags: 0 }, subtables: [
      { type: 0x11, values: { version: 1, processorId: 2, coreId: 3, flags: 1 } },
      { type: 0x18, values: { version: 1, reserved: 0, flags: 1, hartId: 5n, processorUid: 6, externalInterruptControllerId: 7, imsicBase: 0x28000000n, imsicSize: 0x1000 } },
    ] }) });
    const labels = (text: string) => [...text.matchAll(/\] +([A-Za-z][^:]*?) : /g)].map((m) => m[1]);
    const printed = printTable(t);
    expect(printed).to.contain("Subtable Type : 11 [CPU Core Interrupt Controller]").and.to.contain("Subtable Type : 18 [RISC-V Interrupt Controller]");
    expect(labels(printed)).to.include.members(["ProcessorId", "CoreId", "HartId", "Uid", "ExtIntcId", "ImsicAddr", "ImsicSize"]);
    expect(madtCpus(t).map((c) => [c.type, c.matchId, c.uid])).to.deep.equal([[0x11, 3, 2], [0x18, 6, 6]]);
  });

  it("HMAT revision 1: the attached initiator is the Processor Proximity Domain, valid by flag bit 0; memory valid by bit 1", () => {
    const bytes = buildTable(def("HMAT"), { header: { ...header, revision: 1 }, fixed: { reserved: 0 }, subtables: [
      { type: 0, values: { reserved: 0, flags: 0b01, reserved1: 0, processorProximityDomain: 3, memoryProximityDomain: 4, reserved2: 0, physicalAddressRangeBase: 0n, physicalAddressRangeSize: 0n } },
    ] });
    const [e] = hmatEntries(decodeTable({ signature: "HMAT", source: { file: "built" }, bytes }));
    expect(e).to.include({ type: 0, attachedInitiatorProximityDomain: 3, memoryProximityDomain: 4, initiatorValid: true, memoryValid: false });
  });
});
