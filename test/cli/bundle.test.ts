/**
 * The built CLI (scripts/build.mjs: dist/cli/bundle/) prints what the sources print. The bundle
 * changes two dependencies at build time: string-width answers a printable-ASCII string's length
 * without loading itself, and yargs' platform shim finds its locales and the package.json from
 * its real path. These tests check that both hold for the string-width versions installed, and
 * compare the bundle's output with the sources' for help texts (in two locales) and a command.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { commands } from "../../src/cli/commands/index.js";
import { binFromSource, childEnv, repoRoot, runCli } from "../helpers/cli.js";
import { skipped } from "../helpers/skip.js";

/** Every installed string-width (the bundle includes whichever versions yargs, cliui and wrap-ansi use). */
function stringWidths(dir = join(repoRoot, "node_modules"), depth = 0): string[] {
  const found: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const p = join(dir, name);
    if (name === "string-width" && existsSync(join(p, "index.js"))) found.push(join(p, "index.js"));
    else if (depth < 3 && !name.startsWith(".")) {
      const nested = join(p, "node_modules");
      if (existsSync(nested)) found.push(...stringWidths(nested, depth + 1));
    }
  }
  return found;
}

function run(file: string, argv: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file, ...argv], { cwd: repoRoot, env: childEnv(env), encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `f` with `env` set in this process's environment (yargs reads the locale from it), then restores it. */
async function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) Reflect.deleteProperty(process.env, k); else process.env[k] = v;
  }
}

describe("cli: the built bundle", function () {
  // About 30 processes of the built CLI: a few seconds on a quiet machine, several times that when
  // the lint and the type check share its two cores on a cold cache (a fresh clone, as in CI).
  this.timeout(300_000);

  it("string-width gives every printable-ASCII string its length (the bundle's shortcut)", async () => {
    const files = stringWidths();
    expect(files).to.not.deep.equal([]);
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    for (const f of files) {
      const width = (await import(pathToFileURL(f).href) as { default: (s: string, o?: object) => number }).default;
      for (const c of printable) {
        expect(width(c), `${f}: ${JSON.stringify(c)}`).to.equal(1);
        expect(width(c, { countAnsiEscapeCodes: true, ambiguousIsNarrow: false }), `${f}: ${JSON.stringify(c)}`).to.equal(1);
      }
      expect(width(printable.join("")), f).to.equal(printable.length);
      // Not printable ASCII: the shortcut must not apply (tabs, escapes, wide characters).
      expect(width("\u001b[1mab\u001b[22m"), f).to.equal(2);
      expect(width("节点"), f).to.equal(4);
    }
  });

  it("prints the same help (two locales), version, errors and topology as the sources, through either bundle", async function () {
    if (binFromSource()) skipped(this, "no CLI bundle, or one older than src/ (npm run build)");
    const bin = join(repoRoot, "bin", "numakit");
    const cases: [string[], Record<string, string>][] = [
      // cmd/_none.cjs: options only.
      [["--help"], { LANG: "C" }], [["--help"], { LANG: "de_DE.UTF-8", LC_ALL: "" }], [["--version"], {}], [[], {}], [["--bogus"], {}],
      // numakit.js (the dispatcher and its chunks): no command first.
      [["frobnicate"], {}], [["--numbering", "xen", "topology", "samples/4node"], {}], [["completion"], {}],
      // cmd/topology.cjs: the command first.
      [["topology", "--help"], { LANG: "de_DE.UTF-8", LC_ALL: "" }], [["topology", "samples/4node"], {}], [["topology", "--version"], {}],
      [["topology", "samples/4node", "--format", "json"], {}], [["topology", "no-such-file"], {}],
    ];
    for (const [argv, env] of cases) {
      const built = run(bin, argv, env);
      // The sources' answer in-process (main() as bin/numakit's run.ts calls it), not by a second
      // process through tsx: 13 tsx start-ups cost more than the rest of this file.
      const src = await withEnv(env, () => runCli(argv));
      expect({ ...built, status: built.status ?? -1 }, argv.join(" ")).to.deep.equal({ status: src.code, stdout: src.stdout, stderr: src.stderr });
    }
  });

  it("has a one-command bundle for every command, run by bin/numakit when the command comes first", function () {
    if (binFromSource()) skipped(this, "no CLI bundle, or one older than src/ (npm run build)");
    for (const name of [...commands.map((c) => c.command.split(" ")[0] ?? ""), "_none"]) {
      expect(existsSync(join(repoRoot, "dist", "cli", "bundle", "cmd", `${name}.cjs`)), name).to.equal(true);
    }
    const r = run(join(repoRoot, "dist", "cli", "bundle", "cmd", "decode.cjs"), ["topology", "samples/4node"]);
    // The decode bundle holds decode only: another command is a bug of the caller (bin/numakit).
    expect(r.status).to.equal(70);
    expect(r.stderr).to.match(/^numakit: internal error: this build of numakit holds one command; \.\/topology\.js is not in it/);
  });

  it("compiles each one-command bundle with the code cache the build made (V8 takes it), and prints the same without it", function () {
    if (binFromSource()) skipped(this, "no CLI bundle, or one older than src/ (npm run build)");
    const bin = join(repoRoot, "bin", "numakit");
    const accepted = /^numakit: code cache accepted\n/;
    const outputs = new Map<string, ReturnType<typeof run>>();
    for (const argv of [["--help"], ["topology", "samples/4node"]]) {
      const cached = run(bin, argv, { NUMAKIT_CODE_CACHE: "report" });
      expect(cached.stderr, argv.join(" ")).to.match(accepted);
      const plain = run(bin, argv, { NUMAKIT_CODE_CACHE: "off" });
      expect(plain.status, argv.join(" ")).to.equal(0);
      expect({ ...cached, stderr: cached.stderr.replace(accepted, "") }, argv.join(" ")).to.deep.equal(plain);
      outputs.set(argv.join(" "), plain);
    }
    // The pools (tinypool stays outside the bundle, which require()s it): scan --jobs 2 and a sweep.
    const scan = run(bin, ["scan", "samples", "--jobs", "2", "--format", "jsonl"], { NUMAKIT_CODE_CACHE: "report" });
    expect(scan.stderr).to.equal("numakit: code cache accepted\n");
    expect(scan.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { status: string }).status)).to.deep.equal(["ok", "ok", "ok", "ok", "ok", "ok"]);
    const sweep = run(bin, ["sim", "samples/scenarios/sweep-4node.json", "--seeds", "1..2", "--jobs", "2"], { NUMAKIT_CODE_CACHE: "report" });
    expect(sweep.stderr).to.equal("numakit: code cache accepted\n");
    expect(sweep.status).to.equal(0);
    expect(sweep.stdout).to.match(/^On samples\/4node \(4 nodes\), 2 seeds × 40 VMs:/);
    // A cache V8 will not take (another heap limit changes V8's flags) is compiled without: same output.
    const other = spawnSync(process.execPath, ["--max-old-space-size=200", bin, "topology", "samples/4node"], { cwd: repoRoot, env: childEnv({ NUMAKIT_CODE_CACHE: "report" }), encoding: "utf8" });
    expect(other.stderr).to.equal("numakit: code cache rejected\n");
    expect(other.stdout).to.equal(outputs.get("topology samples/4node")?.stdout);
  });
});
