import { loadSources } from "../../acpi/index.js";
import { describeProvenance } from "../../acpi/raw.js";
import { amlBlocks } from "../../aml/blocks.js";
import type { Diagnostic } from "../../diagnostics.js";
import { diagnosticJson } from "../../acpi/json.js";
import { SLIT_ENTRIES_OFFSET, SLIT_LOCALITIES_OFFSET } from "../../acpi/tables/slit.js";
import { readNamespace } from "../../aml/index.js";
import { printNamespace, selectDevices } from "../../aml/print.js";
import { InputError } from "../../errors.js";
import { formatDiagnosticLine } from "../../report/diagnostic-line.js";
import { hasErrors } from "../../diagnostics.js";
import { formatOf, sourcesOf, withFormat, withSources } from "../args.js";
import type { CommandImpl } from "../command.js";
import { toJson, write } from "../output.js";
import { reportSourceDiagnostics } from "../sources.js";

/** SLIT's locality count (u64 at offset 36), when a SLIT is among the sources: _SLI lengths are checked against it. */
function slitLocalities(tables: readonly { signature: string; bytes: Uint8Array }[]): number | undefined {
  const slit = tables.find((t) => t.signature === "SLIT" && t.bytes.length >= SLIT_ENTRIES_OFFSET);
  if (slit === undefined) return undefined;
  const n = new DataView(slit.bytes.buffer, slit.bytes.byteOffset, slit.bytes.byteLength).getBigUint64(SLIT_LOCALITIES_OFFSET, true);
  return n <= 0xffffn ? Number(n) : undefined;
}

export const namespace: CommandImpl = {
  builder: (y) => withFormat(withSources(y))
    .option("all", { alias: "a", type: "boolean", default: false, describe: "list every Device and Processor, not only those with _PXM/_SLI" })
    .example("$0 namespace dump.txt", "devices with _PXM or _SLI in an acpidump text file")
    .example("sudo $0 namespace --all --format json", "every device of this host's namespace as JSON"),
  run: async (args, io) => {
    const format = formatOf(args);
    const all = args["all"] === true;
    const sources = sourcesOf(args);
    const loaded = await loadSources(sources, { stdin: io.stdin });
    const damaged = reportSourceDiagnostics(loaded.diagnostics, io);
    const aml = amlBlocks(loaded.tables);
    const dsdts = loaded.tables.filter((t) => t.signature === "DSDT");
    if (aml.length === 0) {
      throw new InputError("E_INPUT_NO_AML", "no DSDT or SSDT among the sources", sources.length === 1 && sources[0] !== undefined ? { file: sources[0] } : {});
    }
    const slit = slitLocalities(loaded.tables);
    const report = readNamespace(aml, slit === undefined ? {} : { slitLocalities: slit });
    const duplicate: Diagnostic[] = dsdts.length < 2 ? [] : [{
      code: "TABLE_DUPLICATE", severity: "warning", table: "DSDT", source: describeProvenance(dsdts[1]?.source ?? { file: "" }),
      message: `${dsdts.length} DSDT tables in the sources (${dsdts.map((t) => describeProvenance(t.source)).join(", ")}): the first is used, as Linux and Xen do`,
    }];
    report.diagnostics.unshift(...duplicate);
    const diagnostics = [...loaded.diagnostics, ...report.diagnostics];
    // Source findings went to stderr above; the namespace's own ones follow the report in text mode.
    if (format === "json") {
      await write(`${toJson({
        tables: report.tables,
        devices: selectDevices(report, all),
        objects: report.objects,
        diagnostics: diagnostics.map(diagnosticJson),
      })}\n`, io.stdout);
    } else {
      await write(printNamespace(report, all), io.stdout);
      for (const d of report.diagnostics) {
        io.stderr.write(`numakit: ${formatDiagnosticLine(d, "severity")}\n`);
      }
    }
    return damaged || hasErrors(report.diagnostics) ? 1 : 0;
  },
};
