/** The decoding engine's public surface. */
export { loadSources, noUsableTable, tablesFromBytes, SYSFS_TABLES, type LoadedSources, type LoadOptions } from "./sources/load.js";
export { parseAcpidumpText } from "./sources/acpidump-text.js";
export { decodeTable, type DecodedTable, type DecodedSubtable } from "./decode.js";
export { encodeTable, buildTable, type TableModel, type SubtableModel } from "./encode.js";
export { printTable } from "./print.js";
export { tableJson } from "./json.js";
export { tableDefs } from "./tables/registry.js";
export type { RawTable, Provenance } from "./raw.js";

import { loadSources, type LoadOptions } from "./sources/load.js";
import { decodeTable, type DecodedTable } from "./decode.js";
import type { Diagnostic } from "../diagnostics.js";

/** Load and decode every table of the given sources (none: this host's sysfs tables). */
export async function readTables(sources: readonly string[], opts: LoadOptions = {}): Promise<{ tables: DecodedTable[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadSources(sources, opts);
  return { tables: loaded.tables.map(decodeTable), diagnostics: loaded.diagnostics };
}
export { formatAcpidump, formatAcpidumpTable } from "./sources/acpidump-writer.js";
export { sysfsNames } from "./sources/sysfs-names.js";
