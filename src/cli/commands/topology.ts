import { NUMBERINGS, type Numbering } from "../../topology/numbering.js";
import { analyseSources, type Analysis } from "../../analyse.js";
import { hasErrors } from "../../diagnostics.js";
import { NUMA_TABLES } from "../../validate/index.js";
import { topologyJson } from "../../report/json.js";
import { topologyText } from "../../report/text.js";
import { InputError, UsageError } from "../../errors.js";
import { SYSFS_TABLES } from "../../acpi/index.js";
import type { Topology } from "../../topology/model.js";
import { formatOf, kernelOf, sourcesOf, withFormat, withKernel, withSources } from "../args.js";
import type { CommandImpl } from "../command.js";
import { toJson, write } from "../output.js";
import { checkSynthFormatArgs, isSynthFormat, runSynthFormat, SYNTH_FORMATS } from "./topology-synth.js";
import { reportSourceDiagnostics } from "../sources.js";

export function numberingOf(args: Record<string, unknown>): Numbering {
  const n = args["numbering"] ?? "linux";
  if (!NUMBERINGS.includes(n as Numbering)) throw new UsageError(`--numbering must be linux, xen or pxm, not ${JSON.stringify(n)}`);
  return n as Numbering;
}

/** The hwloc export refuses some tables (no PU); its error names the model, so add the sources. */
async function hwlocXmlOf(t: Topology, sources: readonly string[]): Promise<string> {
  const { hwlocXml } = await import("../../report/hwloc-xml.js");
  try {
    return hwlocXml(t);
  } catch (err) {
    if (err instanceof InputError && err.location.file === undefined) {
      throw new InputError(err.code, err.message, { ...err.location, file: sources.join(", ") || SYSFS_TABLES }, { cause: err });
    }
    throw err;
  }
}

/**
 * Exit 1 when a table the topology is built from has errors: one a dump holds damaged (left out),
 * or a NUMA table decoded with errors (checksum, truncation, ...): the report then rests on broken
 * input. Validation findings about what the tables say stay `validate`'s business (exit 0 here).
 */
export function tableErrors(a: Analysis): boolean {
  return hasErrors(a.sourceDiagnostics) || a.tables.some((t) => NUMA_TABLES.includes(t.signature) && hasErrors(t.diagnostics));
}

export const topology: CommandImpl = {
  builder: (y) => withKernel(withFormat(withSources(y), ["hwloc-xml", "svg", "markdown", ...SYNTH_FORMATS]))
    .option("out", { alias: "o", type: "string", requiresArg: true, describe: "with --format sysfs: the directory to write the node tree into" })
    .option("numbering", { alias: "n", choices: [...NUMBERINGS], default: "linux", requiresArg: true, describe: "node ids: Linux's order, Xen's order, or raw PXM" })
    .example("$0 topology samples/4node", "the topology of a table directory")
    .example("$0 topology dump.txt --format json --numbering pxm", "JSON, nodes named by proximity domain")
    .example("$0 topology dump.txt --format hwloc-xml > m.xml && lstopo -i m.xml", "hwloc XML: what lstopo would show on Linux")
    .example("$0 topology dump.txt --format svg > host.svg", "the host picture alone (numakit report has it all)")
    .example("$0 topology dump.txt --format markdown", "a Markdown report for a ticket or a wiki")
    .example("$0 topology dump.txt --format sysfs --out node/", "the /sys/devices/system/node tree Linux would present")
    .example("$0 topology dump.txt --format desc > host.json", "a description numakit synth turns back into tables"),
  run: async (args, io) => {
    if (isSynthFormat(args["format"])) {
      checkSynthFormatArgs(args);
      const sources = sourcesOf(args);
      const analysis = await analyseSources(sources, { numbering: "linux", kernel: kernelOf(args) }, { stdin: io.stdin });
      const code = await runSynthFormat(args["format"], analysis.topology, sources, args, io);
      return code === 0 && tableErrors(analysis) ? 1 : code;
    }
    if (args["out"] !== undefined) throw new UsageError("--out goes with --format sysfs");
    const extra = args["format"] === "hwloc-xml" || args["format"] === "svg" || args["format"] === "markdown" ? args["format"] : undefined;
    const format = extra === undefined ? formatOf(args) : "text";
    const sources = sourcesOf(args);
    const analysis = await analyseSources(sources, { numbering: numberingOf(args), kernel: kernelOf(args) }, { stdin: io.stdin });
    const { tables, topology: t, validation, sourceDiagnostics } = analysis;
    reportSourceDiagnostics(sourceDiagnostics, io);
    const code = tableErrors(analysis) ? 1 : 0;
    // The export formats load on use: the default text/JSON output needs none of them.
    if (extra === "hwloc-xml") { await write(await hwlocXmlOf(t, sources), io.stdout); return code; }
    if (extra === "svg") { const { hostSvg } = await import("../../report/html/svg.js"); await write(hostSvg(t, { standalone: true }), io.stdout); return code; }
    if (extra === "markdown") { const { topologyMarkdown } = await import("../../report/markdown.js"); await write(topologyMarkdown(t, validation, tables, sources), io.stdout); return code; }
    await write(format === "json" ? `${toJson(topologyJson(t, validation))}\n` : topologyText(t, validation), io.stdout);
    return code;
  },
};
