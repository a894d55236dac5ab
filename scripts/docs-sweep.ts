/**
 * `npm run docs:sweep`: regenerate the sweep results in docs/sim.md (between the
 * `<!-- sweep:begin -->` and `<!-- sweep:end -->` markers), issue 18's acceptance:
 *
 * - a quick example, `$ numakit sim samples/scenarios/sweep-4node.json --seeds 1..QUICK` and its
 *   output as the command prints it: the docs' example test (test/docs/examples.test.ts) runs that
 *   line and checks the output, so the example is real and the test stays fast;
 * - the 200-seed tables, a results block (no `$ numakit` console line, so no test re-runs them: 6
 *   sweeps of 200 × 40 VMs take minutes): the 40-VM start on samples/4node (cost model: its HMAT
 *   read latency) and on a real dump from the corpus (the Supermicro H8QG6, 8 nodes, SLIT), legacy
 *   vs claim vs claim+node-create.
 *
 * `npm run docs:sweep -- --check` writes nothing: it exits 1 when docs/sim.md differs from what the
 * script generates (the tables are a pure function of scenario, host and seeds). The corpus is
 * found as the tests find it ($NUMAKIT_CORPUS, else ../shared/samples); without it the script stops.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultJobs } from "../src/util/jobs.js";
import { runSweep, sweepHost } from "../src/sim/experiments/sweep.js";
import { sweepSpecOf } from "../src/sim/experiments/sweep-spec.js";
import type { SweepResult } from "../src/sim/experiments/summary.js";
import { summarySentence } from "../src/sim/experiments/text.js";
import { main as cli } from "../src/cli/main.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const corpus = resolve(process.env["NUMAKIT_CORPUS"] ?? join(root, "..", "shared", "samples"));
const REAL = "real/supermicro-h8qg6-58E82626C3C5.txt";
/** Seeds of the quick example the docs' test runs. */
export const QUICK_SEEDS = "1..5";
const QUICK = `sim samples/scenarios/sweep-4node.json --seeds ${QUICK_SEEDS}`;

/** What `numakit ARGS` prints, run in-process as the example test runs it. */
async function printed(args: string): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (c: Buffer) => chunks.push(c));
  stderr.on("data", (c: Buffer) => chunks.push(c));
  const code = await cli(args.split(" "), { stdout, stderr, stdin: (async function* () { /* none */ })(), columns: undefined });
  if (code !== 0) throw new Error(`numakit ${args}: exit ${code}: ${Buffer.concat(chunks).toString()}`);
  return Buffer.concat(chunks).toString().trimEnd();
}

async function sweep(scenario: string, hostSource: string | undefined): Promise<{ r: SweepResult; ms: number }> {
  const file = scenario;
  const json = JSON.parse(readFileSync(join(root, scenario), "utf8")) as unknown;
  const spec = sweepSpecOf(json, {}, { file });
  if (spec === undefined) throw new Error(`${scenario} has no sweep block`);
  const t0 = performance.now();
  const host = await sweepHost(json, hostSource, { file });
  const r = await runSweep({ file, json, spec, host, jobs: defaultJobs() });
  return { r, ms: performance.now() - t0 };
}

const f2 = (x: number | undefined): string => (x === undefined ? "–" : x.toFixed(2));
const f3 = (x: number | undefined): string => (x === undefined ? "–" : x.toFixed(3));
const i0 = (x: number | undefined): string => (x === undefined ? "–" : String(x));

function table(r: SweepResult, hostLabel: string): string {
  const head = "| flow | seeds | VMs fully local min / median / max | memory on planned nodes % p5 / p50 | start failures | cost ratio p50 / p95 | single-VM cost ratio p95 / max | Xen-internal on planned nodes % p50 | serialized create+claim (hypercalls) |";
  const rows = r.flows.map((f) => `| ${f.key} | ${f.seeds} | ${i0(f.fullyLocal?.min)} / ${i0(f.fullyLocal?.p50)} / ${i0(f.fullyLocal?.max)} | ${f2(f.localPct?.p5)} / ${f2(f.localPct?.p50)} | ` +
    `${f.startFailures}${f.startFailures === 0 ? "" : ` (${Object.entries(f.failureErrnos).map(([e, n]) => `${e} ${n}`).join(", ")})`} | ${f3(f.cost?.p50)} / ${f3(f.cost?.p95)} | ${f3(f.vmCost?.p95)} / ${f3(f.vmCost?.max)} | ${f2(f.xenPct?.p50)} | ${i0(f.serialized?.p50)} |`);
  return [`**${hostLabel}** (${r.host.nodes.length} nodes, ${r.vmNames.length} VMs, seeds ${r.seedsLabel}; cost model ${r.cost.metric}, ${r.cost.unit})`, "", `> ${summarySentence(r)}`, "", head, `|${"---|".repeat(9)}`, ...rows].join("\n");
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  // Paths in the tables are relative to the repository, as a user in a checkout would type them.
  process.chdir(root);
  const realPath = relative(root, join(corpus, REAL));
  if (!existsSync(realPath)) throw new Error(`the corpus dump ${realPath} is missing (set NUMAKIT_CORPUS)`);
  const t0 = performance.now();
  const quick = await printed(QUICK);
  const a = await sweep("samples/scenarios/sweep-4node.json", undefined);
  const b = await sweep("samples/scenarios/sweep-8node-40vm.json", realPath);
  const block = [
    "<!-- sweep:begin (generated by `npm run docs:sweep`; do not edit) -->",
    `A quick look, ${QUICK_SEEDS} (the docs' example test runs this line and checks its output):`,
    "",
    "```",
    `$ numakit ${QUICK}`,
    quick,
    "```",
    "",
    `200 seeds: \`numakit sim samples/scenarios/sweep-4node.json\` (its \`sweep\` block names seeds 1..200) and`,
    `\`numakit sim samples/scenarios/sweep-8node-40vm.json --host ${realPath}\`, in tables:`,
    "",
    table(a.r, "samples/4node"),
    "",
    table(b.r, realPath),
    "<!-- sweep:end -->",
  ].join("\n");
  const docs = join(root, "docs", "sim.md");
  const text = readFileSync(docs, "utf8");
  const begin = text.indexOf("<!-- sweep:begin");
  const end = text.indexOf("<!-- sweep:end -->");
  if (begin < 0 || end < begin) throw new Error("docs/sim.md has no <!-- sweep:begin --> … <!-- sweep:end --> block");
  const next = text.slice(0, begin) + block + text.slice(end + "<!-- sweep:end -->".length);
  const took = `samples/4node ${(a.ms / 1000).toFixed(1)} s, ${REAL} ${(b.ms / 1000).toFixed(1)} s, all ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${(process.cpuUsage().user / 1e6).toFixed(1)} s user CPU, ${defaultJobs()} workers`;
  if (check) {
    const same = next === text;
    process.stdout.write(`docs/sim.md: sweep tables ${same ? "up to date" : "differ from what npm run docs:sweep generates"} (${took})\n`);
    process.exitCode = same ? 0 : 1;
    return;
  }
  writeFileSync(docs, next);
  process.stdout.write(`docs/sim.md: sweep tables regenerated (${took})\n`);
}

await main();
