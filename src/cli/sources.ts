/** Loading sources for a command, with the behaviour every table-reading command shares. */
import { loadSources, SYSFS_TABLES, type LoadedSources } from "../acpi/index.js";
import type { Diagnostic } from "../diagnostics.js";
import { InputError } from "../errors.js";
import type { CliIo } from "./io.js";

/** Files a directory source skipped, one stderr line each, so nothing is dropped silently. */
export function reportSkipped(diagnostics: readonly Diagnostic[], io: CliIo): void {
  for (const d of diagnostics) io.stderr.write(`numakit: ${d.message}\n`);
}

/** Sources with no table at all (an empty directory, only skipped files) are unusable input (exit 2). */
export function noTables(sources: readonly string[]): InputError {
  return new InputError("E_INPUT_NO_TABLES", "no ACPI tables found (give a table file, a directory of them, or acpidump text)", { file: sources.join(", ") || SYSFS_TABLES });
}

export async function loadSomeTables(sources: readonly string[], io: CliIo): Promise<LoadedSources> {
  const loaded = await loadSources(sources, { stdin: io.stdin });
  if (loaded.tables.length === 0) throw noTables(sources);
  return loaded;
}

/**
 * The tables --table asks for. When none matches, says which signatures the sources do have and
 * returns undefined: the command exits 1 (a failed expectation, not bad input).
 */
export function chooseTables<T extends { signature: string }>(tables: readonly T[], only: readonly string[] | undefined, io: CliIo): T[] | undefined {
  const chosen = only === undefined ? [...tables] : tables.filter((t) => only.includes(t.signature.toUpperCase()));
  if (chosen.length > 0) return chosen;
  io.stderr.write(`numakit: no ${(only ?? []).join("/")} table in the sources (they have ${[...new Set(tables.map((t) => t.signature))].join(", ")})\n`);
  return undefined;
}
