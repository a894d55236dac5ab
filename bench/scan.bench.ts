/**
 * Fleet scan (issue 14): dumps/s of `scan` over the corpus replicated to 10,000 hosts (hard links
 * in a temp dir: the hosts cycle through every corpus and samples/ host, so the mix of small QEMU
 * tables and large real DSDTs is the corpus's), peak RSS while scanning, and the in-process cost
 * per dump of scanHost (load, analyse, row) next to analyseSources alone, measured in the same run.
 * SCAN_BENCH_HOSTS overrides the 10,000. Figures, not pass/fail.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyseSources } from "../src/analyse.js";
import { findHosts } from "../src/fleet/hosts.js";
import { scanPool } from "../src/fleet/pool.js";
import { defaultJobs } from "../src/util/jobs.js";
import { scanHost } from "../src/fleet/scan-host.js";
import { jsonlLine } from "../src/report/scan.js";
import type { BenchReport } from "./run.js";

export const name = "scan";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const shared = join(root, "..", "shared", "samples");
const HOSTS = Number(process.env["SCAN_BENCH_HOSTS"] ?? 10_000);
const MiB = 1024 * 1024;

/** A copy of `src` (file or table directory) under `dest`, by hard link where the filesystem allows. */
function place(src: string, dest: string): void {
  if (statSync(src).isDirectory()) {
    mkdirSync(dest);
    for (const f of readdirSync(src)) if (statSync(join(src, f)).isFile()) place(join(src, f), join(dest, f));
    return;
  }
  try { linkSync(src, dest); } catch { copyFileSync(src, dest); }
}

/** `n` hosts cycling through `units`: originals copied once into the temp dir, then hard-linked. */
function replicate(units: readonly string[], n: number, dir: string): void {
  const originals = join(dir, "originals");
  mkdirSync(originals);
  const local = units.map((u, i) => { const d = join(originals, `${i}-${basename(u)}`); place(u, d); return d; });
  const fleet = join(dir, "fleet");
  mkdirSync(fleet);
  for (let i = 0; i < n; i++) {
    const shard = join(fleet, `rack${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) mkdirSync(shard);
    const u = local[i % local.length] ?? "";
    place(u, join(shard, `host${i}${statSync(u).isDirectory() ? "" : ".txt"}`));
  }
}

/**
 * Mean ms per dump of `a` and of `b` over every unit, interleaved round by round for at least
 * `ms` so that load from other processes weighs on both alike.
 */
async function perDump(units: readonly string[], a: (u: string) => Promise<unknown>, b: (u: string) => Promise<unknown>, ms = 4000): Promise<[number, number]> {
  for (const u of units) { await a(u); await b(u); } // warm-up
  let ta = 0;
  let tb = 0;
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (const u of units) {
      const t1 = performance.now(); await a(u);
      const t2 = performance.now(); await b(u);
      ta += t2 - t1; tb += performance.now() - t2;
    }
    rounds++;
  }
  return [ta / (rounds * units.length), tb / (rounds * units.length)];
}

async function poolScan(fleet: string, jobs: number): Promise<string> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
  const t0 = performance.now();
  const hosts = await findHosts([fleet]);
  const tFound = performance.now();
  let first = 0;
  let n = 0;
  let bytes = 0;
  for await (const row of scanPool(hosts, { jobs })) {
    if (n++ === 0) first = performance.now();
    bytes += jsonlLine(row).length; // formatted as the CLI would, then dropped
  }
  const t1 = performance.now();
  clearInterval(sampler);
  const secs = (t1 - t0) / 1000;
  const steady = (n - 1) / ((t1 - first) / 1000);
  return `--jobs ${jobs}: ${n} hosts in ${secs.toFixed(1)} s = ${(n / secs).toFixed(0)} dumps/s (discovery ${((tFound - t0) / 1000).toFixed(1)} s, ` +
    `first row after ${((first - t0) / 1000).toFixed(1)} s, then ${steady.toFixed(0)} dumps/s); peak RSS ${(peak / MiB).toFixed(0)} MiB; ${(bytes / MiB).toFixed(1)} MiB of JSONL`;
}

/** The built CLI (dist/cli/bundle/, what bin/numakit runs) as a user runs it, under /usr/bin/time for its peak RSS. */
function builtCli(fleet: string, hosts: number, jobs: number): string {
  const run = join(root, "dist", "cli", "bundle", "numakit.js");
  if (!existsSync(run) || !existsSync("/usr/bin/time")) return "skipped (no dist/ build or no /usr/bin/time)";
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, run, "scan", fleet, "--format", "jsonl", "--jobs", String(jobs), "--out", "/dev/null"], { encoding: "utf8" });
  const secs = (performance.now() - t0) / 1000;
  const kb = Number(r.stderr.trim().split("\n").pop());
  return `${hosts} hosts in ${secs.toFixed(1)} s = ${(hosts / secs).toFixed(0)} dumps/s, exit ${r.status ?? "?"}, peak RSS ${(kb / 1024).toFixed(0)} MiB`;
}

export async function run(): Promise<BenchReport> {
  if (!existsSync(shared)) return { lines: ["skipped: no corpus at ../shared/samples"] };
  const units: string[] = [];
  for (const u of await findHosts([join(root, "samples"), shared])) if ((await scanHost(u)).status === "ok") units.push(u);
  const lines: string[] = [`${units.length} distinct hosts (corpus + samples/), replicated to ${HOSTS}; ${defaultJobs()} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`];

  const [scanMs, analyseMs] = await perDump(units, (u) => scanHost(u), (u) => analyseSources([u]));
  lines.push(`in-process per dump (corpus mix): scanHost ${scanMs.toFixed(2)} ms, analyseSources alone ${analyseMs.toFixed(2)} ms (ratio ${(scanMs / analyseMs).toFixed(2)})`);
  const four = [join(root, "samples", "4node")];
  const [scan4, analyse4] = await perDump(four, (u) => scanHost(u), (u) => analyseSources([u]), 2000);
  lines.push(`in-process per dump (samples/4node): scanHost ${scan4.toFixed(2)} ms, analyseSources alone ${analyse4.toFixed(2)} ms (ratio ${(scan4 / analyse4).toFixed(2)})`);

  const dir = mkdtempSync(join(tmpdir(), "numakit-scan-bench-"));
  try {
    replicate(units, HOSTS, dir);
    const fleet = join(dir, "fleet");
    for (const jobs of [...new Set([1, defaultJobs()])]) lines.push(`pool, corpus mix, ${await poolScan(fleet, jobs)}`);
    lines.push(`built CLI (dist/cli/bundle/; rebuild first: npm run build), corpus mix, --jobs ${defaultJobs()}: ${builtCli(fleet, HOSTS, defaultJobs())}`);
    rmSync(join(dir, "fleet"), { recursive: true, force: true });
    rmSync(join(dir, "originals"), { recursive: true, force: true });
    replicate(four, HOSTS, dir);
    lines.push(`pool, samples/4node x ${HOSTS}, ${await poolScan(fleet, defaultJobs())}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { lines };
}
