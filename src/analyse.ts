/** Sources → decoded tables → topology + validation: what both CLI commands (and library users) need. */
import { noUsableTable, readTables, type DecodedTable, type LoadOptions } from "./acpi/index.js";
import { InputError } from "./errors.js";
import { validate, type Validation } from "./validate/index.js";
import { buildTopology, type BuildOptions } from "./topology/build.js";
import type { Topology } from "./topology/model.js";
import { namespaceLocality } from "./topology/namespace.js";
import { markUnreadable } from "./topology/unreadable.js";

export interface Analysis {
  tables: DecodedTable[];
  topology: Topology;
  validation: Validation;
  /** What reading the sources found (skipped files, damaged dump tables); also among validation's. */
  sourceDiagnostics: Validation["diagnostics"];
}

export function analyse(tables: readonly DecodedTable[], opts: BuildOptions = {}, sourceDiagnostics: Validation["diagnostics"] = []): Analysis {
  const namespace = opts.namespace ?? namespaceLocality(tables);
  const topology = buildTopology(tables, { ...opts, namespace });
  markUnreadable(topology, sourceDiagnostics);
  return { tables: [...tables], topology, validation: validate(tables, topology, sourceDiagnostics), sourceDiagnostics: [...sourceDiagnostics] };
}

export async function analyseSources(sources: readonly string[], opts: BuildOptions = {}, load: LoadOptions = {}): Promise<Analysis> {
  const { tables, diagnostics } = await readTables(sources, load);
  if (tables.length === 0) {
    throw noUsableTable(diagnostics, new InputError("E_INPUT_NO_TABLES", "no ACPI tables found (give a table file, a directory of them, or acpidump text)", sources.length === 1 && sources[0] !== undefined ? { file: sources[0] } : {}));
  }
  return analyse(tables, opts, diagnostics);
}
