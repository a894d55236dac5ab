/**
 * Test helpers for the AML reader: compile .asl fixtures with iasl, disassemble tables with
 * `iasl -d` (the oracle), and gather every DSDT/SSDT of the shared corpus and this host.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSources } from "../../src/acpi/index.js";
import type { RawTable } from "../../src/acpi/index.js";
import { repoRoot, sharedSamples } from "./cli.js";

export const fixtureDir = join(repoRoot, "test", "fixtures", "aml");

export function haveIasl(): boolean {
  return spawnSync("iasl", ["-v"], { stdio: "ignore" }).status !== null;
}

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

/** Every corpus source with DSDT/SSDTs: oracle/NN/tables, real/NAME.txt, samples/4node, and this host's sysfs tables if readable. */
export async function corpusAmlSets(): Promise<CorpusSet[]> {
  const sets: CorpusSet[] = [];
  const add = async (name: string, src: string): Promise<void> => {
    const { tables } = await loadSources([src]);
    const aml = tables.filter((t) => t.signature === "DSDT" || t.signature === "SSDT");
    if (aml.length > 0) sets.push({ name, tables: aml });
  };
  for (const d of readdirSync(join(sharedSamples, "oracle")).sort()) {
    if (d.endsWith(".md")) continue;
    await add(`oracle/${d}`, join(sharedSamples, "oracle", d, "tables"));
  }
  for (const f of readdirSync(join(sharedSamples, "real")).sort()) await add(`real/${f}`, join(sharedSamples, "real", f));
  // The project's own sample host (samples/4node has a DSDT compiled from samples/src/4node-dsdt.asl).
  await add("samples/4node", join(repoRoot, "samples", "4node"));
  try {
    accessSync("/sys/firmware/acpi/tables/DSDT", constants.R_OK);
    await add("host", "/sys/firmware/acpi/tables");
  } catch { /* not readable here: skipped, as the issue allows */ }
  return sets;
}
