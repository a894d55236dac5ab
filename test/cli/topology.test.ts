import { expect } from "chai";
import { join } from "node:path";
import { runCli, repoRoot, sharedSamples } from "../helpers/cli.js";
import { validateAgainst } from "../helpers/schema.js";

const oracle = (c: string): string => join(sharedSamples, "oracle", c, "tables");

describe("numakit topology / validate (CLI)", () => {
  it("topology: the numactl --hardware block comes first, byte for byte", async () => {
    const r = await runCli(["topology", oracle("04-memory-only-node")]);
    expect(r.code).to.equal(0);
    expect(r.stdout.split("\n").slice(0, 15).join("\n")).to.equal([
      "available: 3 nodes (0-2)",
      "node 0 cpus: 0 1", "node 0 size: 511 MB", "node 0 free: <not available>",
      "node 1 cpus: 2 3", "node 1 size: 512 MB", "node 1 free: <not available>",
      "node 2 cpus:", "node 2 size: 512 MB", "node 2 free: <not available>",
      "node distances:",
      "node   0   1   2 ",
      "  0:  10  20  30 ",
      "  1:  20  10  30 ",
      "  2:  30  30  10 ",
    ].join("\n"));
    expect(r.stdout).to.include("Linux will use 3 nodes; the SLIT: yes.");
  });

  it("topology --format json --numbering pxm validates against the schema", async () => {
    const r = await runCli(["topology", join(repoRoot, "samples", "4node"), "--format", "json", "--numbering", "pxm"]);
    expect(r.code).to.equal(0);
    const j = JSON.parse(r.stdout) as { numbering: string; nodes: unknown[] };
    expect(validateAgainst("topology.schema.json", j)).to.deep.equal([]);
    expect(j.numbering).to.equal("pxm");
    expect(j.nodes.length).to.equal(4);
  });

  it("validate: exit 0 when clean, 1 with --strict on warnings, 1 on errors", async () => {
    const clean = await runCli(["validate", oracle("02-four-nodes-asym")]);
    expect(clean.code).to.equal(0);
    expect(clean.stdout).to.match(/findings: 0 errors, 0 warnings, 1 info/);
    const hot = await runCli(["validate", join(sharedSamples, "fwts", "msct-acpidump-0002.log"), "--strict"]);
    expect(hot.code).to.equal(1);
    const bad = await runCli(["validate", join(sharedSamples, "fwts", "slit-acpidump-0002.log"), "--format", "json"]);
    expect(bad.code).to.equal(1);
    expect(validateAgainst("validate.schema.json", JSON.parse(bad.stdout))).to.deep.equal([]);
  });

  it("exit 2 on unusable input and bad usage", async () => {
    const missing = await runCli(["topology", "/nonexistent/tables"]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^numakit: /);
    const empty = await runCli(["validate", join(repoRoot, "samples", "src")]);
    expect(empty.code).to.equal(2);
    expect(empty.stderr).to.match(/no ACPI tables/);
    const usage = await runCli(["topology", oracle("01-two-nodes"), "--numbering", "bogus"]);
    expect(usage.code).to.equal(2);
  });
});

describe("decode and topology agree on the samples (CLI)", () => {
  it("every SRAT CPU and memory entry decode shows is placed by topology", async () => {
    const dir = join(repoRoot, "samples", "4node");
    const [text, json, topo] = await Promise.all([
      runCli(["decode", dir, "--table", "SRAT"]),
      runCli(["decode", dir, "--table", "SRAT,SLIT", "--format", "json"]),
      runCli(["topology", dir, "--format", "json"]),
    ]);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.include("[Memory Affinity]");
    const decoded = JSON.parse(json.stdout) as { tables: { signature: string; subtables?: { type: number }[] }[] };
    const srat = decoded.tables.find((t) => t.signature === "SRAT");
    const t = JSON.parse(topo.stdout) as { nodes: { cpus: unknown[]; memory: unknown[] }[] };
    const placed = t.nodes.reduce((n, node) => n + node.cpus.length + node.memory.length, 0);
    expect(srat?.subtables?.filter((s) => s.type === 0 || s.type === 1).length).to.equal(placed);
  });
});
