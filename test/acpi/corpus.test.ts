/**
 * Acceptance over the whole shared corpus (../shared/samples, SOURCES.md): every table decodes,
 * encodes back to the same bytes, the text sources yield exactly what acpixtract extracts, and the
 * synthetic/ files give the diagnostics their defect calls for.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { decodeTable, type DecodedTable } from "../../src/acpi/decode.js";
import { encodeTable } from "../../src/acpi/encode.js";
import { printTable } from "../../src/acpi/print.js";
import { tableJson } from "../../src/acpi/json.js";
import { corpusPath, corpusTables, requireCorpus, type CorpusTable } from "../helpers/corpus.js";
import { requireProgram } from "../helpers/skip.js";

const codes = (t: DecodedTable, severities = ["error", "warning"]): string[] =>
  t.diagnostics.filter((d) => severities.includes(d.severity)).map((d) => `${d.code}@${String(d.offset ?? "-")}`);

describe("acpi: the shared corpus", function () {
  this.timeout(60_000);
  let tables: CorpusTable[] = [];
  let decoded: DecodedTable[] = [];
  before(function () {
    requireCorpus(this);
    tables = corpusTables();
    decoded = tables.map(decodeTable);
  });
  const find = (file: string, sig: string): DecodedTable => {
    const i = tables.findIndex((t) => t.file === file && t.signature === sig);
    expect(i, `${file} ${sig}`).to.be.at.least(0);
    return decoded[i] as DecodedTable;
  };

  it("decodes every table of every group; prints and serialises each", () => {
    // Counts of an outside corpus are not pinned (it may grow): every group must yield tables,
    // and the NUMA signatures each appear.
    const groups = new Set(tables.map((t) => t.group));
    for (const g of ["qemu", "real", "fwts", "synthetic", "oracle"] as const) expect(groups.has(g), g).to.equal(true);
    const numa = new Set(decoded.filter((t) => t.def !== undefined).map((t) => t.signature));
    expect([...numa].sort()).to.deep.equal(["APIC", "HMAT", "MSCT", "SLIT", "SRAT"]);
    for (const t of decoded) {
      expect(printTable(t)).to.match(/^\/\* /);
      expect(() => JSON.stringify(tableJson(t))).to.not.throw();
    }
  });

  it("encodes every table back to exactly its bytes", () => {
    const differing = tables.filter((t, i) => !Buffer.from(encodeTable(decoded[i] as DecodedTable)).equals(Buffer.from(t.bytes)));
    expect(differing.map((t) => `${t.file} ${t.signature}`)).to.deep.equal([]);
  });

  it("reads every acpidump text exactly as acpixtract -a extracts it", function () {
    requireProgram(this, "acpixtract");
    const textFiles = [...new Set(tables.filter((t) => t.group === "real" || t.group === "fwts").map((t) => t.file))];
    expect(textFiles.length).to.be.greaterThan(0);
    for (const file of textFiles) {
      const dir = mkdtempSync(join(tmpdir(), "numakit-axt-"));
      try {
        execFileSync("acpixtract", ["-a", corpusPath(file)], { cwd: dir, stdio: "pipe" });
        const theirs = readdirSync(dir).map((n) => readFileSync(join(dir, n)).toString("hex")).sort();
        const ours = tables.filter((t) => t.file === file).map((t) => Buffer.from(t.bytes).toString("hex")).sort();
        expect(ours, file).to.deep.equal(theirs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("has errors exactly where the corpus has defects", () => {
    // SOURCES.md's defects: synthetic/ (srat_unknown and srat_shortlen give warnings only), fwts's
    // broken *-0002 vectors (in their own table), QEMU's 0-byte SLIT placeholder, the DL165's OEMB
    // checksum. New corpus files may add defects only in synthetic/ or fwts/*-0002.
    const mustFail = [
      "fwts/hmat-acpidump-0002.log HMAT", "fwts/msct-acpidump-0002.log MSCT", "fwts/slit-acpidump-0002.log SLIT",
      "fwts/srat-acpidump-0002.log SRAT", "qemu/loongarch64/virt/SLIT SLIT", "real/hp-proliant-dl165-g7-1979FBF2D488.txt OEMB",
      "synthetic/slit_badcsum.dat SLIT", "synthetic/slit_huge.dat SLIT", "synthetic/slit_short.dat SLIT", "synthetic/srat_overrun.dat SRAT", "synthetic/srat_zerolen.dat SRAT",
    ];
    const mayFail = (x: string): boolean => mustFail.includes(x) || x.startsWith("synthetic/") || /^fwts\/(\w+)-acpidump-0002\.log (\w+)$/.exec(x)?.slice(1).every((v, _i, all) => v.toUpperCase() === all[1]) === true;
    const withErrors = decoded.flatMap((t, i) => (codes(t, ["error"]).length > 0 ? [`${tables[i]?.file ?? ""} ${t.signature}`] : []));
    expect(withErrors.filter((x) => !mayFail(x)), "errors where the corpus has no defect").to.deep.equal([]);
    expect(mustFail.filter((x) => !withErrors.includes(x)), "defects without an error").to.deep.equal([]);
    expect(codes(find("synthetic/srat_unknown.dat", "SRAT"), ["error"])).to.deep.equal([]);
    expect(codes(find("qemu/loongarch64/virt/SLIT", "SLIT"))).to.deep.equal(["TABLE_HEADER_SHORT@0"]);
    expect(codes(find("real/hp-proliant-dl165-g7-1979FBF2D488.txt", "OEMB"))).to.deep.equal(["TABLE_CHECKSUM@9"]);
    // X299: SLIT Length 108 with one locality; iasl is silent, numakit keeps and reports the 63 bytes.
    const x299 = find("real/gigabyte-x299-ud4-pro-331F76F426AF.txt", "SLIT");
    expect(codes(x299)).to.deep.equal(["TABLE_TRAILING_BYTES@45"]);
    expect(x299.trailing).to.have.length(63);
    // X299 MADT: 28 unknown type-0x7F entries kept raw, the walk continues by their length.
    const x299madt = find("real/gigabyte-x299-ud4-pro-331F76F426AF.txt", "APIC");
    expect(x299madt.subtables.filter((s) => !s.known && s.type === 0x7f)).to.have.length(28);
    expect(codes(x299madt).every((c) => c.startsWith("SUBTABLE_UNKNOWN_TYPE@"))).to.equal(true);
    // fwts logs dump the FACS with more bytes than its Length.
    expect(codes(find("fwts/srat-acpidump-0001.log", "FACS"))).to.deep.equal(["TABLE_DATA_BEYOND_LENGTH@64"]);
  });

  describe("synthetic/ (SOURCES.md lists each file's defect)", () => {
    it("srat_zerolen.dat: a Length-0 subtable ends the walk", () => {
      const t = find("synthetic/srat_zerolen.dat", "SRAT");
      expect(codes(t)).to.deep.equal(["SUBTABLE_ZERO_LENGTH@64", "TABLE_TRAILING_BYTES@64"]);
      expect(t.subtables.map((s) => s.type)).to.deep.equal([0]);
    });
    it("srat_overrun.dat: a subtable longer than the table is decoded as far as it goes", () => {
      const t = find("synthetic/srat_overrun.dat", "SRAT");
      expect(codes(t)).to.deep.equal(["SUBTABLE_OVERRUN@64"]);
      const last = t.subtables.at(-1);
      expect(last?.declaredLength).to.equal(40);
      expect(last?.size).to.equal(12);
    });
    it("srat_shortlen.dat: a short entry is reported and the walk advances by its Length, like iasl", () => {
      const t = find("synthetic/srat_shortlen.dat", "SRAT");
      expect(codes(t)).to.deep.equal(["SUBTABLE_SHORT@48"]);
      expect(t.subtables.map((s) => [s.offset, s.type, s.declaredLength])).to.deep.equal([[48, 0, 8], [56, 0, 16]]);
    });
    it("srat_unknown.dat: an unknown type 9 is kept raw and the walk continues", () => {
      const t = find("synthetic/srat_unknown.dat", "SRAT");
      expect(codes(t)).to.deep.equal(["SUBTABLE_UNKNOWN_TYPE@48"]);
      expect(t.subtables.map((s) => [s.type, s.known])).to.deep.equal([[9, false], [0, true]]);
    });
    it("slit_short.dat: 3 localities with 5 matrix bytes", () => {
      const t = find("synthetic/slit_short.dat", "SLIT");
      expect(codes(t)).to.deep.equal(["ARRAY_EXCEEDS_TABLE@44"]);
      expect(t.fixed?.values["entries"]).to.deep.equal([10, 20, 30, 20, 10]);
    });
    it("slit_huge.dat: 2^32 localities allocate nothing beyond the one byte present", () => {
      const t = find("synthetic/slit_huge.dat", "SLIT");
      expect(codes(t)).to.deep.equal(["ARRAY_EXCEEDS_TABLE@44"]);
      expect(t.fixed?.values["localityCount"]).to.equal(0x100000000n);
      expect(t.fixed?.values["entries"]).to.have.length(1);
    });
    it("slit_badcsum.dat: the checksum byte is off by one", () => {
      const t = find("synthetic/slit_badcsum.dat", "SLIT");
      expect(codes(t)).to.deep.equal(["TABLE_CHECKSUM@9"]);
      expect(t.checksumValid).to.equal(false);
      expect(t.checksumExpected).to.equal(0x6c);
      expect(printTable(t)).to.contain("Checksum : 6D     /* Incorrect checksum, should be 6C */");
    });
  });

  it("decodes the iasl-src tables compiled at test time", function () {
    requireProgram(this, "iasl");
    const srat = decoded.find((t, i) => tables[i]?.group === "iasl-src" && t.signature === "SRAT");
    expect(srat?.subtables.map((s) => s.type)).to.deep.equal([0, 0, 2, 1, 1, 1]);
    expect(srat?.diagnostics).to.deep.equal([]);
  });
});
