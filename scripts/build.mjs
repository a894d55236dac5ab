#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, which `npm ci` runs): the library and its types into dist/ (tsc,
 * tsconfig.build.json), then the CLI bundled by esbuild into dist/cli/bundle/:
 *  - numakit.js: the dispatcher (src/cli/run.ts, main.ts, the command list) with yargs, and a chunk
 *    per command and per piece of code commands share beside it, loaded by import() only when a
 *    command runs: `--help`, completion, a command line that does not start with a command name;
 *  - cmd/<command>.cjs: the same CLI in one CommonJS file with only that command (the others are
 *    stubs that are never loaded), for a command line whose first word is that command (bin/numakit
 *    picks it); cmd/_none.cjs, with no command, for a command line of options only (--help,
 *    --version); and beside each its V8 code cache (<file>.cache), written by running it once on
 *    samples/ (the `training` list below) so that the functions a run compiles are in it;
 *  - fleet/worker.js, sim/experiments/worker.js: the worker threads' modules.
 *
 * Why (issue 19): loading ~60 modules (yargs and its helpers) to print --help, ~140 to run
 * `topology`, cost more CPU in Node's module loader than the work itself; and Node 20's ES-module
 * loader costs about 1.5 ms per file, so the ~20 shared chunks `topology` needs cost more than
 * compiling the same code as one file (cmd/topology.cjs). CommonJS rather than an ES module: the
 * ES-module loader costs a start a few ms more, and only a CommonJS script can be compiled with a
 * code cache on Node 20 (vm.Script's cachedData; bin/numakit loads it), which saves most of the
 * compile: `--help` 88 -> 75 ms of CPU, `topology samples/4node` 121 -> 92 ms. Four changes to
 * dependencies, made here at build time and checked (the build fails if a dependency changed so
 * that they no longer apply), leave every output byte-identical:
 *  - string-width (yargs' help layout, through cliui and wrap-ansi) builds an Intl.Segmenter and
 *    Unicode-property regexps when loaded, and measures every character with them. Here it is
 *    loaded only when a string is not printable ASCII; a printable-ASCII string is its length (what
 *    string-width answers for it: test/cli/bundle.test.ts checks every such character).
 *  - yargs' ESM platform shim imports Node's assert for two checks (strictEqual, notStrictEqual)
 *    that yargs makes on every run and that never fail; loading assert creates process.stderr and
 *    Node's stream modules (~2 ms of a start). Here each check is Object.is, as Node's is, and
 *    only a check that fails loads assert, to throw the AssertionError Node's would.
 *  - yargs' ESM platform shim finds its locales (y18n) and the package.json behind --version from
 *    its own file's URL; in the bundle that URL is the bundle's, so the shim is given its real path
 *    in node_modules, found at run time as Node finds `yargs` from dist/ (the node_modules folders
 *    up from the bundle, then Node's own resolution). Not Node's resolution first: yargs has an
 *    exports map, and reading one loads Node's ES-module resolver (~1 ms of every start).
 *  - The shim also reads process.stdout's width when loaded, which creates process.stdout (Node's
 *    stream modules, ~2 ms); here it is read when yargs asks for it (never: main.ts sets the width).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });

const outdir = join(root, "dist", "cli", "bundle");
rmSync(outdir, { recursive: true, force: true });

/** Replaces `from` (which must occur exactly once) in a dependency's source. */
function patch(source, file, from, to) {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) throw new Error(`build: ${file} changed: '${from}' is not there exactly once`);
  return source.slice(0, at) + to + source.slice(at + from.length);
}

const isStringWidth = (p) => p.endsWith(`${sep}string-width${sep}index.js`);
const YARGS_SHIM = `${sep}yargs${sep}lib${sep}platform-shims${sep}esm.mjs`;

