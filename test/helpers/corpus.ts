/**
 * The third-party sample corpus (see its SOURCES.md): the ONE place tests find it.
 *
 * Where: `NUMAKIT_CORPUS` (relative to the working directory), else ../shared/samples beside the
 * repo. Tests that read it call `requireCorpus(this)` first (in a `before` hook for a whole
 * describe, or in an `it`); when the corpus is absent they are skipped and test/hooks.ts prints one
 * line at the end with how many. When the corpus was promised (NUMAKIT_CORPUS set, or CI=true) and
 * nothing is there, the run fails at once instead (test/hooks.ts, mochaGlobalSetup).
 *
 * Nothing here touches the filesystem at import time: suites are defined without the corpus.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { tablesFromBytes } from "../../src/acpi/sources/load.js";
import type { RawTable } from "../../src/acpi/raw.js";
import { repoRoot } from "./paths.js";
import { requireProgram, skipped } from "./skip.js";

const fromEnv = process.env["NUMAKIT_CORPUS"];
/** The corpus root (a path; whether anything is there is corpusPresent()'s business). */
export const corpusRoot: string = fromEnv !== undefined && fromEnv !== "" ? resolve(fromEnv) : join(repoRoot, "..", "shared", "samples");
/** Set NUMAKIT_CORPUS or CI=true: the corpus must be there, and its absence fails the run. */
export const corpusPromised: boolean = (fromEnv !== undefined && fromEnv !== "") || process.env["CI"] === "true";

/** A path inside the corpus (no filesystem access). */
export const corpusPath = (...parts: string[]): string => join(corpusRoot, ...parts);

/** The folders SOURCES.md describes; all of them make a corpus. */
const GROUPS = ["qemu", "real", "fwts", "synthetic", "oracle", "iasl-src"] as const;

let present: boolean | undefined;

/** Whether the corpus is there (SOURCES.md and every group folder). Checked once, lazily. */
export function corpusPresent(): boolean {
  present ??= existsSync(join(corpusRoot, "SOURCES.md")) && GROUPS.every((g) => existsSync(join(corpusRoot, g)));
  return present;
}

/** Why the corpus is missing, as one sentence (for the loud failure when it was promised). */
export function corpusMissing(): string {
  const lacking = [join(corpusRoot, "SOURCES.md"), ...GROUPS.map((g) => join(corpusRoot, g))].filter((p) => !existsSync(p));
  const why = fromEnv !== undefined && fromEnv !== "" ? `NUMAKIT_CORPUS=${fromEnv}` : "CI=true";
  return `${why} promises the sample corpus at ${corpusRoot}, but ${lacking.map((p) => relative(corpusRoot, p) || p).join(", ")} ${lacking.length === 1 ? "is" : "are"} missing there`;
}

/**
 * Call first in a test (or in a describe's `before` hook) that reads the corpus: skips the test
 * (or the whole describe) when the corpus is absent, counting the tests skipped; throws when it
 * was promised and is absent.
 */
export function requireCorpus(ctx: Mocha.Context): void {
  if (corpusPresent()) return;
  if (corpusPromised) throw new Error(corpusMissing());
  skipped(ctx, "corpus");
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

/** The oracle configurations (oracle/NN-name/ with tables/ and linux/), sorted. */
export function oracleConfigs(): string[] {
  const dir = corpusPath("oracle");
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "tables"))).map((d) => d.name).sort();
}

/** The acpidump text dumps of real machines (real/*.txt), as paths, sorted. */
export function realDumps(): string[] {
  return readdirSync(corpusPath("real")).filter((f) => f.endsWith(".txt")).sort().map((f) => corpusPath("real", f));
}

/** Every source a command can be given: dumps, fwts logs, oracle table dirs, synthetic and QEMU files. */
export function corpusSources(): string[] {
  return [
    ...realDumps(),
    ...readdirSync(corpusPath("fwts")).filter((f) => f.includes("acpidump")).sort().map((f) => corpusPath("fwts", f)),
    ...oracleConfigs().map((c) => corpusPath("oracle", c, "tables")),
    ...filesUnder(corpusPath("synthetic")),
    ...filesUnder(corpusPath("qemu")).filter((f) => !f.endsWith(".md")),
  ];
}

export interface CorpusTable extends RawTable {
  /** Corpus-relative path of the file, e.g. "real/dell-...txt" or "qemu/x86/q35/SRAT.xapic". */
  file: string;
  /** Which corpus group it came from. */
  group: (typeof GROUPS)[number];
}

/** Compile iasl-src/*.asl with the installed iasl; returns [asl name, .aml bytes]. */
export function compileIaslSources(): [string, Uint8Array][] {
  const src = corpusPath("iasl-src");
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

/**
 * Every table in the corpus, in a stable order. Call after requireCorpus(); the iasl-src/ tables
 * are compiled with iasl, so call requireProgram(this, "iasl") too (they are left out without it).
 */
export function corpusTables(): CorpusTable[] {
  if (cached !== undefined) return cached;
  const out: CorpusTable[] = [];
  const add = (group: CorpusTable["group"], path: string, bytes: Uint8Array): void => {
    const file = relative(corpusRoot, path);
    for (const t of tablesFromBytes(bytes, path)) out.push({ ...t, file, group });
  };
  const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
  for (const p of filesUnder(corpusPath("qemu"))) add("qemu", p, read(p));
  for (const p of realDumps()) add("real", p, read(p));
  for (const p of filesUnder(corpusPath("fwts")).filter((f) => f.includes("acpidump"))) add("fwts", p, read(p));
  for (const p of filesUnder(corpusPath("synthetic"))) add("synthetic", p, read(p));
  for (const c of oracleConfigs()) {
    const tables = corpusPath("oracle", c, "tables");
    if (!statSync(tables).isDirectory()) continue;
    for (const p of filesUnder(tables)) add("oracle", p, read(p));
  }
  if (haveProgramQuietly("iasl")) for (const [name, bytes] of compileIaslSources()) add("iasl-src", corpusPath("iasl-src", name), bytes);
  cached = out;
  return out;
}

function haveProgramQuietly(name: string): boolean {
  return requireProgram.available(name);
}
