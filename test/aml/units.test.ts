/** Unit tests of the AML building blocks: PkgLength, NameString, EISA IDs, _SLI layout. */
import { expect } from "chai";
import fc from "fast-check";
import { AmlSyntaxError, encodePkgLength, formatNamePath, readNameString, readPkgLength, trimSeg } from "../../src/aml/encoding.js";
import { decodeEisaId, encodeEisaId } from "../../src/aml/eisa.js";
import { strtoul64 } from "../../src/aml/devices.js";
import { checkSli, decodeSli } from "../../src/aml/sli.js";
import { NotStatic } from "../../src/aml/value.js";

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe("aml: PkgLength", () => {
  it("decodes the 1- to 4-byte forms (ACPI 6.5 §20.2.4)", () => {
    expect(readPkgLength(bytes(0x3f), 0, 1)).to.deep.equal({ end: 0x3f, size: 1 });
    expect(readPkgLength(bytes(0x41, 0x02), 0, 2)).to.deep.equal({ end: 0x21, size: 2 });
    expect(readPkgLength(bytes(0x8f, 0xff, 0xff), 0, 3)).to.deep.equal({ end: 0xfffff, size: 3 });
    expect(readPkgLength(bytes(0xcf, 0xff, 0xff, 0xff), 0, 4)).to.deep.equal({ end: 0xfffffff, size: 4 });
  });
  it("round-trips every length through encodePkgLength", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x0ffffff0 }), (n) => {
      const enc = encodePkgLength(n);
      const r = readPkgLength(new Uint8Array(enc), 0, enc.length);
      expect(r.size).to.equal(enc.length);
      expect(r.end - r.size).to.equal(n);
    }));
  });
  it("rejects truncated and self-contradicting lengths", () => {
    expect(() => readPkgLength(bytes(0x81), 0, 1)).to.throw(AmlSyntaxError, /past the end/);
    expect(() => readPkgLength(bytes(), 0, 0)).to.throw(AmlSyntaxError);
    expect(() => readPkgLength(bytes(0x00), 0, 1)).to.throw(AmlSyntaxError, /shorter than its own encoding/);
    expect(() => encodePkgLength(0x10000000)).to.throw(RangeError);
  });
});

describe("aml: NameString", () => {
  const ascii = (s: string): number[] => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
  it("reads root, parent, dual, multi and null names (§20.2.2)", () => {
    expect(readNameString(bytes(0x5c, ...ascii("_SB_")), 0, 5).path).to.deep.equal({ absolute: true, parents: 0, segments: ["_SB_"] });
    expect(readNameString(bytes(0x5e, 0x5e, 0x2e, ...ascii("PCI0S00_")), 0, 11).path).to.deep.equal({ absolute: false, parents: 2, segments: ["PCI0", "S00_"] });
    const multi = readNameString(bytes(0x5c, 0x2f, 3, ...ascii("_SB_PCI0NIC0")), 0, 15);
    expect(multi).to.deep.equal({ path: { absolute: true, parents: 0, segments: ["_SB_", "PCI0", "NIC0"] }, next: 15 });
    expect(formatNamePath(multi.path)).to.equal("\\_SB.PCI0.NIC0");
    expect(readNameString(bytes(0x5c, 0x00), 0, 2)).to.deep.equal({ path: { absolute: true, parents: 0, segments: [] }, next: 2 });
    expect(trimSeg("____")).to.equal("_");
  });
  it("rejects bad characters and truncation", () => {
    expect(() => readNameString(bytes(...ascii("AB-D")), 0, 4)).to.throw(AmlSyntaxError, /invalid NameSeg/);
    expect(() => readNameString(bytes(...ascii("1ABC")), 0, 4)).to.throw(AmlSyntaxError);
    expect(() => readNameString(bytes(...ascii("ABC")), 0, 3)).to.throw(AmlSyntaxError, /past the end/);
    expect(() => readNameString(bytes(0x2f), 0, 1)).to.throw(AmlSyntaxError);
    expect(() => readNameString(bytes(0x5e), 0, 1)).to.throw(AmlSyntaxError);
  });
});

