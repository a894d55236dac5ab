/**
 * `numakit report [SOURCE..] [-o FILE] [--numbering linux|xen|pxm] [--kernel X.Y]`: the host as one
 * self-contained HTML file (default numakit-report.html; `-o -` writes it to stdout).
 * Exit 1, as `topology`, when a table it rests on has errors (the file is still written).
 */
import { writeFile } from "../../util/fs-async.js";
import type { Output } from "../io.js";
import { analyseSources } from "../../analyse.js";
import { outputError } from "../output-error.js";
import { NUMBERINGS } from "../../topology/numbering.js";
import { topologyHtml } from "../../report/html/report.js";
import { kernelOf, sourcesOf, withKernel, withSources } from "../args.js";
import type { CommandImpl } from "../command.js";
import { write } from "../output.js";
import { numberingOf, tableErrors } from "./topology.js";

export const DEFAULT_REPORT_FILE = "numakit-report.html";

/** An output FILE argument ("-": stdout); undefined when absent. */
export function outputArg(v: unknown): string | undefined {
  return typeof v !== "string" || v === "" ? undefined : v;
}

/** Write a report to FILE, or to stdout for "-"; errors are one line naming the file (output-error.ts, exit 2). */
export async function writeReport(file: string, stdout: Output, html: string): Promise<void> {
  if (file === "-") { await write(html, stdout); return; }
  try {
    await writeFile(file, html);
  } catch (err) {
    throw outputError(file, err);
  }
}

export const report: CommandImpl = {
  builder: (y) => withKernel(withSources(y))
    .option("output", { alias: ["o", "out"], type: "string", default: DEFAULT_REPORT_FILE, describe: "HTML file to write (- for stdout)" })
    .option("numbering", { alias: "n", choices: [...NUMBERINGS], default: "linux", describe: "node ids: Linux's order, Xen's order, or raw PXM" })
    .example("$0 report samples/4node -o 4node.html", "the 4-node sample as a web page")
    .example("$0 report dump.txt -o - > host.html", "HTML on stdout")
    .epilogue("Exit 0 when the report is written; 1 when it is written but a table it rests on has errors (damaged in a dump, bad checksum, cut short), as for topology; 2 on bad usage or unusable input."),
  run: async (args, io) => {
    const sources = sourcesOf(args);
    const analysis = await analyseSources(sources, { numbering: numberingOf(args), kernel: kernelOf(args) }, { stdin: io.stdin });
    await writeReport(outputArg(args["output"]) ?? DEFAULT_REPORT_FILE, io.stdout, topologyHtml(analysis, { sources }));
    return tableErrors(analysis) ? 1 : 0;
  },
};
