/**
 * AML compiled at test time by iasl from test/fixtures/aml/*.asl: each form of _PXM and _SLI,
 * inheritance, nesting across DSDT and SSDT, a load-time If, and a truncated table.
 */
import { expect } from "chai";
import { readNamespace, type NamespaceDevice, type NamespaceReport } from "../../src/aml/index.js";
import { compileFixture, disassemble, withTmp } from "../helpers/aml.js";
import { requireProgram } from "../helpers/skip.js";
import { dslLocalityObjects } from "../helpers/dsl.js";

function dev(r: NamespaceReport, path: string): NamespaceDevice {
  const d = r.devices.find((x) => x.path === path);
  if (d === undefined) throw new Error(`no device ${path}; have ${r.devices.map((x) => x.path).join(" ")}`);
  return d;
}

describe("aml: iasl-compiled fixtures", function () {
  this.timeout(30_000);
  let dsdt: Uint8Array;
  let ssdt: Uint8Array;
  let r: NamespaceReport;
  before(function () {
    requireProgram(this, "iasl");
    dsdt = compileFixture("dsdt-numa");
    ssdt = compileFixture("ssdt-numa");
    r = readNamespace([{ signature: "DSDT", bytes: dsdt }, { signature: "SSDT", bytes: ssdt }]);
  });

  it("parses both tables without diagnostics", () => {
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.tables.map((t) => [t.label, t.pxmObjects, t.sliObjects])).to.deep.equal([["DSDT", 7, 2], ["SSDT", 2, 0]]);
  });

  it("Name(_PXM, n) is static, with decoded EISA _HID/_CID and _UID", () => {
    const d = dev(r, "\\_SB.PCI0");
    expect(d.pxm).to.include({ static: true, value: 1, table: "DSDT" });
    expect(d.pxm?.inheritedFrom).to.equal(undefined);
    expect(d.hid).to.include({ static: true, value: "PNP0A08" });
    expect(d.cids).to.deep.include({ static: true, value: ["PNP0A03"] });
    expect(d.uid).to.include({ static: true, value: 0 });
    expect(d.kind).to.equal("Device");
  });

  it("Method(_PXM){Return(n)} is static", () => {
    const d = dev(r, "\\_SB.PCI1");
    expect(d.pxm).to.include({ static: true, value: 2 });
    expect(d.hid).to.include({ value: "ACPI0016" });
    expect(d.uid).to.include({ value: 16 });
  });

  it("inherits _PXM from the nearest ancestor, also into devices an SSDT adds", () => {
    expect(dev(r, "\\_SB.PCI0.S00").pxm).to.include({ static: true, value: 1, inheritedFrom: "\\_SB.PCI0" });
    expect(dev(r, "\\_SB.PCI0.S00.NIC0").pxm).to.include({ value: 1, inheritedFrom: "\\_SB.PCI0" });
    const nic1 = dev(r, "\\_SB.PCI0.S00.NIC1");
    expect(nic1.table).to.equal("SSDT");
    expect(nic1.pxm).to.include({ value: 1, inheritedFrom: "\\_SB.PCI0", table: "DSDT" });
    expect(nic1.adr).to.include({ value: 1 });
    expect(dev(r, "\\_SB.CPUC.CPU0").pxm).to.include({ value: 0, inheritedFrom: "\\_SB.CPUC" });
  });

  it("an SSDT's own _PXM in a nested scope overrides the parent's", () => {
    const s01 = dev(r, "\\_SB.PCI0.S01");
    expect(s01.pxm).to.include({ static: true, value: 3, table: "SSDT" });
    expect(s01.adr).to.include({ value: 0x20000 });
  });

  it("reports a _PXM that calls a method, or branches, as dynamic with the reason", () => {
    const mem0 = dev(r, "\\_SB.MEM0");
    expect(mem0.pxm?.static).to.equal(false);
    expect(mem0.pxm).to.have.property("reason").that.matches(/result of method MPXM/);
    expect(mem0.uid).to.include({ value: "mem0" });
    expect(mem0.sta).to.include({ static: true, value: 15 });
    const pci2 = dev(r, "\\_SB.PCI2");
    expect(pci2.pxm).to.include({ static: false });
    expect(pci2.pxm).to.have.property("reason").that.matches(/If/);
  });

  it("a declaration under a load-time If is dynamic (conditional)", () => {
    const gpu = dev(r, "\\_SB.PCI1.GPU0");
    expect(gpu.pxm).to.include({ static: false });
    expect(gpu.pxm).to.have.property("reason").that.matches(/inside If at offset/);
    const obj = r.objects.find((o) => o.path === "\\_SB.PCI1.GPU0._PXM");
    expect(obj?.conditional).to.match(/^If at offset 0x/);
    expect(obj?.value).to.include({ static: true, value: 5 });
  });

  it("decodes _SLI as Name(Buffer): the spec's hot-added node 4", () => {
    const d = dev(r, "\\_SB.MEM1");
    expect(d.pxm).to.include({ value: 4 });
    expect(d.sli?.static).to.equal(true);
    if (d.sli?.static !== true) return;
    expect(d.sli.value).to.deep.equal({ bytes: [17, 21, 14, 23, 10, 17, 21, 14, 23, 10], localities: 5, row: [17, 21, 14, 23, 10], column: [17, 21, 14, 23, 10] });
  });

  it("decodes _SLI from a Method returning a Buffer", () => {
    const d = dev(r, "\\_SB.MEM2");
    expect(d.sli).to.deep.include({ static: true, value: { bytes: [20, 16, 10, 12, 20, 16, 10, 12], localities: 4, row: [20, 16, 10, 12], column: [20, 16, 10, 12] } });
  });

  it("decodes a _CID package of an EISA ID and a string", () => {
    expect(dev(r, "\\_SB.CPUC").cids).to.deep.include({ value: ["PNP0A05", "ACPI0010"] });
  });

  it("agrees with iasl -d on the fixtures' _PXM/_SLI objects", () => {
    withTmp((dir) => {
      for (const [label, bytes] of [["DSDT", dsdt], ["SSDT", ssdt]] as const) {
        const mine = r.objects.filter((o) => o.table === label).sort((a, b) => a.offset - b.offset)
          .map((o) => ({ name: o.name, kind: o.kind, value: o.value.static ? (typeof o.value.value === "number" ? o.value.value : o.value.value.bytes) : undefined }))
          .map((o) => (o.value === undefined ? { name: o.name, kind: o.kind } : o));
        expect(mine).to.deep.equal(dslLocalityObjects(disassemble(bytes, dir, label)));
      }
    });
  });

  it("checks _SLI against the SLIT size and the diagonal", () => {
    const withSlit = readNamespace([{ signature: "DSDT", bytes: dsdt }], { slitLocalities: 4 });
    expect(withSlit.diagnostics.map((d) => d.code)).to.deep.equal([]);
    const tooBig = readNamespace([{ signature: "DSDT", bytes: dsdt }], { slitLocalities: 8 });
    expect(tooBig.diagnostics.map((d) => d.code)).to.deep.equal(["AML_SLI_LENGTH", "AML_SLI_LENGTH"]);
  });

  it("survives every truncation of the DSDT, keeping what precedes the cut", () => {
    for (let cut = 0; cut <= dsdt.length; cut++) {
      const part = readNamespace([{ signature: "DSDT", bytes: dsdt.subarray(0, cut) }]);
      if (cut < dsdt.length) expect(part.diagnostics.length, `cut at ${cut}`).to.be.greaterThan(0);
    }
    const half = readNamespace([{ signature: "DSDT", bytes: dsdt.subarray(0, 0x110) }]);
    expect(half.diagnostics.map((d) => d.code)).to.include("AML_TABLE_TRUNCATED");
    expect(dev(half, "\\_SB.PCI0").pxm).to.include({ value: 1 });
    expect(dev(half, "\\_SB.PCI1").pxm).to.include({ value: 2 });
  });
});
