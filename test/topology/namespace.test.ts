import { expect } from "chai";
import { join } from "node:path";
import { decodeTable, readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { namespaceLocality } from "../../src/topology/namespace.js";
import { repoRoot } from "../helpers/paths.js";
import { compileFixture } from "../helpers/aml.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { hostTables } from "../helpers/numa-tables.js";
import { requireProgram } from "../helpers/skip.js";
import { amlBuffer, amlDevice, amlName, amlScope, amlString, encodeInt, encodeTable, pkgOp, seg } from "../aml/encoder.js";

const GiB = 1n << 30n;

describe("topology + AML namespace (_PXM, _SLI)", () => {
  it("samples/4node: root bridges, the memory device and the bridges' children land on their _PXM's node", async () => {
    const { tables } = await readTables([join(repoRoot, "samples", "4node")]);
    const t = analyse(tables).topology;
    expect(t.nodes.map((n) => n.devices.map((d) => d.path))).to.deep.equal([
      ["\\_SB.PCI0", "\\_SB.PCI0.GPU0", "\\_SB.CPU0"], ["\\_SB.PCI1", "\\_SB.PCI1.NIC0"], ["\\_SB.PCI2"], ["\\_SB.PCI3", "\\_SB.MEM3"],
    ]);
    expect(t.nodes[3]?.devices[1]?.hid).to.equal("PNP0C80");
    // The GPU has no _PXM of its own: it inherits its root bridge's (ACPI 6.5 §6.2.14).
    expect(t.nodes[0]?.devices[1]?.inheritedFrom).to.equal("\\_SB.PCI0");
    expect(t.nodes[0]?.devices[0]?.inheritedFrom).to.equal(undefined);
  });

  it("_PXM as Linux gets it: a String or Buffer repaired, an unrepairable one passed over for the parent's, Ones on no node", () => {
    // /tmp/hunt-aml t1/t3 through the topology: devices land where Linux's acpi_get_node() puts them.
    const body = amlScope([0x5c, ...seg("_SB")],
      amlDevice("P", amlName("_HID", amlString("PNP0A08")), amlName("_PXM", encodeInt(1n)),
        amlDevice("C", amlName("_ADR", encodeInt(0x10000n)), amlName("_PXM", pkgOp([0x12], [1], encodeInt(2n))))),
      amlDevice("S", amlName("_HID", amlString("ACPI0016")), amlName("_PXM", amlString("1"))),
      amlDevice("B", amlName("_HID", amlString("ACPI0016")), amlName("_PXM", amlBuffer(encodeInt(4n), [1, 0, 0, 0]))),
      amlDevice("O", amlName("_HID", amlString("ACPI0016")), amlName("_PXM", [0xff])),
      amlDevice("K", amlName("_HID", amlString("ACPI0016")), amlName("_PXM", pkgOp([0x12], [1], encodeInt(1n)))));
    const dsdt = decodeTable({ signature: "DSDT", bytes: encodeTable(body), source: { file: "test:DSDT" } });
    const host = { cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }], memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 4n * GiB, length: 4n * GiB }] };
    const a = analyse([...hostTables(host), dsdt]);
    expect(a.topology.nodes[1]?.devices.map((d) => [d.path, d.inheritedFrom])).to.deep.equal([
      ["\\_SB.P", undefined], ["\\_SB.P.C", "\\_SB.P"], ["\\_SB.S", undefined], ["\\_SB.B", undefined]]);
    expect(a.topology.unplacedDevices.map((d) => [d.path, d.pxm])).to.deep.equal([["\\_SB.O", 0xffffffff]]);
    // K's own _PXM is a Package and no ancestor has one: no node, and nothing computed at run time.
    expect(a.topology.dynamicPxmDevices).to.deep.equal([]);
    expect(a.validation.diagnostics.map((d) => d.code)).to.not.include("DEVICE_PXM_DYNAMIC");
  });

  it("07-hotplug-maxmem: the DIMM slots' _PXM is computed at run time, and the report says so", async function () {
    requireCorpus(this);
    const { tables } = await readTables([corpusPath("oracle", "07-hotplug-maxmem", "tables")]);
    const { topology, validation } = analyse(tables);
    expect(topology.dynamicPxmDevices.map((d) => d.path)).to.deep.equal(["\\_SB.MHPC.MP00", "\\_SB.MHPC.MP01", "\\_SB.MHPC.MP02", "\\_SB.MHPC.MP03"]);
    const codes = validation.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === "DEVICE_PXM_DYNAMIC").length).to.equal(1);
    expect(codes).to.include("MEMORY_HOTPLUG_PXM_RUNTIME");
  });

  it("_SLI rows and columns fill distances when there is no SLIT", function () {
    requireProgram(this, "iasl");
    const dsdt = decodeTable({ signature: "DSDT", bytes: compileFixture("dsdt-numa"), source: { file: "dsdt-numa.aml" } });
    const ns = namespaceLocality([dsdt]);
    expect(ns.sli.map((s) => s.pxm)).to.deep.equal([4, 2]);
    const host = hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 2, base: 0n, length: GiB }, { pxm: 4, base: GiB, length: GiB }] });
    const t = analyse([...host, dsdt]).topology;
    expect(t.distances.source).to.equal("_SLI");
    // PXM 4 (MEM1): row = column = 17 21 14 23 10; PXM 2 (MEM2): row = column = 20 16 10 12 (no entry for PXM 4).
    expect(t.nodes.map((n) => n.pxm)).to.deep.equal([0, 2, 4]);
    expect(t.distances.matrix).to.deep.equal([[10, 20, 17], [20, 10, 14], [17, 14, 10]]);
  });
});
