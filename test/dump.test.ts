import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { runCli, repoRoot, sharedSamples } from "./helpers/cli.js";

describe("numakit dump / extract", () => {
  it("dump of a binary directory equals the committed acpidump text", async () => {
    const r = await runCli(["dump", join(repoRoot, "samples", "4node")]);
    expect(r.code).to.equal(0);
    // Directory order is sorted by name; the committed dump puts DSDT first too, then APIC... so compare as table sets.
    const committed = readFileSync(join(repoRoot, "samples", "4node.acpidump.txt"), "utf8");
    const blocks = (s: string): string[] => s.split("\n\n").filter((b) => b.trim() !== "").sort();
    expect(blocks(r.stdout)).to.deep.equal(blocks(committed));
  });

  it("extract names tables like sysfs and agrees with acpixtract byte for byte", async function () {
    const dir = mkdtempSync(join(tmpdir(), "numakit-extract-"));
    const ours = join(dir, "ours");
    const theirs = join(dir, "theirs");
    try {
      const dumpFile = join(sharedSamples, "real", "hp-proliant-dl165-g7-1979FBF2D488.txt");
      const r = await runCli(["extract", dumpFile, "--out", ours]);
      expect(r.code).to.equal(0);
      const names = readdirSync(ours).sort();
      expect(names).to.include.members(["SRAT", "SLIT", "SSDT1", "SSDT2", "DSDT"]);
      let hasIasl = true;
      try { execFileSync("acpixtract", ["-h"], { stdio: "ignore" }); } catch { hasIasl = false; }
      if (!hasIasl) { this.skip(); return; }
      execFileSync("mkdir", ["-p", theirs]);
      execFileSync("acpixtract", ["-a", dumpFile], { cwd: theirs, stdio: "ignore" });
      for (const f of readdirSync(theirs)) {
        const sysfsName = f.replace(/\.dat$/, "").toUpperCase();
        expect(Buffer.compare(readFileSync(join(theirs, f)), readFileSync(join(ours, sysfsName))), f).to.equal(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("extract without --out is a usage error (exit 2) and writes nothing", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "numakit-noout-"));
    try {
      const r = await runCli(["extract", join(repoRoot, "samples", "4node")], { cwd });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/out/);
      expect(readdirSync(cwd)).to.deep.equal([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
