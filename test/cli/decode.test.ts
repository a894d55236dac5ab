/**
 * `numakit decode` as a user runs it (main() in-process through test/helpers/cli.ts): text and
 * JSON contract, --table, exit codes 0/1/2 with one-line errors, stdin, directory sources. (A pipe
 * that closes early is a process matter: test/cli/bin.test.ts.)
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { repoRoot, runCli } from "../helpers/cli.js";
import { corpusRoot, requireCorpus } from "../helpers/corpus.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const S = corpusRoot;
const q35 = join(S, "qemu", "x86", "q35");
const r820 = join(S, "real", "dell-poweredge-r820-E5985CCBA349.txt");

type Obj = Record<string, unknown>;
const tablesOf = (stdout: string): Obj[] => (JSON.parse(stdout) as { tables: Obj[] }).tables;

function expectOneLineError(stderr: string, ...parts: string[]): void {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).to.have.length(1);
  expect(lines[0]).to.match(/^numakit: /);
  for (const p of parts) expect(lines[0]).to.contain(p);
  expect(stderr).to.not.match(/\n\s+at /);
}

describe("cli: numakit decode", function () {
  this.timeout(60_000);
  const tmp = tmpDirPerSuite("cli");

  it("prints iasl-style text for every table of an acpidump text file (exit 0)", async function () {
    requireCorpus(this);
    const r = await runCli(["decode", r820, "--table", "SRAT,SLIT"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^\/\* SRAT from .*dell-poweredge-r820-E5985CCBA349\.txt:\d+ \*\/$/m);
    expect(r.stdout).to.contain('[000h 0000   4]                    Signature : "SLIT"    [System Locality Information Table]');
    expect(r.stdout).to.contain("[024h 0036   8]                   Localities : 0000000000000005");
    expect(r.stdout).to.match(/\[\w+h \d+ {3}1\] {16}Subtable Type : 01 \[Memory Affinity\]/);
    expect(r.stdout).to.contain("                                     Enabled : 1");
    expect(r.stdout.match(/^\/\* /gm)).to.have.length(2);
  });

  it("emits the JSON contract", async function () {
    requireCorpus(this);
    const r = await runCli(["decode", "--format", "json", join(q35, "SRAT.memhp"), join(q35, "SLIT.memhp"), join(q35, "APIC.xapic"), join(q35, "HMAT.acpihmat")]);
    expect(r.code).to.equal(0);
    const [srat, slit, madt, hmat] = tablesOf(r.stdout) as [Obj, Obj, Obj, Obj];
    expect(srat).to.include.keys("signature", "source", "header", "checksumValid", "tableRevision", "subtables", "diagnostics");
    expect(srat["signature"]).to.equal("SRAT");
    expect(srat["source"]).to.deep.equal({ file: join(q35, "SRAT.memhp"), name: "SRAT.memhp" });
    expect(srat["header"]).to.include({ signature: "SRAT", tableLength: 264, revision: 1, oemId: "BOCHS ", oemTableId: "BXPC    " });
    expect(srat["checksumValid"]).to.equal(true);
    const subs = srat["subtables"] as Obj[];
    expect(subs[0]).to.deep.include({ type: 0, length: 16, offset: 48, proximityDomainLow8: 0, apicId: 0, flags: { value: 1, enabled: true } });
    const mem = subs.find((s) => s["type"] === 1 && s["proximityDomain"] === 1 && s["flags"] !== undefined && (s["flags"] as Obj)["hotPluggable"] === true);
    expect(mem).to.deep.include({ baseAddress: "0x100000000", addressLength: "0xF8000000", flags: { value: 3, enabled: true, hotPluggable: true, nonVolatile: false, specificPurpose: false } });
    expect(slit).to.deep.include({ localityCount: 2, entries: [[10, 21], [21, 10]] });
    const x2 = (madt["subtables"] as Obj[]).find((s) => s["type"] === 9);
    expect(x2).to.include.keys("x2apicId", "processorUid", "flags");
    expect(x2?.["x2apicId"]).to.be.a("number");
    const lat = (hmat["subtables"] as Obj[]).find((s) => s["type"] === 1);
    expect(lat).to.deep.include({ dataType: 0, dataTypeName: "Access Latency", entryBaseUnit: 1000 });
    expect(lat?.["entries"]).to.include(65534);
  });

  it("selects tables with --table (case-insensitive, repeatable, comma lists)", async function () {
    requireCorpus(this);
    const r = await runCli(["decode", r820, "--format", "json", "--table", "slit", "-t", "APIC,SRAT"]);
    expect(r.code).to.equal(0);
    expect(tablesOf(r.stdout).map((t) => t["signature"])).to.deep.equal(["APIC", "SLIT", "SRAT"]);
  });

  it("--table selects, it does not reorder: tables keep the sources' order (README's jq example picks by signature)", async function () {
    const src = join(repoRoot, "samples", "4node");
    const j = await runCli(["decode", src, "--format", "json", "--table", "SRAT,SLIT"]);
    expect(tablesOf(j.stdout).map((t) => t["signature"])).to.deep.equal(["SLIT", "SRAT"]);
    const t = await runCli(["decode", src, "--table", "SRAT,SLIT"]);
    expect([...t.stdout.matchAll(/^\/\* (\w+) from /gm)].map((m) => m[1])).to.deep.equal(["SLIT", "SRAT"]);
  });

  it("exits 1 for a table with errors: a bad checksum, an overrun", async function () {
    requireCorpus(this);
    const bad = await runCli(["decode", join(S, "synthetic", "slit_badcsum.dat")]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.contain("Checksum : 6D     /* Incorrect checksum, should be 6C */");
    expect(bad.stdout).to.contain("**** ERROR TABLE_CHECKSUM at 0x009: checksum is 0x6D, should be 0x6C");
    expectOneLineError(bad.stderr, "slit_badcsum.dat: SLIT: offset 0x9: TABLE_CHECKSUM: checksum is 0x6D, should be 0x6C");
    const over = await runCli(["decode", "--format", "json", join(S, "synthetic", "srat_overrun.dat")]);
    expect(over.code).to.equal(1);
    const diags = tablesOf(over.stdout)[0]?.["diagnostics"] as Obj[];
    expect(diags[0]).to.include({ code: "SUBTABLE_OVERRUN", severity: "error", table: "SRAT", offset: 64 });
    expectOneLineError(over.stderr, "srat_overrun.dat: SRAT: offset 0x40: SUBTABLE_OVERRUN");
  });

  it("exits 0 with warnings only (nothing on stderr)", async function () {
    requireCorpus(this);
    const r = await runCli(["decode", join(S, "synthetic", "srat_unknown.dat")]);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal("");
    expect(r.stdout).to.contain("**** WARNING SUBTABLE_UNKNOWN_TYPE at 0x030");
  });

  it("exits 2 with one line naming the file: missing file, non-table file, bad options", async function () {
    requireCorpus(this);
    const missing = await runCli(["decode", join(tmp(), "nope.dat")]);
    expect(missing.code).to.equal(2);
    expectOneLineError(missing.stderr, "nope.dat", "no such file");
    const readme = await runCli(["decode", join(S, "SOURCES.md")]);
    expect(readme.code).to.equal(2);
    expectOneLineError(readme.stderr, "SOURCES.md", "neither an ACPI table");
    const garbage = join(tmp(), "garbage.bin");
    writeFileSync(garbage, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]));
    const elf = await runCli(["decode", garbage]);
    expect(elf.code).to.equal(2);
    expectOneLineError(elf.stderr, "garbage.bin", "offset 0x0");
    const fmt = await runCli(["decode", "--format", "xml", r820]);
    expect(fmt.code).to.equal(2);
    expectOneLineError(fmt.stderr, "xml");
    const sig = await runCli(["decode", "--table", "SRATS", r820]);
    expect(sig.code).to.equal(2);
    expectOneLineError(sig.stderr, "SRATS");
    const unknown = await runCli(["decode", "--frobnicate", r820]);
    expect(unknown.code).to.equal(2);
    expectOneLineError(unknown.stderr, "frobnicate");
  });

  it("exits 2 for a directory without tables, 1 when --table matches nothing", async function () {
    requireCorpus(this);
    const empty = join(tmp(), "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, "notes.txt"), "nothing here\n");
    const none = await runCli(["decode", empty]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain("no ACPI tables found");
    const absent = await runCli(["decode", r820, "--table", "HMAT"]);
    expect(absent.code).to.equal(1);
    expect(absent.stdout).to.equal("");
    expect(absent.stderr).to.match(/no HMAT table in the sources \(they have .*SRAT/);
  });

  it("reads acpidump text from stdin with -", async function () {
    requireCorpus(this);
    const r = await runCli(["decode", "-", "--table", "SLIT", "--format", "json"], { stdin: readFileSync(join(S, "fwts", "slit-acpidump-0001.log"), "latin1") });
    expect(r.code).to.equal(0);
    const [slit] = tablesOf(r.stdout);
    expect(slit?.["source"]).to.deep.equal({ file: "<stdin>", line: 26, name: "SLIT" });
    expect(slit?.["localityCount"]).to.equal(8);
  });

  it("reads directories: sysfs layout with dynamic/ (data/ ignored), and acpidump -b names", async function () {
    requireCorpus(this);
    const sysfs = join(tmp(), "sysfs");
    mkdirSync(join(sysfs, "dynamic"), { recursive: true });
    mkdirSync(join(sysfs, "data"));
    copyFileSync(join(q35, "SRAT.memhp"), join(sysfs, "SRAT"));
    copyFileSync(join(q35, "SLIT.memhp"), join(sysfs, "SLIT"));
    copyFileSync(join(q35, "APIC"), join(sysfs, "APIC"));
    const ssdt = join(S, "oracle", "01-two-nodes", "tables", "HPET");
    copyFileSync(ssdt, join(sysfs, "dynamic", "HPET2"));
    writeFileSync(join(sysfs, "data", "BERT"), Buffer.alloc(64, 0xff));
    const r = await runCli(["decode", sysfs, "--format", "json"]);
    expect(r.code).to.equal(0);
    expect(tablesOf(r.stdout).map((t) => [t["signature"], (t["source"] as Obj)["name"]])).to.deep.equal([
      ["APIC", "APIC"], ["HPET", "HPET2"], ["SLIT", "SLIT"], ["SRAT", "SRAT"],
    ]);
    const dashB = join(tmp(), "acpidump-b");
    mkdirSync(dashB);
    copyFileSync(join(q35, "SRAT.memhp"), join(dashB, "srat.dat"));
    copyFileSync(join(S, "synthetic", "srat_unknown.dat"), join(dashB, "srat2.dat"));
    copyFileSync(join(q35, "SLIT.memhp"), join(dashB, "slit.dat"));
    writeFileSync(join(dashB, "srat.dsl"), "/* iasl output is skipped */\n");
    const b = await runCli(["decode", dashB, "--table", "SRAT", "--format", "json"]);
    expect(b.code).to.equal(0);
    expect(tablesOf(b.stdout).map((t) => (t["source"] as Obj)["name"])).to.deep.equal(["srat.dat", "srat2.dat"]);
  });
  it("decodes every MADT type ACPI 6.6 defines: QEMU's LoongArch MADT validates --strict (exit 0), a TDX guest's 16-byte Multiprocessor Wakeup decodes clean", async function () {
    requireCorpus(this);
    const loong = await runCli(["validate", "--strict", join(S, "qemu", "loongarch64", "virt", "APIC")]);
    expect(loong.stdout).to.not.contain("SUBTABLE_UNKNOWN_TYPE");
    expect(loong.code, loong.stdout).to.equal(0);
    const text = await runCli(["decode", join(S, "qemu", "loongarch64", "virt", "APIC")]);
    expect(text.stdout).to.contain("Subtable Type : 15 [MSI Interrupt Controller]");
    expect(text.stdout).to.match(/\[\w+h \d+ {3}8\] +MsgAddress : 000000002FF00000\n/);
    // The MADT of an Intel TDX guest: header, fixed fields, one ACPI 6.4 wakeup structure (16 bytes, no ResetVector).
    const body = [0x10, 0x10, 0, 0, 0, 0, 0, 0, 0x00, 0xf0, 0xff, 0x7f, 0, 0, 0, 0];
    const bytes = new Uint8Array(44 + body.length);
    bytes.set(Buffer.from("APIC"), 0);
    new DataView(bytes.buffer).setUint32(4, bytes.length, true);
    bytes[8] = 5;
    bytes.set(body, 44);
    bytes[9] = (0x100 - bytes.reduce((a, b) => a + b, 0) % 0x100) % 0x100;
    const file = join(tmp(), "APIC");
    writeFileSync(file, bytes);
    const wake = await runCli(["decode", file, "--format", "json"]);
    expect(wake.code, wake.stderr).to.equal(0);
    const [madt] = tablesOf(wake.stdout);
    expect(madt?.["diagnostics"]).to.deep.equal([]);
    expect(madt?.["subtables"]).to.deep.equal([{ type: 16, length: 16, offset: 44, name: "Multiprocessor Wakeup", mailboxVersion: 0, reserved: 0, mailboxAddress: "0x7FFFF000" }]);
  });
  it("the header comment and skipped-file lines show a file name's newline, tab and escape characters as \\xNN, on one line", async function () {
    const slit = readFileSync(join("samples", "4node", "SLIT"));
    const dir = join(tmp(), "hostile\tdir");
    mkdirSync(dir);
    const file = join(dir, "SL\nIT\x1b[31m");
    writeFileSync(file, slit);
    const r = await runCli(["decode", file]);
    expect(r.code).to.equal(0);
    const first = r.stdout.split("\n")[0];
    expect(first).to.equal(`/* SLIT from ${tmp()}/hostile\\x09dir/SL\\x0AIT\\x1B[31m */`);
    expect(r.stdout.split("\n")[1]).to.match(/^\[000h 0000 {3}4\] +Signature : "SLIT"/);
    // A file a directory source skips is named on stderr and in validate's findings the same way.
    writeFileSync(join(dir, "read\x1b[31mme\nnow"), "hello\n");
    const skipped = `${tmp()}/hostile\\x09dir/read\\x1B[31mme\\x0Anow: neither an ACPI table nor acpidump text`;
    const d = await runCli(["decode", dir]);
    expect(d.stderr.split("\n").filter((l) => l !== "")).to.deep.equal([`numakit: ${skipped} (no "SIG @ 0x..." header with hex lines)`]);
    const v = await runCli(["validate", dir]);
    expect(v.stdout).to.contain(`SOURCE_SKIPPED  source: ${skipped}`);
  });
  it("a '*/' in the file name does not end the header comment early", async function () {
    // A directory named "a*" puts "*/" in the path (a signature is four letters, digits, "_" or " ").
    const dir = join(tmp(), "a*");
    mkdirSync(dir);
    writeFileSync(join(dir, "SLIT"), readFileSync(join("samples", "4node", "SLIT")));
    const r = await runCli(["decode", join(dir, "SLIT")]);
    expect(r.code, r.stderr).to.equal(0);
    const first = r.stdout.split("\n")[0] ?? "";
    expect(first).to.equal(`/* SLIT from ${tmp()}/a*\\/SLIT */`);
    // One comment: it opens at the start and its only end is the line's end.
    expect(first.indexOf("*/")).to.equal(first.length - 2);
  });
});
