import { loadSources } from "../../acpi/index.js";
import { diagnosticJson } from "../../acpi/json.js";
import { SLIT_ENTRIES_OFFSET, SLIT_LOCALITIES_OFFSET } from "../../acpi/tables/slit.js";
import { readNamespace } from "../../aml/index.js";
import { printNamespace, selectDevices } from "../../aml/print.js";
import { formatLocation, InputError } from "../../errors.js";
import { hasErrors } from "../../diagnostics.js";
import { formatOf, sourcesOf, withFormat, withSources } from "../args.js";
import type { Command } from "../command.js";
import { toJson, write } from "../output.js";

/** SLIT's locality count (u64 at offset 36), when a SLIT is among the sources: _SLI lengths are checked against it. */
function slitLocalities(tables: readonly { signature: string; bytes: Uint8Array }[]): number | undefined {
  const slit = tables.find((t) => t.signature === "SLIT" && t.bytes.length >= SLIT_ENTRIES_OFFSET);
  if (slit === undefined) return undefined;
  const n = new DataView(slit.bytes.buffer, slit.bytes.byteOffset, slit.bytes.byteLength).getBigUint64(SLIT_LOCALITIES_OFFSET, true);
  return n <= 0xffffn ? Number(n) : undefined;
}

export const namespace: Command = {
  command: "namespace [source..]",
  describe: "List devices with _PXM/_SLI (or every device) from the DSDT/SSDT AML: ids, proximity, distances, static or dynamic",
  builder: (y) => withFormat(withSources(y))
    .option("all", { alias: "a", type: "boolean", default: false, describe: "list every Device and Processor, not only those with _PXM/_SLI" })
    .example("$0 namespace dump.txt", "devices with _PXM or _SLI in an acpidump text file")
    .example("sudo $0 namespace --all --format json", "every device of this host's namespace as JSON"),
  run: async (args, io) => {
    const format = formatOf(args);
    const all = args["all"] === true;
    const sources = sourcesOf(args);
    const loaded = await loadSources(sources, { stdin: io.stdin });
    const aml = loaded.tables.filter((t) => t.signature === "DSDT" || t.signature === "SSDT");
    if (aml.length === 0) {
      throw new InputError("E_INPUT_NO_AML", "no DSDT or SSDT among the sources", sources.length === 1 && sources[0] !== undefined ? { file: sources[0] } : {});
    }
    const slit = slitLocalities(loaded.tables);
    const report = readNamespace(aml, slit === undefined ? {} : { slitLocalities: slit });
    const diagnostics = [...loaded.diagnostics, ...report.diagnostics];
    if (format === "json") {
      await write(`${toJson({
        tables: report.tables,
        devices: selectDevices(report, all),
        objects: report.objects,
        diagnostics: diagnostics.map(diagnosticJson),
      })}\n`, io.stdout);
    } else {
      await write(printNamespace(report, all), io.stdout);
      for (const d of diagnostics) {
        const where = formatLocation({ ...(d.source === undefined ? {} : { file: d.source }), table: d.table, ...(d.offset === undefined ? {} : { offset: d.offset }) });
        io.stderr.write(`numakit: ${d.severity}: ${where}: ${d.message} [${d.code}]\n`);
      }
    }
    return hasErrors(report.diagnostics) ? 1 : 0;
  },
};
