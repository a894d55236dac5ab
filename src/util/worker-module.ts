/**
 * The module a worker thread loads (tinypool's `filename`), from a built tree or from sources.
 * Built by tsc: `<name>.js` beside the caller. In the CLI bundle (scripts/build.mjs, which defines
 * NUMAKIT_BUNDLED as the way from the caller's file to the bundle's directory): `<bundled>.js`,
 * the worker's own entry point under that directory. From TypeScript sources (tests, a checkout newer than its
 * build): `<name>.ts` behind a bootstrap that registers tsx in the worker thread itself, because on
 * Node 20 a loader registered in the main thread (`--import tsx`, tsx's register()) does not reach
 * worker threads. Shared by every worker pool (src/fleet, src/sim/experiments).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

function tsxApiUrl(from: string): string {
  // Not import.meta.resolve (under mocha tsx runs this file as CommonJS, without it) nor
  // require.resolve("tsx/esm/api") (the CommonJS build, which cannot be imported from a data:
  // URL): the ESM build, found through tsx's own package exports.
  const pkgPath = createRequire(from).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const entry = pkg.exports?.["./esm/api"];
  const rel = typeof entry === "object" ? entry.import?.default : undefined;
  if (rel === undefined) throw new Error("tsx has no ./esm/api export: cannot run the worker threads from TypeScript sources");
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

/** In the CLI bundle (esbuild's define), the relative URL of the bundle's directory ("./", "../"); not defined anywhere else. */
declare const NUMAKIT_BUNDLED: string | undefined;

/** Whether the caller (its `import.meta.url`) runs from TypeScript sources. */
export function fromSource(callerUrl: string): boolean {
  return callerUrl.endsWith(".ts");
}

/**
 * tinypool's `filename` for the worker module `name` (no extension) beside the caller; `bundled`
 * is its entry point's name in the CLI bundle (its path under src/, without extension).
 */
export function workerModuleUrl(callerUrl: string, name: string, bundled: string): string {
  if (typeof NUMAKIT_BUNDLED === "string") return new URL(`${NUMAKIT_BUNDLED}${bundled}.js`, callerUrl).href;
  if (!fromSource(callerUrl)) return new URL(`./${name}.js`, callerUrl).href;
  const tsx = tsxApiUrl(callerUrl);
  const target = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)}); register();\n` +
    `const m = await import(${JSON.stringify(target)}); export default m.default;`;
  return `data:text/javascript,${encodeURIComponent(boot)}`;
}
