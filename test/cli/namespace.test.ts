/** `numakit namespace` end to end, through the real CLI. */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { compileFixture, withTmpAsync } from "../helpers/aml.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { requireProgram } from "../helpers/skip.js";

const dell = corpusPath("real", "dell-poweredge-r820-E5985CCBA349.txt");

describe("cli: numakit namespace", function () {
  this.timeout(60_000);

  it("lists the devices with _PXM in an acpidump text file", async function () {
    requireCorpus(this);
    const r = await runCli(["namespace", dell]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain("\\_SB.PCI1  (Device, DSDT 0x559E)");
    expect(r.stdout).to.contain("_PXM  2 [static, DSDT 0x55C5]");
    expect(r.stdout).to.match(/163 devices \(6 listed/);
    expect(r.stderr).to.equal("");
  });

  it("emits JSON with every device under --all", async function () {
    requireCorpus(this);
    const r = await runCli(["namespace", "--all", "--format", "json", corpusPath("oracle", "07-hotplug-maxmem", "tables")]);
    expect(r.code).to.equal(0);
    const j = JSON.parse(r.stdout) as { tables: { label: string; pxmObjects: number }[]; devices: { path: string; pxm?: { static: boolean; reason?: string } }[]; objects: unknown[]; diagnostics: unknown[] };
    expect(j.tables).to.have.length(1);
    expect(j.tables[0]).to.include({ label: "DSDT", pxmObjects: 8 });
    expect(j.devices.length).to.equal(41);
    const mem = j.devices.find((d) => d.path === "\\_SB.MHPC.MP00");
    expect(mem?.pxm).to.include({ static: false });
    expect(mem?.pxm?.reason).to.match(/MPXM/);
    expect(j.diagnostics).to.deep.equal([]);
  });

  it("exits 2 with one line when the sources hold no DSDT or SSDT", async function () {
    requireCorpus(this);
    const r = await runCli(["namespace", corpusPath("qemu", "x86", "q35", "SRAT.numamem")]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.contain("no DSDT or SSDT");
  });

  it("exits 1 and reports diagnostics on stderr for a truncated table", async function () {
    requireProgram(this, "iasl");
    const dsdt = compileFixture("dsdt-numa");
    const slit = new Uint8Array(48);
    slit.set([0x53, 0x4c, 0x49, 0x54, 48]);
    slit[36] = 4;
    await withTmpAsync(async (dir) => {
      const cut = dsdt.slice(0, 0x120);
      writeFileSync(join(dir, "DSDT"), cut);
      writeFileSync(join(dir, "SLIT"), slit);
      const r = await runCli(["namespace", dir]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/numakit: error: \S+\/DSDT: DSDT: offset 0x4: header Length .* \[AML_TABLE_TRUNCATED\]/);
      expect(r.stdout).to.contain("\\_SB.PCI0");
      writeFileSync(join(dir, "DSDT"), dsdt);
      const ok = await runCli(["namespace", dir]);
      expect(ok.code).to.equal(0);
      expect(ok.stdout).to.contain("row    17 21 14 23 10");
    });
  });
});