/** The four dependency changes described above. */
const deps = {
  name: "numakit-deps",
  setup(b) {
    // string-width itself, under its own name, is loaded through require(): esbuild then runs its
    // module body (the Segmenter, the regexps) on the first call, not when the bundle loads.
    b.onResolve({ filter: /^numakit-real-string-width:/ }, (args) => ({ path: args.path.slice("numakit-real-string-width:".length), namespace: "real-string-width" }));
    b.onLoad({ filter: /.*/, namespace: "real-string-width" }, (args) => ({ contents: readFileSync(args.path, "utf8"), resolveDir: dirname(args.path), loader: "js" }));
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      if (!isStringWidth(args.path)) return undefined;
      const real = JSON.stringify(`numakit-real-string-width:${args.path}`);
      return {
        contents: [
          "const PRINTABLE_ASCII = /^[\\x20-\\x7e]*$/;",
          "let real;",
          "export default function stringWidth(string, options) {",
          "  if (typeof string === 'string' && PRINTABLE_ASCII.test(string)) return string.length;",
          `  real ??= require(${real}).default;`,
          "  return real(string, options);",
          "}",
        ].join("\n"),
        resolveDir: dirname(args.path),
        loader: "js",
      };
    });
    b.onLoad({ filter: /[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      if (!args.path.endsWith(YARGS_SHIM)) return undefined;
      let src = readFileSync(args.path, "utf8");
      src = patch(src, args.path, "import { notStrictEqual, strictEqual } from 'assert'", [
        "const notStrictEqual = (actual, expected, message) => { if (Object.is(actual, expected)) require('assert').notStrictEqual(actual, expected, message); };",
        "const strictEqual = (actual, expected, message) => { if (!Object.is(actual, expected)) require('assert').strictEqual(actual, expected, message); };",
      ].join("\n"));
      src = patch(src, args.path, "import { readFileSync, readdirSync } from 'node:fs'", "import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs'");
      src = patch(src, args.path, "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null",
        "get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null; }");
      return {
        contents: patch(src, args.path, "const __dirname = fileURLToPath(import.meta.url);", [
          "const __dirname = (() => {",
          "  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {",
          "    const pkg = join(dir, 'node_modules', 'yargs', 'package.json');",
          "    if (existsSync(pkg)) return realpathSync(pkg).replace(/package\\.json$/, 'lib/platform-shims/esm.mjs');",
          "  }",
          "  return createRequire(import.meta.url).resolve('yargs/package.json').replace(/package\\.json$/, 'lib/platform-shims/esm.mjs');",
          "})();",
        ].join("\n")),
        resolveDir: dirname(args.path),
        loader: "js",
      };
    });
  },
};

/** What every build of the CLI shares. */
const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  tsconfig: join(root, "tsconfig.build.json"),
  define: { NUMAKIT_BUNDLED: JSON.stringify("./") },
  // tinypool starts its threads from its own files: it stays in node_modules.
  external: ["tinypool"],
  sourcemap: "linked",
  // CommonJS dependencies (cli-progress) require Node's built-ins: give the ESM bundle a require.
  banner: { js: "import { createRequire as __numakitCreateRequire } from 'node:module'; const require = __numakitCreateRequire(import.meta.url);" },
  logLevel: "warning",
};

await build({
  ...common,
  // The worker threads' modules are entry points of their own (src/util/worker-module.ts finds them).
  entryPoints: {
    numakit: join(root, "src", "cli", "run.ts"),
    "fleet/worker": join(root, "src", "fleet", "worker.ts"),
    "sim/experiments/worker": join(root, "src", "sim", "experiments", "worker.ts"),
  },
  outdir,
  splitting: true,
  plugins: [deps],
});

/**
 * The commands and their modules, from src/cli/commands/index.ts ("topology" -> "topology", "extract"
 * -> "dump"): a command's file keeps its module, every other command module is a stub.
 */
