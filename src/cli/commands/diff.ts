import { analyseSources } from "../../analyse.js";
import { diffAnalyses } from "../../diff/diff.js";
import { diffText } from "../../report/diff.js";
import { NUMBERINGS } from "../../topology/numbering.js";
import { UsageError } from "../../errors.js";
import { formatOf, kernelOf, withFormat, withKernel } from "../args.js";
import type { CommandImpl } from "../command.js";
import { toJson, write } from "../output.js";
import { numberingOf } from "./topology.js";

function sourceArg(args: Record<string, unknown>, key: "a" | "b"): string {
  const v = args[key];
  if (typeof v !== "string" || v === "") throw new UsageError(`diff needs two sources, A and B (see numakit diff --help)`);
  return v;
}

export const diff: CommandImpl = {
  builder: (y) => withKernel(withFormat(y
    .positional("a", { type: "string", describe: "the first SOURCE (file, directory, or - for stdin)" })
    .positional("b", { type: "string", describe: "the second SOURCE" })))
    .option("numbering", { alias: "n", choices: [...NUMBERINGS], default: "linux", describe: "node ids: Linux's order, Xen's order, or raw PXM" })
    .example("$0 diff before.txt after.txt", "what a firmware update changed")
    .example("$0 diff dump.txt /sys/firmware/acpi/tables --format json", "a dump against this host, as JSON"),
  run: async (args, io) => {
    const format = formatOf(args);
    const a = sourceArg(args, "a");
    const b = sourceArg(args, "b");
    if (a === "-" && b === "-") throw new UsageError("only one of A and B can be - (standard input)");
    // Both sides under the same Linux rules: --kernel compares hosts, not kernels.
    const opts = { numbering: numberingOf(args), kernel: kernelOf(args) };
    const [x, y] = [await analyseSources([a], opts, { stdin: io.stdin }), await analyseSources([b], opts, { stdin: io.stdin })];
    const d = diffAnalyses(x, y, { a, b });
    await write(format === "json" ? `${toJson(d)}\n` : diffText(d), io.stdout);
    return d.identical ? 0 : 1;
  },
};
