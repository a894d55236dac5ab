/**
 * Golden outputs: runs every command and format over the repo's samples, the scenarios and (when
 * present) the corpus in-process, and writes each run's stdout, stderr and exit code to one file
 * under OUTDIR. Run before and after a restructuring and `diff -r` the two directories: the only
 * differences must be the intended ones.
 *
 *   npx tsx scripts/golden.ts OUTDIR        (NUMAKIT_CORPUS: the corpus, default ../shared/samples)
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../src/cli/main.js";

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write("usage: npx tsx scripts/golden.ts OUTDIR\n");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const corpus = process.env["NUMAKIT_CORPUS"] ?? "../shared/samples";

/** Table sources: directories holding table files, acpidump texts, single tables. */
function sources(): string[] {
  const found: string[] = ["samples/4node", "samples/2socket", "samples/cxl", "samples/4node.acpidump.txt", "samples/2socket.acpidump.txt", "samples/cxl.acpidump.txt"];
  if (!existsSync(corpus)) return found;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.size > 0 && s.size < 4 << 20 && !/\.(md|asl|json|sh|txt\.expected)$/.test(name) && !/expected/.test(name)) found.push(p);
    }
  };
  walk(corpus);
  return found;
}

async function run(argv: string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (d: Buffer) => o.push(d));
  stderr.on("data", (d: Buffer) => e.push(d));
  const code = await main(argv, { stdout, stderr, stdin: (async function* () { /* empty */ })(), columns: undefined });
  return `exit ${String(code)}\n--- stdout\n${Buffer.concat(o).toString()}\n--- stderr\n${Buffer.concat(e).toString()}`;
}

const lines: string[][] = [];
for (const src of sources()) {
  for (const cmd of [["decode"], ["decode", "--format", "json"], ["dump"], ["namespace"], ["topology"], ["topology", "--format", "json"], ["topology", "--format", "hwloc-xml"], ["topology", "--format", "svg"], ["topology", "--format", "markdown"], ["validate"], ["validate", "--format", "json"]]) {
    lines.push([...cmd, src]);
  }
}
for (const s of readdirSync("samples/scenarios").sort()) {
  const sc = join("samples/scenarios", s);
  if (s.startsWith("sweep")) {
    lines.push(["sim", sc, "--seeds", "1..3"], ["sim", sc, "--seeds", "1..3", "--format", "json"]);
  } else {
    lines.push(["sim", sc], ["sim", sc, "--format", "json"]);
  }
}
for (const s of readdirSync("samples/synth").sort()) lines.push(["synth", join("samples/synth", s)]);
lines.push(["diff", "samples/4node", "samples/2socket"], ["scan", "samples", "--jobs", "1"], ["--help"]);

let i = 0;
for (const argv of lines) {
  const name = argv.map((a) => relative(".", a).replace(/[^A-Za-z0-9.-]+/g, "_")).join("__").slice(0, 200);
  writeFileSync(join(out, `${String(i).padStart(4, "0")}-${name}`), await run(argv));
  i++;
}
process.stdout.write(`golden: ${String(lines.length)} command lines written to ${out}\n`);
