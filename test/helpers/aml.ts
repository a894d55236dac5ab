/**
 * Test helpers for the AML reader: compile .asl fixtures with iasl, disassemble tables with
 * `iasl -d` (the oracle), and gather every DSDT/SSDT of the shared corpus and this host.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSources } from "../../src/acpi/index.js";
import type { RawTable } from "../../src/acpi/index.js";
import { corpusPath, oracleConfigs, realDumps } from "./corpus.js";
import { repoRoot } from "./paths.js";

export const fixtureDir = join(repoRoot, "test", "fixtures", "aml");

export function withTmp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "numakit-aml-"));
  try { return f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

export async function withTmpAsync<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "numakit-aml-"));
  try { return await f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** Compile test/fixtures/aml/<name>.asl with iasl into a temp dir; returns the AML bytes. */
export function compileFixture(name: string): Uint8Array {
  return withTmp((dir) => {
    const src = join(dir, `${name}.asl`);
    writeFileSync(src, readFileSync(join(fixtureDir, `${name}.asl`)));
    execFileSync("iasl", ["-p", join(dir, name), src], { stdio: "pipe" });
    return new Uint8Array(readFileSync(join(dir, `${name}.aml`)));
  });
}

/** `iasl -d` of one table: the .dsl text. */
export function disassemble(bytes: Uint8Array, dir: string, name: string): string {
  const file = join(dir, `${name}.dat`);
  writeFileSync(file, bytes);
  spawnSync("iasl", ["-d", "-p", join(dir, name), file], { stdio: "ignore" });
  return readFileSync(join(dir, `${name}.dsl`), "latin1");
}

export interface CorpusSet { name: string; tables: RawTable[] }

async function amlSet(name: string, src: string): Promise<CorpusSet | undefined> {
  const { tables } = await loadSources([src]);
  const aml = tables.filter((t) => t.signature === "DSDT" || t.signature === "SSDT");
  return aml.length > 0 ? { name, tables: aml } : undefined;
}

/**
 * DSDT/SSDTs that need nothing beside the repo: samples/4node's DSDT (compiled from
 * samples/src/4node-dsdt.asl), the test fixtures compiled now with iasl, and this host's sysfs
 * tables when readable.
 */
export async function ownAmlSets(): Promise<CorpusSet[]> {
  const sets: CorpusSet[] = [];
  const sample = await amlSet("samples/4node", join(repoRoot, "samples", "4node"));
  if (sample !== undefined) sets.push(sample);
  sets.push({ name: "test/fixtures/aml", tables: [{ signature: "DSDT", bytes: compileFixture("dsdt-numa"), source: { file: "dsdt-numa.aml" } }, { signature: "SSDT", bytes: compileFixture("ssdt-numa"), source: { file: "ssdt-numa.aml" } }] });
  try {
    accessSync("/sys/firmware/acpi/tables/DSDT", constants.R_OK);
    const host = await amlSet("host", "/sys/firmware/acpi/tables");
    if (host !== undefined) sets.push(host);
  } catch { /* not readable here: skipped, as the issue allows */ }
  return sets;
}

/** Every corpus source with DSDT/SSDTs: oracle/NN/tables and real/NAME.txt (call after requireCorpus). */
export async function corpusAmlSets(): Promise<CorpusSet[]> {
  const sets: CorpusSet[] = [];
  for (const c of oracleConfigs()) {
    const set = await amlSet(`oracle/${c}`, corpusPath("oracle", c, "tables"));
    if (set !== undefined) sets.push(set);
  }
  for (const f of realDumps()) {
    const set = await amlSet(`real/${f.slice(f.lastIndexOf("/") + 1)}`, f);
    if (set !== undefined) sets.push(set);
  }
  return sets;
}
