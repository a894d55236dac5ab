/**
 * The module a worker thread loads (tinypool's `filename`), from a built tree or from sources.
 * Built by tsc: `<name>.js` beside the caller. In the CLI bundle (scripts/build.mjs, which defines
 * NUMAKIT_BUNDLED as the way from the caller's file to the bundle's directory): `<bundled>.js`,
 * the worker's own entry point under that directory. From TypeScript sources (tests, a checkout
 * newer than its build): `<name>.ts` bundled by esbuild (a dev dependency, as tsx is) into one
 * JavaScript file under node_modules/.cache, once per process and worker module, which the threads
 * load as they would the CLI bundle's. On Node 20 a loader registered in the main thread
 * (`--import tsx`) does not reach worker threads; registering tsx in each thread instead cost
 * ~330 ms of CPU per thread (a loader thread of its own, every module through it), more than a
 * scan's work. Shared by every worker pool (src/fleet, src/sim/experiments).
 */
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The bundles made in this process, by source URL: made once, removed when the process exits. */
const bundledWorkers = new Map<string, string>();

interface EsbuildSync { buildSync(options: Record<string, unknown>): unknown }

/** `source` (a worker module's .ts URL) bundled into one ES module file; its URL. */
function bundleWorker(source: string): string {
  const done = bundledWorkers.get(source);
  if (done !== undefined) return done;
  const require = createRequire(source);
  const file = fileURLToPath(source);
  // Under the checkout's node_modules, so that Node resolves anything left outside the bundle.
  const dir = join(dirname(require.resolve("esbuild/package.json")), "..", ".cache", "numakit", "workers");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(file, ".ts")}-${String(process.pid)}-${String(bundledWorkers.size)}.mjs`);
  const esbuild = require("esbuild") as EsbuildSync;
  esbuild.buildSync({ entryPoints: [file], bundle: true, platform: "node", format: "esm", target: "node20", outfile: out, sourcemap: "inline", logLevel: "error" });
  if (bundledWorkers.size === 0) process.once("exit", () => { for (const f of bundledWorkers.values()) rmSync(fileURLToPath(f), { force: true }); });
  const url = pathToFileURL(out).href;
  bundledWorkers.set(source, url);
  return url;
}

/** In the CLI bundle (esbuild's define), the relative URL of the bundle's directory ("./", "../"); not defined anywhere else. */
declare const NUMAKIT_BUNDLED: string | undefined;

/** Whether the caller (its `import.meta.url`) runs from TypeScript sources. */
function fromSource(callerUrl: string): boolean {
  return callerUrl.endsWith(".ts");
}

/**
 * tinypool's `filename` for the worker module `name` (no extension) beside the caller; `bundled`
 * is its entry point's name in the CLI bundle (its path under src/, without extension).
 */
export function workerModuleUrl(callerUrl: string, name: string, bundled: string): string {
  if (typeof NUMAKIT_BUNDLED === "string") return new URL(`${NUMAKIT_BUNDLED}${bundled}.js`, callerUrl).href;
  if (!fromSource(callerUrl)) return new URL(`./${name}.js`, callerUrl).href;
  return bundleWorker(new URL(`./${name}.ts`, callerUrl).href);
}

/**
 * The tinypool options that say what a worker thread runs: its module (workerModuleUrl) and, from
 * the sources, no inherited `--import tsx` (the esbuild bundle needs no loader, and loading tsx
 * in every thread is the cost the bundle avoids).
 */
export function workerThreads(callerUrl: string, name: string, bundled: string): { filename: string; execArgv?: string[] } {
  const filename = workerModuleUrl(callerUrl, name, bundled);
  return fromSource(callerUrl) ? { filename, execArgv: [] } : { filename };
}
