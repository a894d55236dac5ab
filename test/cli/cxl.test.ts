import { expect } from "chai";
import { join } from "node:path";
import { runCli, repoRoot } from "../helpers/cli.js";
import { schemaErrors as validateAgainst } from "../helpers/schema.js";

const cxl = join(repoRoot, "samples", "cxl");

describe("numakit topology / validate --kernel (CLI, CXL)", () => {
  it("topology samples/cxl: kinds, tiers and the CXL section; --kernel changes the rules", async () => {
    const now = await runCli(["topology", cxl]);
    expect(now.code).to.equal(0);
    expect(now.stdout).to.include("kind: CXL window; memory tier 22");
    expect(now.stdout).to.include("memory_tier50: node 2");
    expect(now.stdout).to.include("Linux: not in the SRAT: node 3 with fake PXM 3");
    expect(now.stdout).to.include("plus 1 possible node (3) for CXL windows the SRAT does not describe (Linux 6.12).");
    const old = await runCli(["topology", cxl, "--kernel", "5.15"]);
    expect(old.stdout).to.include("Linux before 5.17 does not read CFMWS at boot: no node");
    expect(old.stdout).to.not.include("memory tiers");
  });

  it("topology --format json (CXL) validates against the schema", async () => {
    for (const kernel of ["6.1", "6.12"]) {
      const r = await runCli(["topology", cxl, "--format", "json", "--kernel", kernel]);
      expect(r.code).to.equal(0);
      const j = JSON.parse(r.stdout) as { kernel: string; cxl: { windows: { linux: { action: string } }[] }; nodes: { kind: string }[] };
      expect(validateAgainst("topology.schema.json", j)).to.deep.equal([]);
      expect(j.kernel).to.equal(kernel);
      expect(j.cxl.windows.map((w) => w.linux.action)).to.deep.equal([kernel === "6.1" ? "srat-covers" : "srat-extended", "new-node"]);
      expect(j.nodes.map((n) => n.kind)).to.deep.equal(["dram", "dram", "specific-purpose", "cxl-window", "generic-port", "generic-port"]);
    }
  });

  it("--kernel must be a version: exit 2 with one line", async () => {
    for (const cmd of ["topology", "validate"]) {
      const r = await runCli([cmd, cxl, "--kernel", "six"]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal('numakit: --kernel takes a Linux version such as 6.1 or 6.12, not "six"\n');
    }
  });

  it("decode prints the CEDT in iasl's layout", async () => {
    const r = await runCli(["decode", cxl, "--table", "CEDT"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("[0B4h 0180   4]                  Next Target : 000000DE");
  });
});
