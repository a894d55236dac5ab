/** Parser and evaluator behaviour on hand-written AML: recovery, limits, static vs dynamic. */
import { expect } from "chai";
import { readNamespace, type NamespaceDevice, type NamespaceReport } from "../../src/aml/index.js";
import { MAX_DEPTH } from "../../src/aml/parser.js";
import { printNamespace } from "../../src/aml/print.js";
import { schemaErrors } from "../helpers/schema.js";
import { MAX_NAMESPACE_DEPTH, MAX_NAMESPACE_NODES, Namespace } from "../../src/aml/namespace.js";
import {
  amlBuffer, amlDevice, amlElse, amlIf, amlMethod, amlName, amlReturn, amlScope, amlString, encodeInt, encodeTable, pkgOp, seg,
} from "./encoder.js";

const read = (body: number[][], revision = 2, signature = "DSDT"): NamespaceReport =>
  readNamespace([{ signature, bytes: encodeTable(body.flat(), signature, revision) }]);

function dev(r: NamespaceReport, path: string): NamespaceDevice {
  const d = r.devices.find((x) => x.path === path);
  if (d === undefined) throw new Error(`no ${path} in ${r.devices.map((x) => x.path).join(" ")}`);
  return d;
}

const codes = (r: NamespaceReport): string[] => r.diagnostics.map((d) => d.code);
const reason = (v: { static: boolean } | undefined): string => (v !== undefined && "reason" in v ? String(v.reason) : "");
const SB = [0x5c, ...seg("_SB")];

