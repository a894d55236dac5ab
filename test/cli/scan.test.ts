/**
 * `numakit scan` and `numakit diff` as a user runs them: formats, --out, exit codes, the
 * one-line errors, and Ctrl-C during a scan (rows so far are written, exit 130).
 */
import { spawn } from "node:child_process";
import { copyFileSync, linkSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { childEnv, repoRoot, runCli } from "../helpers/cli.js";
import { schemaErrors as validateAgainst } from "../helpers/schema.js";
import { CSV_COLUMNS } from "../../src/report/scan.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const samples = join(repoRoot, "samples");

describe("cli: numakit scan", function () {
  this.timeout(180_000);
  const tmp = tmpDirPerSuite("scan-cli");

  it("--format jsonl: one schema-valid object per source, exit 0", async () => {
    const r = await runCli(["scan", samples, "--format", "jsonl", "--jobs", "2"]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { source: string; status: string });
    // scenarios/*.json and src/*.asl are passed over as a table directory would pass them over.
    expect(rows.map((x) => [x.source.slice(samples.length + 1), x.status])).to.deep.equal([
      ["2socket", "ok"], ["2socket.acpidump.txt", "ok"], ["4node", "ok"], ["4node.acpidump.txt", "ok"], ["cxl", "ok"], ["cxl.acpidump.txt", "ok"],
    ]);
    for (const row of rows) expect(validateAgainst("scan-row.schema.json", row)).to.deep.equal([]);
    expect(r.stderr).to.equal("");
  });

  it("--format csv --out FILE writes a header and one line per source; text ends with the summary", async () => {
    const out = join(tmp(), "fleet.csv");
    const csv = await runCli(["scan", join(samples, "4node"), join(samples, "2socket"), "-f", "csv", "-o", out, "-j", "1"]);
    expect(csv.code, csv.stderr).to.equal(0);
    expect(csv.stdout).to.equal("");
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).to.equal(CSV_COLUMNS.join(","));
    expect(lines).to.have.length(3);
    expect(lines[1]).to.match(/^.*samples\/4node,ok,,NUMAKT,NK4NODE,1,APIC HMAT SLIT SRAT,4,4,64,64,0,/);
    const text = await runCli(["scan", join(samples, "4node"), join(samples, "4node.acpidump.txt"), "-j", "1"]);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/^LINUX\s+XEN\s+CPUS\s+MEMORY/);
    expect(text.stdout).to.contain("2 sources: 2 hosts read, 0 skipped (not ACPI data), 0 unreadable");
    expect(text.stdout).to.match(/hosts by fingerprint \(NUMA tables\): 1 distinct firmware\n\s+2 {2}[0-9a-f]{12} {2}Linux 4 nodes, Xen 4 nodes {2}NUMAKT NK4NODE/);
  });

  it("exit 2 when nothing could be read, exit 1 when a source is unreadable, --strict on error findings", async () => {
    const notes = join(tmp(), "notes");
    mkdirSync(notes);
    writeFileSync(join(notes, "a.txt"), "not a dump\n");
    const none = await runCli(["scan", notes, "-j", "1"]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.equal("numakit: no host could be read (1 skipped as not ACPI data, 0 unreadable)\n");
    const missing = await runCli(["scan", join(samples, "4node"), join(tmp(), "missing.txt"), "-f", "jsonl", "-j", "1"]);
    expect(missing.code).to.equal(1);
    expect(missing.stdout).to.contain('"status":"error","error":{"code":"E_INPUT_MISSING"');
    // A table with a bad checksum is an error finding: exit 0, or 1 with --strict.
    const bad = join(tmp(), "bad");
    mkdirSync(bad);
    const srat = readFileSync(join(samples, "4node", "SRAT"));
    srat[9] = (srat[9] ?? 0) ^ 0xff;
    writeFileSync(join(bad, "SRAT"), srat);
    copyFileSync(join(samples, "4node", "APIC"), join(bad, "APIC"));
    expect((await runCli(["scan", bad, "-j", "1"])).code).to.equal(0);
    expect((await runCli(["scan", bad, "-j", "1", "--strict"])).code).to.equal(1);
  });

  it("bad usage is one line and exit 2", async () => {
    // One --jobs parser for scan and sim --seeds (src/cli/args.ts): it quotes what was typed.
    for (const j of ["0", "abc", "2x", "1025"]) {
      const r = await runCli(["scan", samples, "--jobs", j]);
      expect(r.code, j).to.equal(2);
      expect(r.stderr).to.equal(`numakit: --jobs takes a whole number from 1 to 1024, not "${j}"\n`);
    }
    const f = await runCli(["scan", samples, "--format", "json"]);
    expect(f.code).to.equal(2);
    expect(f.stderr.trim().split("\n")).to.have.length(1);
  });

  it("Ctrl-C stops the scan: the rows finished so far are written, exit 130", async function () {
    // 400 hosts (hard links of one dump): long enough to interrupt after the first rows.
    const fleet = join(tmp(), "fleet");
    mkdirSync(fleet);
    for (let i = 0; i < 400; i++) linkSync(join(samples, "4node.acpidump.txt"), join(fleet, `host${i}.txt`));
    const tsx = pathToFileURL(join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", tsx, join(repoRoot, "src", "cli", "run.ts"), "scan", fleet, "-f", "jsonl", "-j", "1"], { cwd: repoRoot, env: childEnv() });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (!sent) { sent = true; child.kill("SIGINT"); }
    });
    const code = await new Promise<number | null>((resolve) => { child.on("close", resolve); });
    expect(code, stderr).to.equal(130);
    expect(stderr).to.match(/^numakit: interrupted after \d+ of 400 sources; their rows are written\n$/);
    const rows = stdout.trim().split("\n");
    expect(rows.length).to.be.greaterThan(0).and.lessThan(400);
    for (const l of rows) expect((JSON.parse(l) as { status: string }).status).to.equal("ok");
  });
});

