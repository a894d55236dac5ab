/**
 * Regenerates docs/img/report-4node.png, the README's picture of `numakit report samples/4node`:
 * renders the report, opens it in headless Chromium (Debian's chromium-headless-shell or chromium,
 * or $NUMAKIT_BROWSER) and captures the host picture and the heat maps.
 * Run: npx tsx scripts/report-screenshot.ts
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { analyseSources } from "../src/analyse.js";
import { topologyHtml } from "../src/report/html/report.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "docs", "img", "report-4node.png");
const browser = process.env["NUMAKIT_BROWSER"] ?? ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].find((p) => existsSync(p));
if (browser === undefined) {
  process.stderr.write("report-screenshot: no headless browser (apt-get install chromium-headless-shell)\n");
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "numakit-screenshot-"));
try {
  const file = join(tmp, "report.html");
  writeFileSync(file, topologyHtml(await analyseSources([join(root, "samples", "4node")]), { sources: ["samples/4node"] }));
  const b = await chromium.launch({ executablePath: browser, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"] });
  try {
    const page = await b.newPage({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 1 });
    await page.goto(`file://${file}`);
    // The host picture and the matrices: from the top of the page to the end of the HMAT maps.
    const end = await page.locator("#matrices").boundingBox();
    const height = Math.ceil((end?.y ?? 700) + (end?.height ?? 0));
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height } });
  } finally {
    await b.close();
  }
  process.stdout.write(`${out}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
