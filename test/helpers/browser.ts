/**
 * A real headless browser for the HTML tests: Debian's chromium-headless-shell (or chromium),
 * installed by .ci/run, driven by playwright-core through executablePath. One browser per test
 * file; tests skip with one line when none is installed.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium-headless-shell", "/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium", "/usr/lib/chromium/chromium"];

/** The browser binary: $NUMAKIT_BROWSER, else the first Debian path that exists. */
export function findBrowser(): string | undefined {
  const env = process.env["NUMAKIT_BROWSER"];
  if (env !== undefined && env !== "") return existsSync(env) ? env : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

export const NO_BROWSER = "no headless browser (apt-get install chromium-headless-shell): browser tests skipped";

/** Quiet and offline: nothing but the page under test talks to the network stack. */
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

export interface TestBrowser { browser: Browser; page: Page; close: () => Promise<void> }

/** playwright's launch() gives every browser a fresh temporary profile (user-data-dir) and removes it on close. */
export async function launchBrowser(executablePath: string): Promise<TestBrowser> {
  // Loaded when a browser is launched, so suites that only import these helpers load without it.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: FLAGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  return { browser, page, close: () => browser.close() };
}

export interface Visit { requests: string[]; errors: string[]; dialogs: string[]; ms: number }

/** Open a file:// URL on the shared page and record every request, console error and dialog. */
export async function visit(page: Page, file: string): Promise<Visit> {
  const v: Visit = { requests: [], errors: [], dialogs: [], ms: 0 };
  const onRequest = (r: { url: () => string }): void => { v.requests.push(r.url()); };
  const onConsole = (m: { type: () => string; text: () => string }): void => { if (m.type() === "error") v.errors.push(m.text()); };
  const onError = (err: Error): void => { v.errors.push(String(err)); };
  const onDialog = (d: { message: () => string; dismiss: () => Promise<void> }): void => { v.dialogs.push(d.message()); void d.dismiss(); };
  page.on("request", onRequest);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  page.on("dialog", onDialog);
  const t0 = performance.now();
  try {
    await page.goto(`file://${file}`, { waitUntil: "load" });
    v.ms = performance.now() - t0;
  } finally {
    page.off("request", onRequest);
    page.off("console", onConsole);
    page.off("pageerror", onError);
    page.off("dialog", onDialog);
  }
  return v;
}

/**
 * Decode a PNG in the browser (a blank page, no CSP) and measure it: size, and how many distinct
 * colours and non-white pixels it has (a blank or broken render has one colour).
 */
export async function pngStats(page: Page, png: Buffer): Promise<{ width: number; height: number; colours: number; inked: number }> {
  await page.goto("about:blank");
  // A string, not a function: the tests compile without the DOM library.
  const script = `(async () => {
    const img = new Image();
    img.src = "data:image/png;base64,${png.toString("base64")}";
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let inked = 0;
    for (let i = 0; i < d.length; i += 4) {
      colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (d[i] + d[i + 1] + d[i + 2] < 720) inked++;
    }
    return { width: c.width, height: c.height, colours: colours.size, inked };
  })()`;
  return page.evaluate<{ width: number; height: number; colours: number; inked: number }>(script);
}