describe("aml: parser recovery and limits", () => {
  it("skips the rest of the enclosing object at an unknown opcode and carries on", () => {
    const r = read([amlScope(SB,
      amlDevice("DEV0", amlName("_PXM", encodeInt(1n)), [0x02, 0x03], amlName("_UID", encodeInt(5n))),
      amlDevice("DEV1", amlName("_PXM", encodeInt(2n))))]);
    expect(codes(r)).to.deep.equal(["AML_UNKNOWN_OPCODE"]);
    expect(r.diagnostics[0]?.message).to.match(/unknown opcode 0x02; skipped the rest of the enclosing object/);
    expect(dev(r, "\\_SB.DEV0").pxm).to.include({ value: 1 });
    expect(dev(r, "\\_SB.DEV0").uid).to.equal(undefined);
    expect(dev(r, "\\_SB.DEV1").pxm).to.include({ value: 2 });
  });

  it("reports unknown extended opcodes", () => {
    const r = read([amlDevice("DEV0", [0x5b, 0x77])]);
    expect(r.diagnostics[0]?.message).to.match(/0x5B 0x77/);
  });

  it("caps nesting depth without exhausting the stack", () => {
    let body: number[] = amlName("_PXM", encodeInt(3n));
    for (let i = 0; i < MAX_DEPTH + 10; i++) body = amlDevice(`D${(i % 1000).toString().padStart(3, "0")}`, body);
    const r = read([body]);
    expect(codes(r)).to.include("AML_TOO_DEEP");
    expect(r.devices.length).to.be.greaterThan(100);
  });

  it("caps namespace depth: nested scopes with 255-segment names stay bounded and do not overflow the stack", () => {
    // Each Scope names a 255-segment path (MultiNamePrefix), so 80 of them (~80 KiB) build
    // a chain 20 000 nodes deep: before the cap, _PXM inheritance recursed that deep (RangeError)
    // and every device path cost the whole chain.
    const multi = (level: number): number[] => [0x2f, 255, ...Array.from({ length: 255 }, (_, i) => seg(`S${((level * 255 + i) % 1000).toString().padStart(3, "0")}`)).flat()];
    let body: number[] = amlDevice("DEV0", amlName("_UID", encodeInt(1n)));
    for (let level = 79; level >= 0; level--) body = amlScope(multi(level), body);
    const r = read([amlScope(SB, amlName("_PXM", encodeInt(2n)), body)]);
    // Counted, not timed: the chain stops at the cap, so the namespace holds a few hundred nodes
    // (not 20 000) and every walk up a path (the _PXM inheritance) costs at most the cap.
    expect([...r.namespace.walk()].length).to.be.at.most(MAX_NAMESPACE_DEPTH + 16);
    expect(codes(r)).to.include("AML_TOO_DEEP");
    expect(Math.max(...[...r.namespace.walk()].map((n) => n.depth))).to.be.at.most(MAX_NAMESPACE_DEPTH);
    expect(r.diagnostics.find((d) => d.code === "AML_TOO_DEEP")?.message).to.match(/namespace path deeper than 256 segments/);
  });

  it("stops loading at the namespace's name limit: one AML_NAMESPACE_FULL, later tables not read", () => {
    // (A 5.6 MB DSDT of 400 000 devices was 0.93 GB before MAX_NAMESPACE_NODES.) A limit of 40
    // names: the 5 predefined scopes, \\SA, then 2 a device (itself and its _PXM): 17 devices fit.
    const devices = Array.from({ length: 30 }, (_, i) => amlDevice(`D${String(i).padStart(3, "0")}`, amlName("_PXM", encodeInt(BigInt(2 + (i % 2))))));
    const dsdt = encodeTable(amlScope(seg("SA"), ...devices));
    const ssdt = encodeTable(amlDevice("LATE", amlName("_PXM", encodeInt(1n))), "SSDT");
    const r = readNamespace([{ signature: "DSDT", bytes: dsdt }, { signature: "SSDT", bytes: ssdt }], { maxNames: 40 });
    expect(r.namespace.size).to.equal(40);
    expect(r.diagnostics.map((d) => `${d.table}:${d.code}`)).to.deep.equal(["DSDT:AML_NAMESPACE_FULL"]);
    expect(r.diagnostics[0]?.message).to.equal("more than 40 names in the namespace: loading stopped here, the rest of this table is not read; the tables after it are not read");
    expect(r.devices.map((d) => d.path)).to.deep.equal(Array.from({ length: 17 }, (_, i) => `\\SA.D${String(i).padStart(3, "0")}`));
    expect(r.devices.slice(0, 17).map((d) => (d.pxm !== undefined && "value" in d.pxm ? d.pxm.value : undefined))).to.deep.equal(Array.from({ length: 17 }, (_, i) => 2 + (i % 2)));
    // The default is the module's limit; the last table of a set does not speak of later ones.
    expect(new Namespace().maxNodes).to.equal(MAX_NAMESPACE_NODES);
    const last = readNamespace([{ signature: "DSDT", bytes: dsdt }], { maxNames: 40 });
    expect(last.diagnostics[0]?.message).to.equal("more than 40 names in the namespace: loading stopped here, the rest of this table is not read");
  });

  it("clamps a package that overruns its parent, with a warning", () => {
    const inner = amlDevice("DEV1", amlName("_PXM", encodeInt(1n)));
    inner[2] = 0x3f; // claim a longer package than DEV0 holds
    const r = read([amlDevice("DEV0", inner)]);
    expect(codes(r)).to.include("AML_PKG_OVERRUN");
    expect(dev(r, "\\DEV0.DEV1").pxm).to.include({ value: 1 });
  });

  it("reports tables too short for a header and lying header lengths", () => {
    expect(codes(readNamespace([{ signature: "DSDT", bytes: new Uint8Array(10) }]))).to.deep.equal(["AML_TABLE_SHORT"]);
    const t = encodeTable(amlName("ABCD", encodeInt(1n)));
    const short = t.slice();
    short[4] = 8; short[5] = 0;
    expect(codes(readNamespace([{ signature: "DSDT", bytes: short }]))).to.deep.equal(["AML_TABLE_LENGTH"]);
    const long = t.slice();
    long[4] = 200;
    expect(codes(readNamespace([{ signature: "DSDT", bytes: long }]))).to.deep.equal(["AML_TABLE_TRUNCATED"]);
    const padded = new Uint8Array([...t, 0xff, 0xff]);
    expect(codes(readNamespace([{ signature: "DSDT", bytes: padded }]))).to.deep.equal([]);
  });

  it("parses Field lists, OperationRegions, Mutex/Event, Alias, External and Processor objects", () => {
    const opRegion = [0x5b, 0x80, ...seg("GNVS"), 0x00, ...encodeInt(0x1000n), ...encodeInt(0x10n)];
    const field = pkgOp([0x5b, 0x81], seg("GNVS"), [0x01], seg("PXMF"), [0x08], [0x00, 0x08], [0x01, 0x00, 0x00], [0x03, 0x00, 0x00, 0x00], seg("CLOD"), [0x08]);
    const mutex = [0x5b, 0x01, ...seg("MUT0"), 0x00];
    const event = [0x5b, 0x02, ...seg("EVT0")];
    const external = [0x15, 0x5c, ...seg("EXTM"), 8, 2];
    const processor = pkgOp([0x5b, 0x83], seg("CPU0"), [0x00, 0x10, 0x04, 0x00, 0x00, 0x06], amlName("_PXM", encodeInt(7n)));
    const r = read([opRegion, field, mutex, event, external, processor,
      amlDevice("DEV0", [0x06, ...seg("PXMF"), ...seg("_PXM")]),
      amlDevice("DEV1", amlMethod("_PXM", 0, amlReturn([0x5c, ...seg("EXTM"), ...encodeInt(1n), ...encodeInt(2n)]))),
      [0x15, 0x5c, 0x2e, ...seg("DEV2"), ...seg("_PXM"), 0, 0]]);
    expect(codes(r)).to.deep.equal([]);
    expect(r.namespace.lookup(r.namespace.root, { absolute: true, parents: 0, segments: ["CLOD"] })?.kind).to.equal("Field");
    expect(r.namespace.lookup(r.namespace.root, { absolute: true, parents: 0, segments: ["MUT0"] })?.kind).to.equal("Mutex");
    expect(dev(r, "\\CPU0")).to.deep.include({ kind: "Processor" });
    expect(dev(r, "\\CPU0").pxm).to.include({ value: 7 });
    expect(reason(dev(r, "\\DEV0").pxm)).to.match(/field unit/);
    expect(reason(dev(r, "\\DEV1").pxm)).to.match(/result of method \\EXTM/);
    const ext = r.objects.find((o) => o.path === "\\DEV2._PXM");
    expect(ext).to.equal(undefined);
  });
});

