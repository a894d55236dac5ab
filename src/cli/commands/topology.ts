import { NUMBERINGS, type Numbering } from "../../topology/numbering.js";
import { analyseSources } from "../../topology/load.js";
import { topologyJson } from "../../report/json.js";
import { topologyText } from "../../report/text.js";
import { UsageError } from "../../errors.js";
import { formatOf, sourcesOf, withFormat, withSources } from "../args.js";
import type { Command } from "../command.js";
import { toJson, write } from "../output.js";

export function numberingOf(args: Record<string, unknown>): Numbering {
  const n = args["numbering"] ?? "linux";
  if (!NUMBERINGS.includes(n as Numbering)) throw new UsageError(`--numbering must be linux, xen or pxm, not ${JSON.stringify(n)}`);
  return n as Numbering;
}

export const topology: Command = {
  command: "topology [source..]",
  describe: "The NUMA topology Linux/Xen derive from the tables: numactl --hardware layout, then nodes, CPUs, memory, distances, HMAT, findings and verdicts",
  builder: (y) => withFormat(withSources(y))
    .option("numbering", { alias: "n", choices: [...NUMBERINGS], default: "linux", describe: "node ids: Linux's order, Xen's order, or raw PXM" })
    .example("$0 topology samples/4node", "the topology of a table directory")
    .example("$0 topology dump.txt --format json --numbering pxm", "JSON, nodes named by proximity domain"),
  run: async (args) => {
    const format = formatOf(args);
    const { topology: t, validation } = await analyseSources(sourcesOf(args), { numbering: numberingOf(args) });
    await write(format === "json" ? `${toJson(topologyJson(t, validation))}\n` : topologyText(t, validation));
    return 0;
  },
};
