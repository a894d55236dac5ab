/**
 * Issue 12: firmware strings are hostile on a terminal too. A table whose OEM id and OEM table id
 * hold an ANSI escape sequence, a carriage return and a C1 CSI is printed by every text report with
 * visible escapes, and by every JSON report as the same string (\u escapes), never as raw bytes.
 */
import { expect } from "chai";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { repoRoot, runCli } from "../helpers/cli.js";
import { toJson, write } from "../../src/cli/output.js";
import { amlDevice, amlName, amlScope, amlString, encodeInt, encodeTable, seg } from "../aml/encoder.js";

/** Any C0 control but tab and newline, DEL, or C1. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("terminal safety (issue 12)", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "numakit-term-"));
    cpSync(join(repoRoot, "samples", "4node"), join(dir, "host"), { recursive: true });
    for (const sig of ["SRAT", "SLIT"]) {
      const b = readFileSync(join(dir, "host", sig));
      b.set([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0d], 10); // OEM ID: ESC [ 3 1 m CR
      b.set([0x41, 0xc2, 0x9b, 0x32, 0x4a, 0x07, 0x08, 0x7f], 16); // OEM table id: A, UTF-8 CSI, 2J, BEL, BS, DEL
      let sum = 0;
      b[9] = 0;
      for (const x of b) sum = (sum + x) & 0xff;
      b[9] = (0x100 - sum) & 0xff;
      writeFileSync(join(dir, "host", sig), b);
    }
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it("text and JSON reports print no raw control character; JSON keeps the string", async () => {
    const host = join(dir, "host");
    const runs = [["decode", host], ["namespace", host], ["topology", host], ["validate", "--all", host], ["dump", host], ["topology", "--format", "markdown", host], ["topology", "--format", "hwloc-xml", host]];
    for (const argv of [...runs, ...runs.slice(0, 4).map((a) => [...a, "--format", "json"])]) {
      const r = await runCli(argv);
      expect(r.stdout, argv.join(" ")).to.not.match(RAW_CONTROL);
      expect(r.stderr, argv.join(" ")).to.not.match(RAW_CONTROL);
    }
    const json = await runCli(["decode", host, "--table", "SRAT", "--format", "json"]);
    const srat = (JSON.parse(json.stdout) as { tables: { header: { oemId: string; oemTableId: string } }[] }).tables[0];
    expect(srat?.header.oemId).to.equal("\u001b[31m\r");
    expect(json.stdout).to.contain("\\u001b[31m\\r");
  });

  it("a newline or tab in a firmware string (OEM table id, _HID, _CID, AML name) stays on its line in every text report", async () => {
    // Twins: the same host with "A\nB\tC" and with "A_B_C" in every OEM table id and in the DSDT's _HID and _CID.
    const twin = (name: string, s: string): string => {
      const host = join(dir, name);
      cpSync(join(repoRoot, "samples", "4node"), host, { recursive: true });
      writeFileSync(join(host, "DSDT"), encodeTable(amlScope([0x5c, ...seg("_SB")],
        amlDevice("PCI0", amlName("_HID", amlString(`PNP${s}`)), amlName("_CID", amlString(`X${s}`)), amlName("_UID", amlString(s)), amlName("_PXM", encodeInt(1n))))));
      for (const sig of ["APIC", "SRAT", "SLIT", "HMAT", "DSDT"]) {
        const b = readFileSync(join(host, sig));
        b.set(Buffer.from(s, "latin1"), 16);
        let sum = 0;
        b[9] = 0;
        for (const x of b) sum = (sum + x) & 0xff;
        b[9] = (0x100 - sum) & 0xff;
        writeFileSync(join(host, sig), b);
      }
      return host;
    };
    const evil = twin("evil", "A\nB\tC");
    const good = twin("good", "A_B_C");
    const lines = (t: string): number => t.split("\n").length;
    for (const argv of [["namespace"], ["namespace", "--all"], ["topology"], ["topology", "--numbering", "xen"], ["validate", "--all"], ["scan"]]) {
      const [e, g] = [await runCli([...argv, evil]), await runCli([...argv, good])];
      expect(lines(e.stdout), argv.join(" ")).to.equal(lines(g.stdout));
      expect(e.stdout, argv.join(" ")).to.not.match(/\t/);
    }
    expect((await runCli(["namespace", evil])).stdout).to.include("_HID PNPA\\x0AB\\x09C  _CID XA\\x0AB\\x09C");
    expect((await runCli(["topology", evil])).stdout).to.include("\\_SB.PCI0 (PNPA\\x0AB\\x09C)\n");
    expect((await runCli(["scan", evil])).stdout).to.include(" A\\x0AB\\x09C");
  });

  it("the one output path escapes what a renderer missed (an AML name, a _HID string): text as \\xNN, JSON as \\u", async () => {
    let got = "";
    const sink = new Writable({ write(c: Buffer, _e, cb) { got += c.toString("utf8"); cb(); } });
    await write("\\_SB.P\u001b[2J\tx\u009b\n", sink);
    expect(got).to.equal("\\_SB.P\\x1B[2J\tx\\x9B\n");
    expect(toJson({ s: "a\u007f\u009bb\u0007" })).to.equal('{\n  "s": "a\\u007f\\u009bb\\u0007"\n}');
    expect(JSON.parse(toJson({ s: "a\u007f\u009bb" }))).to.deep.equal({ s: "a\u007f\u009bb" });
  });
});
