import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { runCli } from "../helpers/cli.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { repoPath } from "../helpers/paths.js";
import { requireProgram } from "../helpers/skip.js";

/** `numakit extract` and `acpixtract -a` on the same dump: same tables, ours named as sysfs names them. */
async function extractLikeAcpixtract(dumpFile: string, expectNames: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "numakit-extract-"));
  const ours = join(dir, "ours");
  const theirs = join(dir, "theirs");
  try {
    const r = await runCli(["extract", dumpFile, "--out", ours]);
    expect(r.code).to.equal(0);
    const names = readdirSync(ours).sort();
    expect(names).to.include.members(expectNames);
    mkdirSync(theirs);
    execFileSync("acpixtract", ["-a", dumpFile], { cwd: theirs, stdio: "ignore" });
    const extracted = readdirSync(theirs);
    expect(extracted).to.have.length(names.length);
    for (const f of extracted) {
      const sysfsName = f.replace(/\.dat$/, "").toUpperCase();
      expect(Buffer.compare(readFileSync(join(theirs, f)), readFileSync(join(ours, sysfsName))), f).to.equal(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("numakit dump / extract", () => {
  it("dump of a binary directory equals the committed acpidump text", async () => {
    const r = await runCli(["dump", repoPath("samples", "4node")]);
    expect(r.code).to.equal(0);
    // Directory order is sorted by name; the committed dump puts DSDT first too, then APIC... so compare as table sets.
    const committed = readFileSync(repoPath("samples", "4node.acpidump.txt"), "utf8");
    const blocks = (s: string): string[] => s.split("\n\n").filter((b) => b.trim() !== "").sort();
    expect(blocks(r.stdout)).to.deep.equal(blocks(committed));
  });

  it("extract of samples/4node.acpidump.txt agrees with acpixtract byte for byte", async function () {
    requireProgram(this, "acpixtract");
    await extractLikeAcpixtract(repoPath("samples", "4node.acpidump.txt"), ["APIC", "DSDT", "HMAT", "SLIT", "SRAT"]);
  });

  it("extract names tables like sysfs (SSDT1, SSDT2, ...) and agrees with acpixtract on a real dump", async function () {
    requireCorpus(this);
    requireProgram(this, "acpixtract");
    await extractLikeAcpixtract(corpusPath("real", "hp-proliant-dl165-g7-1979FBF2D488.txt"), ["SRAT", "SLIT", "SSDT1", "SSDT2", "DSDT"]);
  });
  it("a dump cut short: extract and dump write the bytes present (as acpixtract does), name the table on stderr in one line and exit 1", async function () {
    const dir = mkdtempSync(join(tmpdir(), "numakit-trunc-"));
    try {
      const text = readFileSync(repoPath("samples", "4node.acpidump.txt"), "latin1").split("\n");
      const header = text.findIndex((l) => l.startsWith("SRAT @"));
      // The dump stops after the SRAT's first 20 hex lines (320 of its 1312 bytes).
      const file = join(dir, "cut.txt");
      writeFileSync(file, `${text.slice(0, header + 21).join("\n")}\n`, "latin1");
      const line = `numakit: ${file}:${String(header + 1)}: SRAT: offset 0x4: TABLE_TRUNCATED: declared length 1312 (0x520) but only 320 bytes are present; the bytes present are written\n`;
      const x = await runCli(["extract", file, "--out", join(dir, "out")]);
      expect(x.code).to.equal(1);
      expect(x.stderr).to.equal(line);
      expect(readFileSync(join(dir, "out", "SRAT")).length).to.equal(320);
      const d = await runCli(["dump", file, "--table", "SRAT"]);
      expect(d.code).to.equal(1);
      expect(d.stderr).to.equal(line);
      expect(d.stdout.split("\n").filter((l) => /^ {4}[0-9A-F]{4}: /.test(l))).to.have.length(20);
      // Whole tables: exit 0, nothing on stderr.
      const whole = await runCli(["dump", repoPath("samples", "4node.acpidump.txt")]);
      expect([whole.code, whole.stderr]).to.deep.equal([0, ""]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("dump keeps each table's physical address from acpidump text (0 for \"@ (nil)\" and for binaries)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "numakit-addr-"));
    try {
      let n = 0;
      const text = readFileSync(repoPath("samples", "4node.acpidump.txt"), "latin1")
        .replace(/^(\w{4}) @ 0x[0-9A-F]{16}$/gm, (_, sig: string) => `${sig} @ 0x${(0x7b6a1000 + 0x1000 * n++).toString(16).toUpperCase().padStart(16, "0")}`);
      expect(n).to.be.greaterThan(1);
      const file = join(dir, "addr.txt");
      writeFileSync(file, text, "latin1");
      const r = await runCli(["dump", file]);
      expect(r.code).to.equal(0);
      // ACPICA's own layout in, the same text out: addresses included.
      expect(r.stdout).to.equal(text);
      writeFileSync(file, text.replace(/^SLIT @ 0x[0-9A-F]+$/m, "SLIT @ (nil)"), "latin1");
      const nil = await runCli(["dump", file, "--table", "SLIT"]);
      expect(nil.stdout.split("\n")[0]).to.equal("SLIT @ 0x0000000000000000");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("a header line naming another signature than the bytes (\"SRAT @\" over a SLIT): decode, dump and extract all use the bytes' SLIT, with one warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "numakit-mism-"));
    try {
      const text = readFileSync(repoPath("samples", "4node.acpidump.txt"), "latin1").split("\n");
      const header = text.findIndex((l) => l.startsWith("SLIT @"));
      const end = text.findIndex((l, i) => i > header && l.trim() === "");
      const file = join(dir, "mism.txt");
      writeFileSync(file, `${["SRAT @ 0x0000000000000000", ...text.slice(header + 1, end)].join("\n")}\n\n`, "latin1");
      const warning = `numakit: ${file}:1: SLIT: offset 0x0: the dump's header line names it "SRAT" but its bytes are a SLIT: numakit uses the bytes' signature (acpixtract names its file by the header line)\n`;
      const d = await runCli(["decode", file]);
      expect([d.code, d.stderr, d.stdout.split("\n")[0]]).to.deep.equal([0, warning, `/* SLIT from ${file}:1 */`]);
      const p = await runCli(["dump", file]);
      expect([p.code, p.stderr, p.stdout.split("\n")[0]]).to.deep.equal([0, warning, "SLIT @ 0x0000000000000000"]);
      const x = await runCli(["extract", file, "--out", join(dir, "out")]);
      expect([x.code, x.stderr, readdirSync(join(dir, "out"))]).to.deep.equal([0, warning, ["SLIT"]]);
      const v = await runCli(["validate", "--strict", file]);
      expect(v.code).to.equal(1);
      expect(v.stdout).to.match(/warning TABLE_SIGNATURE_MISMATCH .*mism\.txt:1: SLIT: offset 0x0: the dump's header line names it "SRAT"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
