/**
 * One host of a scan, start to finish: load its sources, analyse them through the library, and
 * turn the result into a row. Never throws: a path that is not a host becomes a row that says why.
 */
import { decodeTable, loadSources, noUsableTable } from "../acpi/index.js";
import { analyse } from "../analyse.js";
import { formatLocation, NumakitError, type Location } from "../errors.js";
import type { KernelVersion } from "../topology/kernel.js";
import type { Numbering } from "../topology/numbering.js";
import { hostRow, SCAN_SCHEMA_VERSION, type ScanRow, type UnreadRow } from "./row.js";

export interface ScanOptions {
  /** Node numbering for the analysis (the row's counts do not depend on it). */
  numbering?: Numbering;
  /** The Linux version whose rules apply (CXL window nodes, Generic Ports, memory tiers): the row's node counts depend on it. */
  kernel?: KernelVersion;
}

/** Input that is simply not ACPI data (a README, a log): skipped, not an error. */
const NOT_ACPI = new Set(["E_INPUT_FORMAT", "E_INPUT_NO_TABLES"]);

export function unreadRow(source: string, err: unknown): UnreadRow {
  if (err instanceof NumakitError) {
    // The row names the source already: repeat the file only when it is another one (inside a directory).
    const { file, ...rest } = err.location;
    const loc: Location = file !== undefined && file !== source ? { file, ...rest } : rest;
    const where = formatLocation(loc);
    return {
      schemaVersion: SCAN_SCHEMA_VERSION, source, status: NOT_ACPI.has(err.code) ? "skipped" : "error",
      error: { code: err.code, message: where === "" ? err.message : `${where}: ${err.message}` },
    };
  }
  // A bug must not abort a fleet scan: the row carries it, like the CLI's internal-error line.
  const msg = err instanceof Error ? err.message : String(err);
  return { schemaVersion: SCAN_SCHEMA_VERSION, source, status: "error", error: { code: "E_INTERNAL", message: `internal error: ${msg} (please report this with the input that caused it)` } };
}

export async function scanHost(source: string, opts: ScanOptions = {}): Promise<ScanRow> {
  try {
    // A table directory's acpidump text files are hosts of their own (src/fleet/hosts.ts).
    const loaded = await loadSources([source], { dumpsInDirectories: "skip" });
    if (loaded.tables.length === 0) {
      return unreadRow(source, noUsableTable(loaded.diagnostics, new NumakitError("E_INPUT_NO_TABLES", "no ACPI tables found", { file: source })));
    }
    const analysis = analyse(loaded.tables.map(decodeTable), {
      ...(opts.numbering === undefined ? {} : { numbering: opts.numbering }),
      ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }),
    }, loaded.diagnostics);
    return hostRow(source, loaded.tables, analysis);
  } catch (err) {
    return unreadRow(source, err);
  }
}
