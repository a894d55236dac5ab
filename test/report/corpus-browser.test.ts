/**
 * Acceptance: a report for every source in the corpus and samples/ renders in the browser with
 * exactly one request and no console error, and its picture has one group per node (one node 0
 * when the OS falls back). Sources the analysis refuses (an empty file, no table at all) must fail
 * with numakit's one-line InputError, and are counted apart.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseSources } from "../../src/analyse.js";
import { NumakitError } from "../../src/errors.js";
import { topologyHtml } from "../../src/report/html/report.js";
import { findBrowser, launchBrowser, NO_BROWSER, visit, type TestBrowser } from "../helpers/browser.js";
import { repoRoot } from "../helpers/cli.js";
import { corpusSources, requireCorpus } from "../helpers/corpus.js";

const SAMPLES = ["2socket", "4node", "2socket.acpidump.txt", "4node.acpidump.txt"].map((s) => join(repoRoot, "samples", s));

describe("report: every corpus and samples/ source renders in the browser", function () {
  let b: TestBrowser | undefined;
  let tmp = "";
  before(async function () {
    requireCorpus(this);
    const exe = findBrowser();
    if (exe === undefined) { console.log(`    ${NO_BROWSER}`); this.skip(); }
    tmp = mkdtempSync(join(tmpdir(), "numakit-corpus-report-"));
    b = await launchBrowser(exe);
  });
  after(async () => {
    await b?.close();
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("renders each with one request, no error, one picture group per node", async function () {
    const first = b?.page;
    if (b === undefined || first === undefined) throw new Error("no browser");
    // Two tabs take turns: while the browser lays out one report, this process analyses the next.
    const pages = [first, await b.browser.newPage({ viewport: { width: 1280, height: 900 } })];
    const sources = [...SAMPLES, ...corpusSources()];
    let rendered = 0;
    const refused: string[] = [];
    const problems: string[] = [];
    let bytes = 0;
    let browserMs = 0;
    const t0 = performance.now();
    let next = 0;
    const tab = async (page: (typeof pages)[number]): Promise<void> => {
      for (let i = next++; i < sources.length; i = next++) {
        const src = sources[i] ?? "";
        let html: string;
        let nodes: number;
        try {
          const a = await analyseSources([src]);
          html = topologyHtml(a, { sources: [src] });
          nodes = a.topology.verdicts.linux.usesSrat ? a.topology.nodes.length : 1;
        } catch (err) {
          if (!(err instanceof NumakitError)) throw err;
          refused.push(`${src}: ${err.oneLine()}`);
          continue;
        }
        const file = join(tmp, `${String(i)}.html`);
        writeFileSync(file, html);
        bytes += html.length;
        const v = await visit(page, file);
        browserMs += v.ms;
        const groups = await page.locator("svg.host g.node").count();
        if (v.requests.length !== 1 || v.errors.length > 0 || groups !== nodes) problems.push(`${src}: ${v.requests.length} requests, errors ${JSON.stringify(v.errors)}, ${groups} node groups (want ${nodes})`);
        rendered++;
      }
    };
    await Promise.all(pages.map(tab));
    await pages[1]?.close();
    console.log(`      ${rendered} reports rendered with one request each (${sources.length} sources, ${refused.length} refused as unusable input), ${(bytes / 1024).toFixed(0)} KiB, ${((performance.now() - t0) / 1000).toFixed(1)} s (${(browserMs / 1000).toFixed(1)} s loading pages)`);
    expect(problems).to.deep.equal([]);
    expect(rendered).to.be.greaterThan(80);
    for (const r of refused) expect(r).to.match(/^[^\n]+$/);
  });
});
