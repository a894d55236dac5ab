/**
 * Decoding benchmark (issue 2): throughput of acpidump text -> decoded tables on the largest real
 * dump, and the wall time of the built CLI next to the ACPICA tools doing the same job
 * (acpixtract -a, then iasl -d of the SRAT and SLIT). Figures, not pass/fail.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeTable } from "../src/acpi/decode.js";
import { encodeTable } from "../src/acpi/encode.js";
import { printTable } from "../src/acpi/print.js";
import { tableJson } from "../src/acpi/json.js";
import { tablesFromBytes } from "../src/acpi/sources/load.js";
import type { BenchReport } from "./run.js";

export const name = "decode";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const samples = join(root, "..", "shared", "samples");
const realDir = join(samples, "real");

/** Run `fn` repeatedly for about `ms` (at least 3 times); the median seconds per run. */
function measure(fn: () => void, ms = 1500): number {
  fn(); // warm-up: JIT, parser compilation
  const times: number[] = [];
  const end = performance.now() + ms;
  while (times.length < 3 || performance.now() < end) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] ?? 0;
}

function wall(cmd: string, args: string[], cwd: string, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] ?? 0;
}

const mb = (bytes: number, s: number): string => (bytes / 1e6 / s).toFixed(1);
const msOf = (s: number): string => (s * 1000).toFixed(1);

export async function run(): Promise<BenchReport> {
  await Promise.resolve();
  const lines: string[] = [];
  const largest = readdirSync(realDir).filter((f) => f.endsWith(".txt"))
    .map((f) => ({ f, size: statSync(join(realDir, f)).size })).sort((a, b) => b.size - a.size)[0];
  if (largest === undefined) return { lines: ["no real dumps found"] };
  const path = join(realDir, largest.f);
  const text = new Uint8Array(readFileSync(path));
  const tables = tablesFromBytes(text, path);
  const tableBytes = tables.reduce((n, t) => n + t.bytes.length, 0);
  const numa = tables.filter((t) => /^(SRAT|SLIT|HMAT|APIC|MSCT)$/.test(t.signature));
  lines.push(`${largest.f}: ${mb(text.length, 1)} MB of text, ${String(tables.length)} tables, ${String(tableBytes)} table bytes (${String(numa.length)} NUMA tables, ${String(numa.reduce((n, t) => n + t.bytes.length, 0))} bytes)`);

  const parse = measure(() => { tablesFromBytes(text, path); });
  const decodeAll = measure(() => { for (const t of tablesFromBytes(text, path)) decodeTable(t); });
  const decodeNuma = measure(() => { for (const t of numa) decodeTable(t); }, 800);
  const decoded = numa.map(decodeTable);
  const encodeNuma = measure(() => { for (const t of decoded) encodeTable(t); }, 800);
  const printNuma = measure(() => { for (const t of decoded) printTable(t); }, 800);
  const jsonNuma = measure(() => { for (const t of decoded) JSON.stringify(tableJson(t)); }, 800);
  lines.push(`text -> decoded tables: ${mb(text.length, decodeAll)} MB/s of text, ${(tables.length / decodeAll).toFixed(0)} tables/s (${msOf(decodeAll)} ms a dump; text parsing alone ${msOf(parse)} ms)`);
  lines.push(`NUMA tables only (${String(numa.length)}): decode ${msOf(decodeNuma)} ms, encode ${msOf(encodeNuma)} ms, text print ${msOf(printNuma)} ms, JSON ${msOf(jsonNuma)} ms`);

  // Wall time of whole processes: the built CLI (node bin/numakit) vs acpixtract -a + iasl -d.
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "ignore" });
  const cli = join(root, "bin", "numakit");
  const tmp = mkdtempSync(join(tmpdir(), "numakit-bench-"));
  try {
    const all = wall(process.execPath, [cli, "decode", path], tmp);
    const two = wall(process.execPath, [cli, "decode", path, "--table", "SRAT,SLIT"], tmp);
    const json = wall(process.execPath, [cli, "decode", path, "--format", "json"], tmp);
    const help = wall(process.execPath, [cli, "--help"], tmp);
    const xtract = wall("acpixtract", ["-a", path], tmp);
    const iasl = wall("iasl", ["-d", "srat.dat", "slit.dat"], tmp);
    lines.push(`wall time on ${largest.f} (median of 5): numakit decode (all ${String(tables.length)} tables, text) ${msOf(all)} ms; --table SRAT,SLIT ${msOf(two)} ms; --format json ${msOf(json)} ms; node start-up (numakit --help) ${msOf(help)} ms`);
    lines.push(`  ACPICA: acpixtract -a ${msOf(xtract)} ms + iasl -d srat.dat slit.dat ${msOf(iasl)} ms = ${msOf(xtract + iasl)} ms`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { lines };
}
