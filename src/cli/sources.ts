/** Loading sources for a command, with the behaviour every table-reading command shares. */
import { decodeTable, loadSources, noUsableTable, SYSFS_TABLES, type LoadedSources, type RawTable } from "../acpi/index.js";
import { describeProvenance } from "../acpi/raw.js";
import { formatDiagnosticLine } from "../report/diagnostic-line.js";
import { oneLineText } from "../util/escape.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { formatLocation, InputError, type NumakitError } from "../errors.js";
import type { CliIo } from "./io.js";

/**
 * What reading the sources found, one stderr line each, so nothing is dropped silently: files a
 * directory source skipped (the message names the file), and tables of a dump with a malformed hex
 * line (file:line, table, offset). Every command calls this, whatever its --format. Returns whether
 * one is an error (a table left out): the command then exits 1.
 */
export function reportSourceDiagnostics(diagnostics: readonly Diagnostic[], io: CliIo): boolean {
  for (const d of diagnostics) {
    // Messages quote file names (a skipped file's): one line each, control characters as \xNN.
    if (d.code === "SOURCE_SKIPPED") { io.stderr.write(`numakit: ${oneLineText(d.message)}\n`); continue; }
    const where = formatLocation({ ...(d.source === undefined ? {} : { file: d.source }), table: d.table, ...(d.offset === undefined ? {} : { offset: d.offset }) });
    io.stderr.write(`numakit: ${where}: ${oneLineText(d.message)}\n`);
  }
  return hasErrors(diagnostics);
}

/**
 * Sources with no table at all (an empty directory, only skipped files) are unusable input (exit
 * 2); when their only tables were damaged, the error is that damage (file:line, table, offset).
 */
export function noTables(sources: readonly string[], diagnostics: readonly Diagnostic[] = []): NumakitError {
  return noUsableTable(diagnostics, new InputError("E_INPUT_NO_TABLES", "no ACPI tables found (give a table file, a directory of them, or acpidump text)", { file: sources.join(", ") || SYSFS_TABLES }));
}

export async function loadSomeTables(sources: readonly string[], io: CliIo): Promise<LoadedSources> {
  const loaded = await loadSources(sources, { stdin: io.stdin });
  if (loaded.tables.length === 0) throw noTables(sources, loaded.diagnostics);
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

/**
 * `dump` and `extract` write a table as the bytes present, as acpixtract does. One whose header
 * declares more (a dump cut short: decode's TABLE_TRUNCATED) is named on stderr, one line each
 * (file:line, table, declared and present length), and the command exits 1 (returns true).
 */
export function reportTruncated(tables: readonly RawTable[], io: CliIo): boolean {
  let any = false;
  for (const t of tables) {
    const d = decodeTable(t).diagnostics.find((x) => x.code === "TABLE_TRUNCATED");
    if (d === undefined) continue;
    any = true;
    io.stderr.write(`numakit: ${formatDiagnosticLine(d, "exit", describeProvenance(t.source))}; the bytes present are written\n`);
  }
  return any;
}
