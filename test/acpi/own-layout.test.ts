/**
 * The RSDP and the FACS, the two tables without the common header (src/acpi/tables/own-layout.ts):
 * decoded by their own layouts, checked by their own lengths and checksums, printed as iasl prints
 * them, and read as tables from the files `acpidump -b` writes (rsdp.dat, facs.dat). Before, an
 * RSDP's "PTR " was read as a Length of 542 MB: a TABLE_TRUNCATED error on every healthy host.
 */
import { expect } from "chai";
import fc from "fast-check";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeTable } from "../../src/acpi/decode.js";
import { encodeTable } from "../../src/acpi/encode.js";
import { encodeStruct } from "../../src/acpi/layout/codec.js";
import { fieldOffset, type FieldValues } from "../../src/acpi/layout/types.js";
import { printTable } from "../../src/acpi/print.js";
import { looksLikeTable, tablesFromBytes } from "../../src/acpi/sources/load.js";
import { facsSpec, rsdpV1Spec, rsdpV2Spec } from "../../src/acpi/tables/own-layout.js";
import { checksum } from "../../src/util/checksum.js";
import { corpusTables, requireCorpus } from "../helpers/corpus.js";
import { iaslDisassemble, parsePrinted } from "../helpers/iasl.js";
import { runMain } from "../helpers/main.js";
import { full } from "../helpers/numa-tables.js";
import { repoPath } from "../helpers/paths.js";
import { fcRuns } from "../helpers/runs.js";
import { schemaErrors } from "../helpers/schema.js";
import { requireProgram } from "../helpers/skip.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

/** An RSDP with both checksums right: 36 bytes from revision 2, 20 before. */
function rsdpBytes(revision: number, values: FieldValues = {}): Uint8Array {
  const spec = revision >= 2 ? rsdpV2Spec : rsdpV1Spec;
  const b = encodeStruct(spec, full(spec, { signature: "RSD PTR ", oemId: "BOCHS ", revision, rsdtAddress: 0x7fe14b0, tableLength: 36, xsdtAddress: 0x7fe1500n, ...values }));
  const at = (key: string): number => fieldOffset(spec, key);
  b[at("checksum")] = (0x100 - checksum(b.subarray(0, 20))) & 0xff;
  if (revision >= 2) b[at("extendedChecksum")] = (0x100 - checksum(b)) & 0xff;
  return b;
}

function facsBytes(values: FieldValues = {}): Uint8Array {
  return encodeStruct(facsSpec, full(facsSpec, { signature: "FACS", tableLength: 64, version: 2, ...values }));
}

/** Our printed fields up to OspmFlags (iasl stops there), the table's name after the signature left out. */
function comparable(text: string): ReturnType<typeof parsePrinted> {
  return parsePrinted(text).filter((f) => f.offset < 40).map((f) => (f.label === "Signature" ? { ...f, value: f.value.replace(/ {4}\[.*\]$/, "") } : f));
}

const decode = (bytes: Uint8Array, signature = "RSDP") => decodeTable({ signature, bytes, source: { file: "test" } });
const codes = (bytes: Uint8Array): string[] => decode(bytes).diagnostics.map((d) => `${d.code}@${String(d.offset)}`);