const index = readFileSync(join(root, "src", "cli", "commands", "index.ts"), "utf8");
const commandModules = [...index.matchAll(/command: "([a-z-]+)[^"]*",[^]*?import\("\.\/([a-z-]+)\.js"\)/g)].map((m) => [m[1], m[2]]);
if (commandModules.length === 0 || commandModules.length !== [...index.matchAll(/command: "/g)].length) {
  throw new Error("build: src/cli/commands/index.ts changed: cannot pair each command with its module");
}
const stubs = (keep) => ({
  name: "numakit-one-command",
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) => {
      if (!args.importer.endsWith(`${sep}cli${sep}commands${sep}index.ts`) || args.path === `./${keep}.js`) return undefined;
      return { path: args.path, namespace: "numakit-stub" };
    });
    b.onLoad({ filter: /.*/, namespace: "numakit-stub" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`this build of numakit holds one command; ${args.path} is not in it`)});`,
      loader: "js",
    }));
  },
});
// cmd/_none.cjs: no command at all, for command lines without one (--help, --version).
const oneCommandBundles = [...commandModules, ["_none", undefined]];
await Promise.all(oneCommandBundles.map(([command, module]) => build({
  ...common,
  entryPoints: { [command]: join(root, "src", "cli", "run.ts") },
  outdir: join(outdir, "cmd"),
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  // import() of what stays outside (tinypool) as require(): a vm.Script (bin/numakit) has no
  // dynamic import without an experimental flag, and Node 20.19+ require()s an ES module.
  supported: { "dynamic-import": false },
  // The pools find their worker modules from import.meta.url: a CommonJS file's own URL.
  define: { NUMAKIT_BUNDLED: JSON.stringify("../"), "import.meta.url": "__numakitImportMetaUrl" },
  banner: { js: "const __numakitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  splitting: false,
  // Without comments and white space the file is 25% smaller: less to read and hand to V8 on every
  // start. Names stay (minifyIdentifiers is off), so stack traces still name our functions, and the
  // source map beside it still leads back to src/.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [deps, stubs(module)],
})));

/**
 * Each one-command file's code cache, from one run of it as bin/numakit runs it (NUMAKIT_CODE_CACHE=
 * write): a command line on samples/ that reads, builds and prints what the command usually does,
 * and writes no file. Commands that read tables read both kinds of source, a directory of binaries
 * and acpidump text, so that the code of both readers is in the cache (with only the directory,
 * `validate` of an acpidump text compiled the text reader at run time; a small saving, 41
 * alternating runs of validate on the R820 dump: 181.9 → 178.6 ms of CPU, within this host's noise).
 */
const both = ["samples/4node", "samples/4node.acpidump.txt"];
const training = {
  _none: ["--help"],
  decode: ["decode", ...both],
  dump: ["dump", "samples/4node.acpidump.txt"],
  extract: ["extract", "--help"],
  namespace: ["namespace", ...both],
  topology: ["topology", ...both],
  validate: ["validate", ...both],
  report: ["report", ...both, "--out", "-"],
  scan: ["scan", "samples", "--jobs", "1"],
  diff: ["diff", "samples/4node", "samples/2socket.acpidump.txt"],
  synth: ["synth", "samples/synth/01-two-socket-smt.json"],
  sim: ["sim", "samples/scenarios/vm-start-4node-claim.json"],
};
// bin/numakit reads each one-command file as latin1, which is its text only while it is ASCII.
for (const [command] of oneCommandBundles) {
  const file = join(outdir, "cmd", `${command}.cjs`);
  const at = readFileSync(file).findIndex((b) => b > 0x7f);
  if (at >= 0) throw new Error(`build: ${file} has a byte that is not ASCII at ${at} (esbuild's charset option?)`);
}
const { NUMAKIT_FROM_SOURCE: _fromSource, ...env } = process.env;
for (const [command] of oneCommandBundles) {
  const argv = training[command];
  if (argv === undefined) throw new Error(`build: no training command line for ${command} (scripts/build.mjs)`);
  const file = join(outdir, "cmd", `${command}.cjs`);
  const r = spawnSync(process.execPath, [join(root, "bin", "numakit"), ...argv], { cwd: root, env: { ...env, NUMAKIT_CODE_CACHE: "write" }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`build: training run of ${command} (numakit ${argv.join(" ")}) failed (${String(r.status ?? r.signal)}): ${r.stderr}`);
  if (!existsSync(`${file}.cache`)) throw new Error(`build: the training run of ${command} wrote no code cache`);
}
