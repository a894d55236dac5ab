/**
 * The HTML/SVG/Markdown reports' structure, without a browser: escaping (properties over arbitrary
 * strings), what the report contains for the samples, the CLI's -o / --format / --report wiring.
 * test/report/browser.test.ts renders the same reports in a real browser.
 */
import { expect } from "chai";
import fc from "fast-check";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyseSources } from "../../src/analyse.js";
import { MAX_DRAWN_CELLS, topologyHtml } from "../../src/report/html/report.js";
import { buildTopology } from "../../src/topology/build.js";
import { validate } from "../../src/validate/index.js";
import { hmatLocality, hmatTable, hostTables } from "../helpers/numa-tables.js";
import { hostSvg } from "../../src/report/html/svg.js";
import { topologyMarkdown } from "../../src/report/markdown.js";
import { escapeHtml, escapeMarkdown, visibleControls } from "../../src/util/escape.js";
import { repoRoot, runCli } from "../helpers/cli.js";
import { HOSTILE_HID, HOSTILE_OEM_ID, writeHostileHost } from "../helpers/hostile.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const sample4 = join(repoRoot, "samples", "4node");

describe("report escaping", () => {
  it("escapeHtml leaves no markup character and no control character", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
      const out = escapeHtml(s);
      expect(out).to.not.match(/[<>"']/);
      expect(out.replace(/&(amp|lt|gt|quot|#39);/g, "")).to.not.include("&");
      // eslint-disable-next-line no-control-regex -- what must not survive
      expect(out).to.not.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }));
  });

  it("escapeHtml round-trips printable text through entity decoding", () => {
    const decode = (s: string): string => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("a", "b", "<", ">", "&", "\"", "'", " ", "\t", "\n", ";", "#") }), (s) => {
      expect(decode(escapeHtml(s))).to.equal(s);
    }));
  });

  it("control characters and ANSI escapes become visible \\xNN text", () => {
    expect(visibleControls("\u001b[31mred\u0000")).to.equal("\\x1B[31mred\\x00");
    expect(escapeHtml("\u009b2J<")).to.equal("\\x9B2J&lt;");
  });

  it("escapeMarkdown: no raw HTML, no table pipe, no emphasis or link syntax survives", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
      const out = escapeMarkdown(s);
      expect(out).to.not.match(/[<>\n\r]/);
      // every markup character is preceded by a backslash
      expect(out).to.not.match(/(^|[^\\])(\\\\)*[|*_`[\]~!]/);
    }));
    expect(escapeMarkdown("# 1. [x](javascript:alert(1)) <b>|")).to.equal("\\# 1. \\[x\\](javascript:alert(1)) &lt;b&gt;\\|");
    expect(escapeMarkdown("1. item")).to.equal("1\\. item");
  });
});

describe("numakit report (HTML structure)", () => {
  it("is one self-contained document: CSP forbids the network, one inline script and style, no external reference", async () => {
    const a = await analyseSources([sample4]);
    const html = topologyHtml(a, { sources: ["samples/4node"] });
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.include("default-src 'none'");
    expect(html.match(/<script>/g)).to.have.length(1);
    expect(html.match(/<style>/g)).to.have.length(1);
    expect(html).to.not.match(/\s(src|href)="(?!#)/);
    expect(html).to.not.match(/https?:\/\//);
  });

  it("draws one group per node, the SLIT heat map with its numbers, the HMAT matrices and the numactl block", async () => {
    const a = await analyseSources([sample4]);
    const html = topologyHtml(a, { sources: ["samples/4node"] });
    expect(html.match(/<g class="node[^"]*" data-node="\d+"/g)).to.have.length(4);
    expect(html).to.include("node distances, from the SLIT");
    expect(html).to.include("<td class=h5>16</td>");
    for (const m of ["read latency", "write latency", "read bandwidth", "write bandwidth"]) expect(html).to.include(`${m}, initiator × target`);
    expect(html).to.include("available: 4 nodes (0-3)");
    expect(html).to.include("Linux will use 4 nodes; the SLIT: yes; the HMAT: yes.");
  });

  it("an HMAT matrix past MAX_DRAWN_CELLS is summed up, not drawn (2048 × 2048 was an 88 MB page); one at the limit is drawn", () => {
    const page = (n: number): string => {
      const pxms = Array.from({ length: n }, (_, i) => i);
      const hm = hmatTable(2, [hmatLocality({ dataType: 0, initiators: pxms, targets: pxms, entries: pxms.flatMap((i) => pxms.map((j) => (i === j ? 80 : 120))) })]);
      const tables = [...hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: 1n << 30n }] }), hm];
      const topology = buildTopology(tables);
      return topologyHtml({ tables, topology, validation: validate(tables, topology) }, { sources: ["x"] });
    };
    const side = Math.sqrt(MAX_DRAWN_CELLS);
    const over = page(side + 1);
    expect(over).to.include(`access latency, initiator × target: ${side + 1} × ${side + 1}, 80–120 ns</summary>`);
    expect(over).to.include(`Not drawn: ${(side + 1) ** 2} cells, more than ${MAX_DRAWN_CELLS}.`);
    expect(over.length).to.be.below(200_000);
    const at = page(side);
    expect(at).to.not.include("Not drawn");
    expect(at.match(/<td/g)?.length).to.be.at.least(MAX_DRAWN_CELLS);
  });

  it("is deterministic: the same input gives the same bytes", async () => {
    const a = await analyseSources([sample4]);
    expect(topologyHtml(a, { sources: ["x"] })).to.equal(topologyHtml(a, { sources: ["x"] }));
  });

  it("escapes every firmware string of the hostile host (HTML, SVG and Markdown)", async () => {
    const dir = writeHostileHost();
    try {
      const a = await analyseSources([dir]);
      const html = topologyHtml(a, { sources: [dir] });
      expect(html).to.not.include("<script>window");
      expect(html).to.not.include("<img");
      expect(html).to.not.include("<b>");
      expect(html).to.not.include("\u001b");
      expect(html).to.include(escapeHtml(HOSTILE_HID));
      expect(html).to.include(escapeHtml(HOSTILE_OEM_ID));
      const svg = hostSvg(a.topology, { standalone: true });
      expect(svg).to.not.include("<script>window");
      expect(svg).to.include("&lt;script&gt;");
      const md = topologyMarkdown(a.topology, a.validation, a.tables, [dir]);
      expect(md).to.not.match(/<(script|img|b|i|svg)[\s/>]/);
      expect(md).to.not.include("\u001b");
    } finally {
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });
});

describe("numakit report / topology --format svg|markdown / sim --report (CLI)", () => {
  const tmp = tmpDirPerSuite("report-cli");

  it("report -o FILE writes the HTML file and exits 0", async () => {
    const out = join(tmp(), "r.html");
    const r = await runCli(["report", sample4, "-o", out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(out, "utf8")).to.include("numakit report: ");
  });

  it("report on a table with errors (a SLIT whose checksum is wrong) writes the file and exits 1, as topology does", async () => {
    const dir = join(tmp(), "bad-slit");
    cpSync(sample4, dir, { recursive: true });
    const slit = readFileSync(join(dir, "SLIT"));
    slit[9] = (slit[9] ?? 0) ^ 0xff; // the checksum byte
    writeFileSync(join(dir, "SLIT"), slit);
    const out = join(tmp(), "bad.html");
    const [r, t] = await Promise.all([runCli(["report", dir, "-o", out]), runCli(["topology", dir])]);
    expect(t.code).to.equal(1);
    expect(r.code, r.stderr).to.equal(1);
    expect(readFileSync(out, "utf8")).to.include("TABLE_CHECKSUM");
    const help = await runCli(["report", "--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).to.include("1 when it is written but a table it rests on has errors");
  });

  it("report into a directory that does not exist: one line naming the file, exit 2", async () => {
    const r = await runCli(["report", sample4, "-o", join(tmp(), "missing", "r.html")]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.equal(`numakit: cannot write ${join(tmp(), "missing", "r.html")}: no such directory\n`);
  });

  it("report -o - writes the document to stdout; topology --format svg and markdown", async () => {
    const [html, svg, md] = await Promise.all([
      runCli(["report", sample4, "-o", "-"]),
      runCli(["topology", sample4, "--format", "svg"]),
      runCli(["topology", sample4, "--format", "markdown"]),
    ]);
    expect(html.code).to.equal(0);
    expect(html.stdout).to.match(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    expect(svg.code).to.equal(0);
    expect(svg.stdout).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.stdout.match(/<g class="node/g)).to.have.length(4);
    expect(md.code).to.equal(0);
    expect(md.stdout).to.include("| node 0 | 10 | 16 | 22 | 22 |");
    expect(md.stdout).to.include("- Linux will use 4 nodes; the SLIT: yes; the HMAT: yes.");
  });

  it("sim --report FILE writes the run as HTML and keeps the text output", async () => {
    const out = join(tmp(), "sim.html");
    const r = await runCli(["sim", join(repoRoot, "samples", "scenarios", "vm-start-4node-claim.json"), "--report", out]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/\nexpectations: none \(the scenario checks nothing\)\n$/);
    const html = readFileSync(out, "utf8");
    expect(html.match(/<figure class="node-timeline"/g)).to.have.length(4);
    expect(html.match(/<section class="flow"/g)).to.have.length(1);
    expect(html).to.include("40/40 started");
  });

  it("sim --report - with --format is bad usage naming both (exit 2, nothing written); --report - alone writes the HTML instead of the text", async () => {
    const claims = join(repoRoot, "samples", "scenarios", "claims.json");
    const sweep = join(repoRoot, "samples", "scenarios", "sweep-4node.json");
    for (const argv of [["sim", claims, "--report", "-", "--format", "json"], ["sim", claims, "--report", "-", "-f", "text"], ["sim", sweep, "--seeds", "1..2", "--report", "-", "--format", "json"]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).to.equal(2);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.match(/^numakit: --report - and --format (json|text) both write to standard output: give --report FILE.html, or leave out --format for the HTML report alone\n$/);
    }
    const html = await runCli(["sim", claims, "--report", "-"]);
    expect(html.code).to.equal(0);
    expect(html.stdout).to.match(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    const json = await runCli(["sim", claims, "--format", "json", "--report", join(tmp(), "claims.html")]);
    expect(JSON.parse(json.stdout)).to.have.property("steps");
  });
});