describe("cli: numakit diff", function () {
  this.timeout(120_000);

  it("diff X X: identical topology, exit 0; the same firmware as text and as a directory too", async () => {
    const same = await runCli(["diff", join(samples, "4node"), join(samples, "4node")]);
    expect(same.code).to.equal(0);
    expect(same.stdout.split("\n")[0]).to.equal("identical topology");
    const forms = await runCli(["diff", join(samples, "4node"), join(samples, "4node.acpidump.txt"), "--format", "json"]);
    expect(forms.code).to.equal(0);
    expect(validateAgainst("diff.schema.json", JSON.parse(forms.stdout))).to.deep.equal([]);
  });

  it("two hosts: the summary line first, exit 1; JSON follows the schema", async () => {
    const r = await runCli(["diff", join(samples, "4node"), join(samples, "2socket")]);
    expect(r.code).to.equal(1);
    expect(r.stdout.split("\n")[0]).to.match(/^different: 2 nodes removed, 16 CPUs moved, 32 CPUs removed, 2 memory ranges removed, /);
    expect(r.stdout).to.contain("  ~ APIC 32-47: node 2 (PXM 2) -> node 1 (PXM 1)\n");
    const j = await runCli(["diff", join(samples, "4node"), join(samples, "2socket"), "-f", "json", "--numbering", "pxm"]);
    expect(j.code).to.equal(1);
    const d = JSON.parse(j.stdout) as Record<string, unknown>;
    expect(validateAgainst("diff.schema.json", d)).to.deep.equal([]);
    expect(d["identical"]).to.equal(false);
  });

  it("an unusable source is exit 2 with one line", async () => {
    const r = await runCli(["diff", join(samples, "4node"), join(samples, "nope")]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^numakit: .*samples\/nope: no such file or directory\n$/);
  });
});
