import { analyseSources } from "../../analyse.js";
import { validationJson } from "../../report/json.js";
import { validationText } from "../../report/text.js";
import { hasErrors, hasWarnings } from "../../diagnostics.js";
import { formatOf, kernelOf, sourcesOf, withFormat, withKernel, withSources } from "../args.js";
import type { CommandImpl } from "../command.js";
import { toJson, write } from "../output.js";
import { reportSourceDiagnostics } from "../sources.js";

export const validate: CommandImpl = {
  builder: (y) => withKernel(withFormat(withSources(y)))
    .option("strict", { type: "boolean", default: false, describe: "exit 1 on warnings as well as errors" })
    .example("$0 validate dump.txt", "findings and verdicts for an acpidump text file"),
  run: async (args, io) => {
    const format = formatOf(args);
    const { topology: t, validation, sourceDiagnostics } = await analyseSources(sourcesOf(args), { kernel: kernelOf(args) }, { stdin: io.stdin });
    reportSourceDiagnostics(sourceDiagnostics, io);
    await write(format === "json" ? `${toJson(validationJson(t, validation))}\n` : validationText(t, validation), io.stdout);
    const failed = hasErrors(validation.diagnostics) || (args["strict"] === true && hasWarnings(validation.diagnostics));
    return failed ? 1 : 0;
  },
};
