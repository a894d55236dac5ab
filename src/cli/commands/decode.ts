import { readTables } from "../../acpi/index.js";
import { printTable } from "../../acpi/print.js";
import { diagnosticJson, tableJson } from "../../acpi/json.js";
import { hasErrors } from "../../diagnostics.js";
import { formatOf, sourcesOf, tableFilterOf } from "../args.js";
import type { Command } from "../command.js";
import { toJson, write } from "../output.js";

export const decode: Command = {
  command: "decode [source..]",
  describe: "Decode ACPI tables field by field (iasl -d layout, or JSON). SOURCE: table file, directory, acpidump text, or - (default: /sys/firmware/acpi/tables)",
  builder: (y) => y
    .positional("source", { type: "string", array: true, describe: "table binary, directory (sysfs / acpidump -b), acpidump text, or -" })
    .option("table", { alias: "t", type: "string", array: true, describe: "only these signatures, e.g. --table SRAT,SLIT" })
    .option("format", { alias: "f", choices: ["text", "json"], default: "text", describe: "output format" })
    .example("$0 decode dump.txt --table SRAT,SLIT", "decode two tables of an acpidump text file")
    .example("sudo $0 decode --format json", "this host's tables as JSON"),
  run: async (args) => {
    const format = formatOf(args);
    const only = tableFilterOf(args);
    const { tables, diagnostics } = await readTables(sourcesOf(args));
    const chosen = only === undefined ? tables : tables.filter((t) => only.includes(t.signature.toUpperCase()));
    if (format === "json") {
      await write(`${toJson({ tables: chosen.map(tableJson), sourceDiagnostics: diagnostics.map(diagnosticJson) })}\n`);
    } else {
      for (const [i, t] of chosen.entries()) await write(`${i > 0 ? "\n" : ""}${printTable(t)}`);
      if (chosen.length === 0) process.stderr.write(`numakit: no ${only?.join("/") ?? ""} table in the sources\n`);
      for (const d of diagnostics) process.stderr.write(`numakit: ${d.message}\n`);
    }
    return chosen.some((t) => hasErrors(t.diagnostics)) ? 1 : 0;
  },
};