describe("aml: static vs dynamic values", () => {
  const pxmOf = (body: number[][]): string => reason(dev(read([amlDevice("DEV0", ...body)]), "\\DEV0").pxm);

  it("explains what makes a _PXM method dynamic", () => {
    expect(pxmOf([amlMethod("_PXM", 0, amlReturn([0x60]))])).to.match(/Local0/);
    expect(pxmOf([amlMethod("_PXM", 1, amlReturn([0x68]))])).to.match(/Arg0/);
    expect(pxmOf([amlMethod("_PXM", 0, amlReturn([0x72, 0x01, 0x01, 0x00]))])).to.match(/computed at run time \(Add\)/);
    expect(pxmOf([amlName("PX00", encodeInt(1n)), amlMethod("_PXM", 0, amlReturn(seg("PX00")))])).to.match(/returns PX00/);
    expect(pxmOf([amlMethod("_PXM", 0, amlReturn([0x5b, 0x30]))])).to.match(/Revision/);
    expect(pxmOf([amlMethod("_PXM", 0)])).to.match(/empty/);
    expect(pxmOf([amlMethod("_PXM", 0, [0x70, 0x01, 0x60], amlReturn([0x60]))])).to.match(/runs Store/);
    expect(pxmOf([amlMethod("_PXM", 0, [0x02])])).to.match(/malformed/);
    expect(pxmOf([amlMethod("_PXM", 0, [0xa3], amlReturn(encodeInt(4n)))])).to.equal("");
    expect(pxmOf([amlMethod("_PXM", 0, amlIf([0x01], amlReturn([0x01])))])).to.match(/branches on a condition \(If/);
    expect(pxmOf([amlMethod("MPXM", 2, amlReturn([0x68])), amlMethod("_PXM", 0, [...seg("MPXM"), 0x01, 0x0a, 0x05], amlReturn([0x00]))])).to.match(/calls MPXM/);
  });

  it("treats duplicate and If/Else declarations as dynamic, but each declaration on its own as static", () => {
    const r = read([amlDevice("DEV0", amlIf([0x01], amlName("_PXM", encodeInt(1n))), amlElse(amlName("_PXM", encodeInt(2n))))]);
    expect(reason(dev(r, "\\DEV0").pxm)).to.match(/declared 2 times/);
    expect(r.objects.map((o) => [o.value.static, o.conditional !== undefined])).to.deep.equal([[true, true], [true, true]]);
  });

  it("follows Alias and reports External-only objects", () => {
    const r = read([amlName("PX01", encodeInt(6n)), amlDevice("DEV0", [0x06, 0x5c, ...seg("PX01"), ...seg("_PXM")]),
      amlDevice("DEV1", [0x06, ...seg("NONE"), ...seg("_PXM")]), amlDevice("DEV2", [0x15, ...seg("_PXM"), 1, 0])]);
    expect(dev(r, "\\DEV0").pxm).to.include({ static: true, value: 6 });
    expect(reason(dev(r, "\\DEV1").pxm)).to.match(/target is not found/);
    expect(reason(dev(r, "\\DEV2").pxm)).to.match(/External/);
  });

  it("evaluates buffers, packages and Ones by the table's integer width", () => {
    const r = read([amlDevice("DEV0", amlName("_HID", encodeInt(0x080ad041n)), amlName("_CID", pkgOp([0x12], [2], encodeInt(0x030ad041n), amlString("PNP0C02"))),
      amlName("_UID", [0xff]), amlName("_SLI", amlBuffer(encodeInt(4n), [10, 20])), amlName("_PXM", encodeInt(0n)))], 1);
    const d = dev(r, "\\DEV0");
    expect(d.hid).to.include({ value: "PNP0A08" });
    expect(d.cids).to.deep.include({ value: ["PNP0A03", "PNP0C02"] });
    expect(d.uid).to.include({ value: 0xffffffff });
    expect(d.sli).to.deep.include({ static: true, value: { bytes: [10, 20, 0, 0], localities: 2, row: [10, 20], column: [0, 0] } });
    expect(codes(r)).to.deep.equal(["AML_SLI_DIAGONAL"]);
  });

  it("truncates 64-bit constants to 32 bits when the DSDT is revision 1, in every table (acpi_ut_set_integer_width)", () => {
    // /tmp/hunt-aml t2: Name (_PXM, 0x100000002) and Method (_PXM) { Return (0x100000003) } in a
    // revision-1 DSDT were 4294967298 and 4294967299; ACPICA (so Linux) sees 2 and 3.
    const r = read([amlDevice("DEV0", amlName("_PXM", encodeInt(0x100000002n))), amlDevice("DEV1", amlMethod("_PXM", 0, amlReturn(encodeInt(0x100000003n))))], 1);
    expect(dev(r, "\\DEV0").pxm).to.include({ static: true, value: 2 });
    expect(dev(r, "\\DEV1").pxm).to.include({ static: true, value: 3 });
    // The width is the DSDT's, for the SSDTs too, whatever their own revision.
    const ssdt = (rev: number): Uint8Array => encodeTable(amlDevice("DEV2", amlName("_UID", encodeInt(0x100000002n)), amlName("_STA", [0xff])), "SSDT", rev);
    const both = (dsdtRev: number, ssdtRev: number): NamespaceDevice =>
      dev(readNamespace([{ signature: "DSDT", bytes: encodeTable([], "DSDT", dsdtRev) }, { signature: "SSDT", bytes: ssdt(ssdtRev) }]), "\\DEV2");
    expect(both(1, 2).uid).to.include({ value: 2 });
    expect(both(1, 2).sta).to.include({ value: 0xffffffff });
    expect(both(2, 1).uid).to.include({ value: 0x100000002 });
    expect(reason(both(2, 1).sta)).to.match(/too large/);
    // No DSDT among the sources: each table's own revision.
    expect(dev(readNamespace([{ signature: "SSDT", bytes: ssdt(1) }]), "\\DEV2").uid).to.include({ value: 2 });
  });

  it("reads _PXM as Linux does, an int (acpi_get_pxm): the low 32 bits; Ones is static, with no node", () => {
    // /tmp/hunt-aml t1: Name (_PXM, Ones) in a revision-2 table was "dynamic: too large"; Linux reads -1.
    const pxm = (data: number[]): unknown => dev(read([amlDevice("DEV0", amlName("_PXM", data))]), "\\DEV0").pxm;
    expect(pxm([0xff])).to.deep.equal({ static: true, value: 0xffffffff, table: "DSDT", offset: 0x2b });
    expect(pxm(encodeInt(0x1ffffffffn))).to.include({ static: true, value: 0xffffffff });
    expect(pxm(encodeInt(0x100000002n))).to.include({ static: true, value: 2 });
    expect(pxm(encodeInt(0x10000n))).to.include({ static: true, value: 0x10000 });
    const r = read([amlDevice("DEV0", amlName("_PXM", [0xff])), amlDevice("DEV1", amlName("_PXM", encodeInt(0x7fffffffn)))]);
    expect(printNamespace(r, false)).to.contain("_PXM  4294967295 (Linux: -1, no node) [static, DSDT 0x2B]").and.contain("_PXM  2147483647 [static,");
  });

  it("repairs a String or Buffer _PXM into an Integer as ACPICA does (acpi_ns_convert_to_integer)", () => {
    // /tmp/hunt-aml t1: Name (_PXM, "3") and Name (_PXM, Buffer () {1, 0, 0, 0}) were "dynamic: not an Integer"; Linux gets 3 and 1.
    const pxm = (data: number[]): unknown => dev(read([amlDevice("DEV0", amlName("_PXM", data))]), "\\DEV0").pxm;
    expect(pxm(amlString("3"))).to.deep.equal({ static: true, value: 3, table: "DSDT", offset: 0x2b });
    expect(pxm(amlBuffer(encodeInt(4n), [1, 0, 0, 0]))).to.include({ static: true, value: 1 });
    expect(pxm(amlBuffer(encodeInt(2n), [1, 2]))).to.include({ static: true, value: 0x201 });
    expect(pxm(amlBuffer(encodeInt(8n), [2, 0, 0, 0, 1]))).to.include({ static: true, value: 2 }); // 0x100000002: Linux's int keeps 2
    expect(pxm(amlString("0x1F"))).to.include({ value: 31 });
    expect(pxm(amlString("one"))).to.include({ value: 0 });
    // A Method's result is repaired the same way.
    expect(dev(read([amlDevice("DEV0", amlMethod("_PXM", 0, amlReturn(amlString("7"))))]), "\\DEV0").pxm).to.include({ static: true, value: 7 });
  });

  it("repairs a String or Buffer _STA and _ADR into an Integer as it does _PXM (both ACPI_RTYPE_INTEGER in ACPICA's predefined.h)", () => {
    // Name (_STA, "0") was "dynamic: a string, not an Integer", so the device counted as present;
    // ACPICA hands Linux 0: not present.
    const r = read([amlDevice("DEV0", amlName("_STA", amlString("0")), amlName("_ADR", amlBuffer(encodeInt(4n), [0, 0, 3, 0]))),
      amlDevice("DEV1", amlName("_STA", pkgOp([0x12], [1], encodeInt(15n))))]);
    expect(dev(r, "\\DEV0").sta).to.include({ static: true, value: 0 });
    expect(dev(r, "\\DEV0").adr).to.include({ static: true, value: 0x30000 });
    expect(reason(dev(r, "\\DEV1").sta)).to.match(/package ACPICA cannot repair/);
  });

  it("passes over a _PXM ACPICA cannot repair, as Linux's acpi_get_pxm() does: the parent's applies", () => {
    // /tmp/hunt-aml t3: \_SB.P has _PXM 1, its child C has _PXM Package () {2}: Linux puts C on PXM 1.
    const r = read([amlScope(SB, amlDevice("P", amlName("_PXM", encodeInt(1n)),
      amlDevice("C", amlName("_ADR", encodeInt(0x10000n)), amlName("_PXM", pkgOp([0x12], [1], encodeInt(2n)))),
      amlDevice("B", amlName("_PXM", amlBuffer(encodeInt(9n), [1, 0, 0, 0, 0, 0, 0, 0, 0])), amlDevice("D", amlName("_ADR", [0x00])))),
    amlDevice("Q", amlName("_PXM", pkgOp([0x12], [1], encodeInt(2n)))))]);
    const c = dev(r, "\\_SB.P.C").pxm;
    expect(c).to.include({ static: true, value: 1, inheritedFrom: "\\_SB.P", table: "DSDT" });
    expect(c?.ownIgnored).to.match(/^DSDT 0x\w+: _PXM is a package, not an Integer: acpi_evaluate_integer\(\) fails/);
    expect(dev(r, "\\_SB.P.B").pxm?.ownIgnored).to.match(/a buffer of 9 bytes \(more than 8\)/);
    // B's children inherit P's _PXM through B, without B's complaint.
    expect(dev(r, "\\_SB.P.B.D").pxm).to.deep.equal({ static: true, value: 1, table: "DSDT", offset: dev(r, "\\_SB.P").pxm?.offset, inheritedFrom: "\\_SB.P" });
    // No ancestor with a _PXM: none applies, and the reason says so.
    expect(reason(dev(r, "\\_SB.Q").pxm)).to.match(/package, not an Integer.*no ancestor has one: no node/);
    expect(dev(r, "\\_SB.Q").pxm?.ownIgnored).to.match(/^DSDT 0x\w+: _PXM is a package/);
    // The listing keeps the device whose own _PXM is passed over.
    expect(printNamespace(r, false)).to.contain("_PXM  1 [static, DSDT 0x").and.contain("inherited from \\_SB.P; own _PXM at DSDT 0x");
    // --format json: the fields are in the schema.
    const json = JSON.parse(JSON.stringify({ tables: r.tables.map((t) => ({ ...t, source: "dsdt.aml" })), devices: r.devices, objects: r.objects, diagnostics: [] })) as unknown;
    expect(schemaErrors("namespace.schema.json", json)).to.deep.equal([]);
  });

  it("does not materialise lying buffer sizes, and reports computed sizes", () => {
    const r = read([amlDevice("DEV0", amlName("_SLI", amlBuffer(encodeInt(0xffffffffn), [10, 10]))),
      amlDevice("DEV1", amlName("_SLI", amlBuffer([0x60], [10, 10]))),
      amlDevice("DEV2", amlName("_CID", pkgOp([0x13], [0x60], encodeInt(1n)))),
      amlDevice("DEV3", amlName("_HID", encodeInt(0x12345678n)), amlName("_STA", amlString("x")), amlName("_SLI", encodeInt(1n)))]);
    expect(reason(dev(r, "\\DEV0").sli)).to.match(/larger than numakit materialises/);
    expect(reason(dev(r, "\\DEV1").sli)).to.match(/buffer size is computed/);
    expect(reason(dev(r, "\\DEV2").cids)).to.match(/package size is computed/);
    expect(reason(dev(r, "\\DEV3").hid)).to.match(/not a valid EISA ID/);
    expect(dev(r, "\\DEV3").sta).to.include({ static: true, value: 0 }); // ACPICA's repair: a string without digits is 0
    expect(reason(dev(r, "\\DEV3").sli)).to.match(/not a Buffer/);
    expect(codes(r)).to.deep.equal(["AML_SLI_WITHOUT_PXM", "AML_SLI_WITHOUT_PXM", "AML_SLI_WITHOUT_PXM"]);
  });

  it("labels several SSDTs SSDT1..n and loads the DSDT first whatever the order", () => {
    const ssdt = encodeTable(amlScope([0x5c, ...seg("DEV0")], amlName("_PXM", encodeInt(9n))), "SSDT");
    const dsdt = encodeTable(amlDevice("DEV0", amlName("_ADR", encodeInt(0n))), "DSDT");
    const r = readNamespace([{ signature: "SSDT", bytes: ssdt }, { signature: "DSDT", bytes: dsdt }, { signature: "SSDT", bytes: ssdt }, { signature: "SRAT", bytes: new Uint8Array(40) }]);
    expect(r.tables.map((t) => t.label)).to.deep.equal(["DSDT", "SSDT1", "SSDT2"]);
    expect(reason(dev(r, "\\DEV0").pxm)).to.match(/declared 2 times \(SSDT1 0x2B, SSDT2 0x2B\)/);
  });
});
