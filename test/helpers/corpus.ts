/**
 * The shared sample corpus (../shared/samples, see its SOURCES.md), enumerated the way the tests
 * and the benchmark need it: every table of every file, as raw bytes with provenance.
 * iasl-src/*.asl is compiled with iasl at load time (into a temp dir), so the ASL stays the source.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { tablesFromBytes } from "../../src/acpi/sources/load.js";
import type { RawTable } from "../../src/acpi/raw.js";
import { sharedSamples } from "./cli.js";

export interface CorpusTable extends RawTable {
  /** Corpus-relative path of the file, e.g. "real/dell-...txt" or "qemu/x86/q35/SRAT.xapic". */
  file: string;
  /** Which corpus group it came from. */
  group: "qemu" | "real" | "fwts" | "synthetic" | "oracle" | "iasl-src";
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Compile iasl-src/*.asl with the installed iasl; returns [asl name, .aml bytes]. */
export function compileIaslSources(): [string, Uint8Array][] {
  const src = join(sharedSamples, "iasl-src");
  const tmp = mkdtempSync(join(tmpdir(), "numakit-iasl-"));
  try {
    const out: [string, Uint8Array][] = [];
    for (const f of readdirSync(src).filter((n) => n.endsWith(".asl")).sort()) {
      copyFileSync(join(src, f), join(tmp, f));
      execFileSync("iasl", [f], { cwd: tmp, stdio: "pipe" });
      out.push([f, new Uint8Array(readFileSync(join(tmp, f.replace(/\.asl$/, ".aml"))))]);
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let cached: CorpusTable[] | undefined;

/** Every table in the corpus, in a stable order. */
export function corpusTables(): CorpusTable[] {
  if (cached !== undefined) return cached;
  const out: CorpusTable[] = [];
  const add = (group: CorpusTable["group"], path: string, bytes: Uint8Array): void => {
    const file = relative(sharedSamples, path);
    for (const t of tablesFromBytes(bytes, path)) out.push({ ...t, file, group });
  };
  for (const p of filesUnder(join(sharedSamples, "qemu"))) add("qemu", p, new Uint8Array(readFileSync(p)));
  for (const p of filesUnder(join(sharedSamples, "real")).filter((f) => f.endsWith(".txt"))) add("real", p, new Uint8Array(readFileSync(p)));
  for (const p of filesUnder(join(sharedSamples, "fwts")).filter((f) => f.includes("acpidump"))) add("fwts", p, new Uint8Array(readFileSync(p)));
  for (const p of filesUnder(join(sharedSamples, "synthetic"))) add("synthetic", p, new Uint8Array(readFileSync(p)));
  for (const dir of readdirSync(join(sharedSamples, "oracle")).sort()) {
    const tables = join(sharedSamples, "oracle", dir, "tables");
    if (!statSync(join(sharedSamples, "oracle", dir)).isDirectory()) continue;
    for (const p of filesUnder(tables)) add("oracle", p, new Uint8Array(readFileSync(p)));
  }
  for (const [name, bytes] of compileIaslSources()) add("iasl-src", join(sharedSamples, "iasl-src", name), bytes);
  cached = out;
  return out;
}

/** Whether the shared corpus is here (suites that need it skip, with one line, when it is not). */
export function corpusPresent(): boolean {
  return existsSync(join(sharedSamples, "SOURCES.md"));
}
