import { analyseSources } from "../../analyse.js";
import { validationJson } from "../../report/json.js";
import { validationText } from "../../report/text.js";
import { hasErrors, hasWarnings } from "../../diagnostics.js";
import { formatOf, sourcesOf, withFormat, withSources } from "../args.js";
import type { Command } from "../command.js";
import { toJson, write } from "../output.js";

export const validate: Command = {
  command: "validate [source..]",
  describe: "Check SRAT/SLIT/HMAT/MSCT/MADT (fwts's checks, Linux's and Xen's conditions, cross-table rules) and say what Linux and Xen will use. Exit 1 on errors (--strict: on warnings too)",
  builder: (y) => withFormat(withSources(y))
    .option("strict", { type: "boolean", default: false, describe: "exit 1 on warnings as well as errors" })
    .example("$0 validate dump.txt", "findings and verdicts for an acpidump text file"),
  run: async (args, io) => {
    const format = formatOf(args);
    const { topology: t, validation } = await analyseSources(sourcesOf(args), {}, { stdin: io.stdin });
    await write(format === "json" ? `${toJson(validationJson(t, validation))}\n` : validationText(t, validation), io.stdout);
    const failed = hasErrors(validation.diagnostics) || (args["strict"] === true && hasWarnings(validation.diagnostics));
    return failed ? 1 : 0;
  },
};