describe("aml: EISA IDs", () => {
  it("decodes the IDs the NUMA devices use", () => {
    expect(decodeEisaId(0x080ad041)).to.equal("PNP0A08");
    expect(decodeEisaId(encodeEisaId("PNP0C80"))).to.equal("PNP0C80");
    expect(decodeEisaId(encodeEisaId("ACP0004"))).to.equal("ACP0004");
  });
  it("round-trips any valid ID and rejects non-IDs", () => {
    const letter = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ".split(""));
    fc.assert(fc.property(letter, letter, letter, fc.integer({ min: 0, max: 0xffff }), (a, b, c, n) => {
      const id = `${a}${b}${c}${n.toString(16).toUpperCase().padStart(4, "0")}`;
      expect(decodeEisaId(encodeEisaId(id))).to.equal(id);
    }));
    expect(decodeEisaId(0x100000000n)).to.equal(undefined);
    expect(decodeEisaId(-1)).to.equal(undefined);
    expect(decodeEisaId(0x00000080)).to.equal(undefined); // bit 31 of the big-endian value
    expect(decodeEisaId(0)).to.equal(undefined); // letter 0 is not A..Z
    expect(() => encodeEisaId("PNP0A0")).to.throw(RangeError);
  });
});

describe("aml: _SLI buffer (ACPI 6.6 §6.2.16)", () => {
  const buf = (...b: number[]) => ({ type: "buffer" as const, bytes: new Uint8Array(b) });
  it("splits 2·M bytes into row i then column i", () => {
    expect(decodeSli(buf(10, 21, 21, 10))).to.deep.equal({ bytes: [10, 21, 21, 10], localities: 2, row: [10, 21], column: [21, 10] });
  });
  it("refuses odd, empty and non-buffer values", () => {
    expect(decodeSli(buf(10, 20, 30))).to.be.instanceOf(NotStatic);
    expect(decodeSli(buf())).to.be.instanceOf(NotStatic);
    expect(decodeSli({ type: "integer", value: 10n })).to.be.instanceOf(NotStatic);
  });
  it("checks the diagonal, the length against _PXM and against the SLIT", () => {
    const sli = decodeSli(buf(17, 21, 14, 23, 10, 17, 21, 14, 23, 10));
    if (sli instanceof NotStatic) throw new Error(sli.reason);
    expect(checkSli(sli, 4, 4)).to.deep.equal([]);
    expect(checkSli(sli, undefined)).to.deep.equal([]);
    expect(checkSli(sli, 3).map((f) => f.code)).to.deep.equal(["AML_SLI_DIAGONAL"]);
    expect(checkSli(sli, 7).map((f) => f.code)).to.deep.equal(["AML_SLI_TOO_SHORT"]);
    expect(checkSli(sli, 4, 8).map((f) => f.code)).to.deep.equal(["AML_SLI_LENGTH"]);
  });
});

describe("aml: acpi_ut_strtoul64 (the String repair of _PXM)", () => {
  it("follows ACPICA's base rules, stops at the first non-digit, and fails past 64 bits", () => {
    const cases: [string, bigint | undefined][] = [
      ["3", 3n], ["", 0n], ["   ", 0n], [" \t12abc", 12n], ["\u00a012", 12n], ["0x1f", 31n], ["0X1F", 31n], ["0x", 0n],
      ["010", 8n], ["08", 0n], ["0", 0n], ["000000000000000000000000000000007", 7n], ["12 3", 12n], ["-1", 0n], ["+1", 0n],
      ["18446744073709551615", 0xffffffffffffffffn], ["18446744073709551616", undefined],
      ["0xFFFFFFFFFFFFFFFF", 0xffffffffffffffffn], ["0x10000000000000000", undefined], ["01777777777777777777777", 0xffffffffffffffffn], ["02000000000000000000000", undefined],
    ];
    for (const [s, v] of cases) expect(strtoul64(s), JSON.stringify(s)).to.equal(v);
    // A long run of zeros costs no BigInt work per zero.
    expect(strtoul64(`0x${"0".repeat(1 << 20)}5`)).to.equal(5n);
  });
});
