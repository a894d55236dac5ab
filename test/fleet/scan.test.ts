/**
 * The fleet scan as a library: host discovery, rows (values, schema, fingerprints), the worker
 * pool (order, --jobs 1 = --jobs 2, abort), over samples/ and the whole corpus.
 */
import { mkdirSync, copyFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "chai";
import { findHosts } from "../../src/fleet/hosts.js";
import { scanPool } from "../../src/fleet/pool.js";
import type { HostRow, ScanRow } from "../../src/fleet/row.js";
import { scanHost } from "../../src/fleet/scan-host.js";
import { ScanSummary } from "../../src/fleet/summary.js";
import { csvCell, csvHeader, csvLine, summaryText, textLine } from "../../src/report/scan.js";
import { repoRoot } from "../helpers/cli.js";
import { corpusRoot as sharedSamples, corpusTables, requireCorpus } from "../helpers/corpus.js";
import { schemaErrors as validateAgainst } from "../helpers/schema.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const samples = join(repoRoot, "samples");

async function collect(sources: readonly string[], jobs: number): Promise<ScanRow[]> {
  const rows: ScanRow[] = [];
  for await (const r of scanPool(sources, { jobs })) rows.push(r);
  return rows;
}

function ok(row: ScanRow | undefined): HostRow {
  if (row?.status !== "ok") throw new Error(`expected a host row, got ${JSON.stringify(row)}`);
  return row;
}

describe("scan: host discovery", () => {
  const tmp = tmpDirPerSuite("scan");

  it("a table directory is one host, a text dump is one host, other directories are walked", async () => {
    const fleet = join(tmp(), "fleet");
    mkdirSync(join(fleet, "rack1", "host-a"), { recursive: true });
    mkdirSync(join(fleet, "rack2"), { recursive: true });
    for (const t of ["SRAT", "SLIT", "APIC"]) copyFileSync(join(samples, "4node", t), join(fleet, "rack1", "host-a", t));
    copyFileSync(join(samples, "2socket.acpidump.txt"), join(fleet, "rack2", "host-b.txt"));
    writeFileSync(join(fleet, "rack2", "notes.txt"), "collected on Tuesday\n");
    writeFileSync(join(fleet, "README.md"), "# ignored like in a table directory\n");
    symlinkSync(fleet, join(fleet, "rack2", "loop")); // walked once
    const hosts = await findHosts([fleet]);
    expect(hosts.map((h) => relative(fleet, h))).to.deep.equal(["rack1/host-a", "rack2/host-b.txt", "rack2/notes.txt"]);
    const rows = await collect(hosts, 2);
    expect(rows.map((r) => r.status)).to.deep.equal(["ok", "ok", "skipped"]);
    expect(ok(rows[0]).nodes).to.deep.equal({ linux: 4, xen: 4 });
    expect(ok(rows[1]).nodes).to.deep.equal({ linux: 2, xen: 2 });
    const skipped = rows[2];
    expect(skipped?.status === "skipped" ? skipped.error.code : "").to.equal("E_INPUT_FORMAT");
  });

  it("acpidump text files beside binary tables are hosts of their own, not merged with the binaries", async () => {
    // A folder of text dumps with one stray binary table was one host made of every dump (TABLE_DUPLICATE).
    const fleet = join(tmp(), "mixed");
    mkdirSync(fleet);
    copyFileSync(join(samples, "2socket.acpidump.txt"), join(fleet, "a.txt"));
    copyFileSync(join(samples, "cxl.acpidump.txt"), join(fleet, "b.txt"));
    copyFileSync(join(samples, "4node", "SLIT"), join(fleet, "stray-slit.bin"));
    const hosts = await findHosts([fleet]);
    expect(hosts.map((h) => relative(fleet, h))).to.deep.equal(["", "a.txt", "b.txt"]);
    const rows = (await collect(hosts, 2)).map(ok);
    const alone = await Promise.all([join(fleet, "stray-slit.bin"), join(samples, "2socket.acpidump.txt"), join(samples, "cxl.acpidump.txt")].map(async (f) => ok(await scanHost(f)).fingerprint));
    expect(rows.map((r) => r.fingerprint)).to.deep.equal(alone);
    expect(rows.map((r) => r.nodes.linux)).to.deep.equal([1, 2, ok(await scanHost(join(samples, "cxl.acpidump.txt"))).nodes.linux]);
    expect(rows.flatMap((r) => r.findings.map((f) => f.code))).to.not.include("TABLE_DUPLICATE");
  });

  it("a table directory with its own host's text dump: two hosts with one fingerprint, no duplicate tables", async () => {
    const combo = join(tmp(), "combo");
    mkdirSync(combo);
    for (const t of readdirSync(join(samples, "4node"))) copyFileSync(join(samples, "4node", t), join(combo, t));
    copyFileSync(join(samples, "4node.acpidump.txt"), join(combo, "dump.txt"));
    const rows = (await collect(await findHosts([combo]), 1)).map(ok);
    expect(rows.map((r) => relative(combo, r.source))).to.deep.equal(["", "dump.txt"]);
    expect(rows[0]?.fingerprint).to.equal(rows[1]?.fingerprint).and.to.equal(ok(await scanHost(join(samples, "4node.acpidump.txt"))).fingerprint);
    expect(rows[0]?.findings.map((f) => f.code)).to.not.include("TABLE_DUPLICATE");
  });

  it("a file named twice is one host, as a directory named twice is", async () => {
    const dump = join(samples, "2socket.acpidump.txt");
    const dir = join(samples, "4node");
    expect(await findHosts([dump, dir, dump, dir, join(tmp(), "nope"), join(tmp(), "nope")])).to.deep.equal([dump, dir, join(tmp(), "nope")]);
  });

  it("a missing path is a row that says so, not an abort", async () => {
    const rows = await collect(await findHosts([join(tmp(), "nope"), join(samples, "4node")]), 1);
    expect(rows.map((r) => r.status)).to.deep.equal(["error", "ok"]);
    expect(rows[0]?.status === "error" ? rows[0].error : undefined).to.deep.equal({ code: "E_INPUT_MISSING", message: "no such file or directory" });
  });
});

describe("scan: rows", () => {
  it("samples/4node: the numbers the topology report gives, and the schema", async () => {
    const row = ok(await scanHost(join(samples, "4node")));
    expect(row).to.deep.include({
      status: "ok", tables: ["APIC", "HMAT", "SLIT", "SRAT"], nodes: { linux: 4, xen: 4 }, cpus: { total: 64, enabled: 64, unplaced: 0 },
      distanceSource: "SLIT", hmat: true, linuxFallback: false, linuxXenDisagree: false,
    });
    expect(row.oem).to.deep.equal({ id: "NUMAKT", tableId: "NK4NODE", revision: 1, from: "DSDT" });
    // Node 0: 640 KiB below 1 MiB, 1 MiB..2 GiB, 62 GiB from 4 GiB; nodes 1-3: 64 GiB each.
    expect(row.memoryBytes).to.equal(0xa0000 + (2 * 2 ** 30 - 2 ** 20) + 62 * 2 ** 30 + 3 * 64 * 2 ** 30);
    expect(validateAgainst("scan-row.schema.json", row)).to.deep.equal([]);
  });

  it("the same firmware as a table directory and as acpidump text has one fingerprint; other firmware another", async () => {
    const dir = ok(await scanHost(join(samples, "4node")));
    const txt = ok(await scanHost(join(samples, "4node.acpidump.txt")));
    const other = ok(await scanHost(join(samples, "2socket")));
    expect(txt.fingerprint).to.equal(dir.fingerprint);
    expect(other.fingerprint).to.not.equal(dir.fingerprint);
  });
});

describe("scan: output formats", () => {
  it("CSV cells are quoted per RFC 4180 and never start a formula", () => {
    expect(csvCell('a,"b"')).to.equal('"a,""b"""');
    expect(csvCell("=HYPERLINK(1)")).to.equal("'=HYPERLINK(1)");
    expect(csvCell(-1)).to.equal("-1");
    expect(csvHeader().split(",")).to.have.length(csvLine({ schemaVersion: 1, source: "x", status: "error", error: { code: "E_X", message: "m" } }).split(",").length);
  });

  it("text rows show firmware strings and paths without control characters", async () => {
    const row = ok(await scanHost(join(samples, "4node")));
    const hostile = { ...row, source: "evil\u001b[2J.txt", oem: { ...row.oem, id: "\u001b]0;x\u0007" } };
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(textLine(hostile)).to.not.match(/[\u0000-\u0008\u000b-\u001f]/);
    expect(textLine(hostile)).to.contain("\\x1B");
  });
});

describe("scan: samples/ and the corpus through the pool", function () {
  this.timeout(300_000);
  let hosts: string[] = [];
  let expected: string[] = [];
  before(async function () {
    requireCorpus(this);
    hosts = await findHosts([samples, sharedSamples]);
    // The hosts the corpus holds, derived from the corpus helper's own enumeration: a QEMU machine
    // directory, an oracle tables/ directory and synthetic/ are one host each; a dump file is one.
    const unit = (file: string): string => {
      const p = file.split("/");
      if (p[0] === "qemu") return p.slice(0, 3).join("/");
      if (p[0] === "oracle") return p.slice(0, 3).join("/");
      if (p[0] === "synthetic") return "synthetic";
      return file;
    };
    expected = [...new Set(corpusTables().filter((t) => t.group !== "iasl-src").map((t) => unit(t.file)))].sort();
  });

  it("one row per host, no crash, the same rows with --jobs 1 and --jobs 2", async () => {
    const one = await collect(hosts, 1);
    const two = await collect(hosts, 2);
    expect(two).to.deep.equal(one);
    expect(one.map((r) => r.source)).to.deep.equal(hosts);
    expect(one.filter((r) => r.status === "error")).to.deep.equal([]);
    const corpusHosts = one.filter((r) => r.status === "ok" && r.source.startsWith(sharedSamples)).map((r) => relative(sharedSamples, r.source)).sort();
    expect(corpusHosts).to.deep.equal(expected);
    const sampleHosts = one.filter((r) => r.status === "ok" && r.source.startsWith(samples)).map((r) => relative(samples, r.source));
    expect(sampleHosts).to.deep.equal(["2socket", "2socket.acpidump.txt", "4node", "4node.acpidump.txt", "cxl", "cxl.acpidump.txt"]);
    for (const r of one) expect(validateAgainst("scan-row.schema.json", r), r.source).to.deep.equal([]);
    const s = new ScanSummary();
    for (const r of one) s.add(r);
    expect(s.hosts).to.equal(expected.length + sampleHosts.length);
    expect(summaryText(s)).to.contain(`${s.hosts} hosts read`);
  });

  it("an aborted scan stops early and yields only finished rows, in order", async () => {
    const stop = new AbortController();
    const rows: ScanRow[] = [];
    for await (const r of scanPool(hosts, { jobs: 2, signal: stop.signal })) { rows.push(r); if (rows.length === 3) stop.abort(); }
    expect(rows.map((r) => r.source)).to.deep.equal(hosts.slice(0, 3));
  });
});
