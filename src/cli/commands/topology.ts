import { NUMBERINGS, type Numbering } from "../../topology/numbering.js";
import { analyseSources } from "../../analyse.js";
import { topologyJson } from "../../report/json.js";
import { topologyText } from "../../report/text.js";
import { hwlocXml } from "../../report/hwloc-xml.js";
import { InputError, UsageError } from "../../errors.js";
import { SYSFS_TABLES } from "../../acpi/index.js";
import type { Topology } from "../../topology/model.js";
import { formatOf, sourcesOf, withFormat, withSources } from "../args.js";
import type { Command } from "../command.js";
import { toJson, write } from "../output.js";

export function numberingOf(args: Record<string, unknown>): Numbering {
  const n = args["numbering"] ?? "linux";
  if (!NUMBERINGS.includes(n as Numbering)) throw new UsageError(`--numbering must be linux, xen or pxm, not ${JSON.stringify(n)}`);
  return n as Numbering;
}

/** The hwloc export refuses some tables (no PU); its error names the model, so add the sources. */
function hwlocXmlOf(t: Topology, sources: readonly string[]): string {
  try {
    return hwlocXml(t);
  } catch (err) {
    if (err instanceof InputError && err.location.file === undefined) {
      throw new InputError(err.code, err.message, { ...err.location, file: sources.join(", ") || SYSFS_TABLES }, { cause: err });
    }
    throw err;
  }
}

export const topology: Command = {
  command: "topology [source..]",
  describe: "The NUMA topology Linux/Xen derive from the tables: numactl --hardware layout, then nodes, CPUs, memory, distances, HMAT, findings and verdicts",
  builder: (y) => withFormat(withSources(y), ["hwloc-xml"])
    .option("numbering", { alias: "n", choices: [...NUMBERINGS], default: "linux", describe: "node ids: Linux's order, Xen's order, or raw PXM" })
    .example("$0 topology samples/4node", "the topology of a table directory")
    .example("$0 topology dump.txt --format json --numbering pxm", "JSON, nodes named by proximity domain")
    .example("$0 topology dump.txt --format hwloc-xml > m.xml && lstopo -i m.xml", "hwloc XML: what lstopo would show on Linux"),
  run: async (args, io) => {
    const hwloc = args["format"] === "hwloc-xml";
    const format = hwloc ? "text" : formatOf(args);
    const sources = sourcesOf(args);
    const { topology: t, validation } = await analyseSources(sources, { numbering: numberingOf(args) }, { stdin: io.stdin });
    if (hwloc) { await write(hwlocXmlOf(t, sources), io.stdout); return 0; }
    await write(format === "json" ? `${toJson(topologyJson(t, validation))}\n` : topologyText(t, validation), io.stdout);
    return 0;
  },
};