describe("acpi: the RSDP and the FACS, by their own layouts", () => {
  const dir = tmpDirPerSuite("own-layout");

  it("an ACPI 2.0 RSDP decodes field by field, with no finding, and re-encodes exactly", () => {
    const b = rsdpBytes(2);
    const t = decode(b, "RSD ");
    expect(t.signature).to.equal("RSDP");
    expect(t.diagnostics).to.deep.equal([]);
    expect(t.checksumValid).to.equal(true);
    expect(t.header.values).to.deep.include({ signature: "RSD PTR ", oemId: "BOCHS ", revision: 2, rsdtAddress: 0x7fe14b0, tableLength: 36, xsdtAddress: 0x7fe1500n });
    expect(Buffer.from(encodeTable(t)).equals(Buffer.from(b))).to.equal(true);
  });

  it("an ACPI 1.0 RSDP (revision 0) is 20 bytes: no Length, no XSDT, no extended checksum", () => {
    const t = decode(rsdpBytes(0));
    expect(t.diagnostics).to.deep.equal([]);
    expect(Object.keys(t.header.values)).to.deep.equal(["signature", "checksum", "oemId", "revision", "rsdtAddress"]);
    // The 16 bytes an ACPI 2.0 structure would have after it are beyond the table (acpidump copies 20).
    const longer = decode(Uint8Array.from([...rsdpBytes(0), ...new Uint8Array(16)]));
    expect(longer.diagnostics.map((d) => d.code)).to.deep.equal(["TABLE_DATA_BEYOND_LENGTH"]);
    expect(longer.excess).to.have.length(16);
  });

  it("each checksum is checked over its own bytes, reported at its own offset and shown where it is printed", () => {
    const b = rsdpBytes(2);
    b[8] = (b[8] ?? 0) ^ 0x11;
    b[32] = (b[32] ?? 0) ^ 0x22;
    expect(codes(b)).to.deep.equal(["TABLE_CHECKSUM@8", "TABLE_CHECKSUM@32"]);
    const text = printTable(decode(b));
    // The first checksum covers bytes 0..19 only: mending it leaves the extended one wrong.
    expect(text).to.match(/Checksum : \w\w {5}\/\* Incorrect checksum, should be \w\w \*\//);
    expect(text).to.match(/Extended Checksum : \w\w {5}\/\* Incorrect checksum, should be \w\w \*\//);
    const onlyExtended = rsdpBytes(2);
    onlyExtended[24] = 1; // XSDT Address: outside the first 20 bytes
    expect(codes(onlyExtended)).to.deep.equal(["TABLE_CHECKSUM@32"]);
    // Only the extended checksum is wrong: the table's checksum state says so, and so does the text.
    const t = decode(onlyExtended);
    expect(t.checksumValid).to.equal(false);
    expect(t.checksumExpected).to.equal(((onlyExtended[32] ?? 0) - 1) & 0xff);
    expect(t.checksumFields?.map((c) => [c.key, c.valid])).to.deep.equal([["checksum", true], ["extendedChecksum", false]]);
    const printed = printTable(t);
    expect(printed).to.match(/^\[008h 0008 {3}1\] {21}Checksum : \w\w$/m);
    expect(printed).to.match(/Extended Checksum : \w\w {5}\/\* Incorrect checksum/);
  });

  it("a short or lying RSDP is an error naming the offset, never a crash", () => {
    expect(codes(rsdpBytes(2).subarray(0, 30))).to.deep.equal(["TABLE_HEADER_SHORT@0"]);
    expect(codes(rsdpBytes(2, { tableLength: 20 }))).to.deep.equal(["TABLE_LENGTH_TOO_SMALL@20"]);
    expect(codes(rsdpBytes(2, { tableLength: 4096 }))).to.deep.equal(["TABLE_TRUNCATED@20"]);
    expect(codes(rsdpBytes(2, { reserved: 5 }))).to.deep.equal(["RESERVED_NONZERO@33"]);
  });

  it("any bytes that start with either signature decode without throwing and re-encode exactly", () => {
    fc.assert(fc.property(fc.constantFrom("RSD PTR ", "FACS"), fc.uint8Array({ maxLength: 100 }), (s, rest) => {
      const b = Uint8Array.from([...Array.from(s, (c) => c.charCodeAt(0)), ...rest]);
      const t = decode(b, s.slice(0, 4));
      expect(t.signature).to.equal(s === "FACS" ? "FACS" : "RSDP");
      expect(Buffer.from(encodeTable(t)).equals(Buffer.from(b))).to.equal(true);
    }), { numRuns: fcRuns(200) });
  });

  it("a FACS has no checksum, and its flags are its own", () => {
    const t = decode(facsBytes({ flags: 0b11, ospmFlags: 1, globalLock: 2 }), "FACS");
    expect(t.diagnostics).to.deep.equal([]);
    const text = printTable(t);
    expect(text).to.include("S4BIOS Support Present : 1").and.include("64-bit Wake Env Required (V2) : 1").and.not.include("Oem ID");
    expect(decode(facsBytes({ flags: 0x10 }), "FACS").diagnostics.map((d) => d.code)).to.deep.equal(["RESERVED_BITS_SET"]);
    // A FACS may be longer than 64 bytes; an RSDP longer than its 36 is not what ACPI describes.
    const longFacs = decode(Uint8Array.from([...facsBytes({ tableLength: 72 }), ...new Uint8Array(8)]), "FACS");
    expect(longFacs.diagnostics).to.deep.equal([]);
    expect(longFacs.trailing).to.have.length(8);
    expect(printTable(longFacs)).to.include("Body : 8 bytes (not decoded)");
    const longRsdp = Uint8Array.from([...rsdpBytes(2, { tableLength: 40 }), 0, 0, 0, 0]);
    expect(codes(longRsdp)).to.deep.equal(["TABLE_TRAILING_BYTES@36"]);
  });

  it("prints a FACS as iasl -d does, field by field and bit by bit", function () {
    requireProgram(this, "iasl");
    const b = facsBytes({ hardwareSignature: 0x12345678, firmwareWakingVector: 0x9a000, globalLock: 1, flags: 3, xFirmwareWakingVector: 0x1_0000_0000n, ospmFlags: 1 });
    const [dsl = ""] = iaslDisassemble([b]);
    const theirs = parsePrinted(dsl);
    expect(theirs.length).to.be.greaterThan(10);
    expect(comparable(printTable(decode(b, "FACS")))).to.deep.equal(theirs);
  });

  it("prints every FACS of the corpus as iasl -d does", function () {
    requireCorpus(this);
    requireProgram(this, "iasl");
    const all = corpusTables().filter((t) => t.signature === "FACS");
    expect(all.length).to.be.greaterThan(3);
    const dsl = iaslDisassemble(all.map((t) => t.bytes));
    all.forEach((t, i) => {
      const d = decodeTable(t);
      expect(d.diagnostics.filter((x) => x.severity === "error"), t.file).to.deep.equal([]);
      expect(comparable(printTable(d)), t.file).to.deep.equal(parsePrinted(dsl[i] ?? ""));
    });
  });

  it("rsdp.dat as `acpidump -b` writes it is the table RSDP", () => {
    const [t] = tablesFromBytes(rsdpBytes(2), "/tmp/rsdp.dat");
    expect(t?.signature).to.equal("RSDP");
    expect(looksLikeTable(rsdpBytes(0))).to.equal(true);
  });

  it("a directory as `acpidump -b` writes it, rsdp.dat and facs.dat included, validates without a finding from them", async () => {
    const d = join(dir(), "acpidump-b");
    mkdirSync(d);
    for (const name of readdirSync(repoPath("samples", "4node"))) copyFileSync(repoPath("samples", "4node", name), join(d, `${name.toLowerCase()}.dat`));
    writeFileSync(join(d, "rsdp.dat"), rsdpBytes(2));
    writeFileSync(join(d, "facs.dat"), facsBytes());
    const plain = await runMain(["validate", repoPath("samples", "4node")]);
    const r = await runMain(["validate", d]);
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(plain.code);
    expect(r.stdout).to.not.match(/RSD|FACS/);
    const decoded = await runMain(["decode", d, "--table", "RSDP"]);
    expect(decoded.code).to.equal(0);
    expect(decoded.stdout).to.include("XSDT Address : 0000000007FE1500");
  });

  it("decode --format json of both RSDP revisions and a FACS fits decode.schema.json (revision 0 has no Length)", async () => {
    const d = join(dir(), "json");
    mkdirSync(d);
    writeFileSync(join(d, "rsdp.dat"), rsdpBytes(0));
    writeFileSync(join(d, "rsdp2.dat"), rsdpBytes(2));
    writeFileSync(join(d, "facs.dat"), facsBytes({ flags: 1 }));
    const r = await runMain(["decode", "--format", "json", d]);
    const out = JSON.parse(r.stdout) as { tables: { signature: string; header: Record<string, unknown> }[] };
    expect(out.tables.map((t) => t.signature)).to.deep.equal(["FACS", "RSDP", "RSDP"]);
    expect(schemaErrors("decode.schema.json", out)).to.deep.equal([]);
    expect((out.tables[2] as unknown as { checksums: unknown }).checksums).to.deep.equal([{ field: "checksum", valid: true }, { field: "extendedChecksum", valid: true }]);
    // Any other table without a Length is still refused by the schema.
    const noLength = { ...out, tables: [{ ...out.tables[0], header: { signature: "FACS" } }] };
    expect(schemaErrors("decode.schema.json", noLength)).to.not.deep.equal([]);
  });

  it("signatures follow ACPICA's rule: /etc/ld.so.cache is not a table \"glib\", while \"ASF!\" and \"WD__\" are tables", () => {
    const header = (sig: string): Uint8Array => Uint8Array.from([...Array.from(sig, (c) => c.charCodeAt(0)), 0x63, 0x2d, 0x6c, 0x64, 0x2e, ...new Uint8Array(40)]);
    // The first bytes of a real ld.so.cache: "glibc-ld.so.cache1.1" and binary after it.
    const ldCache = Uint8Array.from([...Buffer.from("glibc-ld.so.cache1.1"), 0xb3, 0x03, 0, 0, 0x07, 0x03, 0, 0, ...new Uint8Array(40)]);
    expect(looksLikeTable(ldCache)).to.equal(false);
    expect(() => tablesFromBytes(ldCache, "/etc/ld.so.cache")).to.throw(/neither an ACPI table/);
    for (const sig of ["ASF!", "WD__", "SSDT", "OEM1"]) expect(looksLikeTable(header(sig)), sig).to.equal(true);
    for (const sig of ["srat", "!ASF", "AB C", "SR-T"]) expect(looksLikeTable(header(sig)), sig).to.equal(false);
  });
});
