import { readTables } from "../../acpi/index.js";
import { describeProvenance } from "../../acpi/raw.js";
import { formatDiagnosticLine } from "../../report/diagnostic-line.js";
import { printTable } from "../../acpi/print.js";
import { diagnosticJson, tableJson } from "../../acpi/json.js";
import { hasErrors } from "../../diagnostics.js";
import { formatOf, sourcesOf, tableFilterOf, withFormat, withSources, withTableFilter } from "../args.js";
import type { CommandImpl } from "../command.js";
import { chooseTables, noTables, reportSourceDiagnostics } from "../sources.js";
import { toJson, write } from "../output.js";

export const decode: CommandImpl = {
  builder: (y) => withFormat(withTableFilter(withSources(y)))
    .example("$0 decode dump.txt --table SRAT,SLIT", "decode two tables of an acpidump text file")
    .example("sudo $0 decode --format json", "this host's tables as JSON"),
  run: async (args, io) => {
    const format = formatOf(args);
    const only = tableFilterOf(args);
    const sources = sourcesOf(args);
    const { tables, diagnostics } = await readTables(sources, { stdin: io.stdin });
    if (tables.length === 0) throw noTables(sources, diagnostics);
    const damaged = reportSourceDiagnostics(diagnostics, io);
    const chosen = chooseTables(tables, only, io);
    if (format === "json") {
      await write(`${toJson({ tables: (chosen ?? []).map(tableJson), sourceDiagnostics: diagnostics.map(diagnosticJson) })}\n`, io.stdout);
    } else {
      for (const [i, t] of (chosen ?? []).entries()) await write(`${i > 0 ? "\n" : ""}${printTable(t)}`, io.stdout);
    }
    if (chosen === undefined) return 1;
    // Each error (the reason for exit 1) also goes to stderr as one line naming file, table and offset,
    // so a script sees why without parsing the report.
    for (const t of chosen) {
      for (const d of t.diagnostics.filter((x) => x.severity === "error")) {
        io.stderr.write(`numakit: ${formatDiagnosticLine({ ...d, table: t.signature }, "exit", describeProvenance(t.source))}\n`);
      }
    }
    return damaged || chosen.some((t) => hasErrors(t.diagnostics)) ? 1 : 0;
  },
};
