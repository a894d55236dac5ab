/**
 * `numakit sim SCENARIO --seeds 1..N` (or a scenario with a "sweep" block): the sweep's run, on
 * the command's I/O. Flag parsing and dispatch stay in ./sim.ts; the engine, its renderers and the
 * HTML page live in src/sim/experiments.
 */
import type { CliIo } from "../io.js";
import { oneLineText } from "../../util/escape.js";
import { plural } from "../../util/plural.js";
import { toJson, write } from "../output.js";
import { outputArg, writeReport } from "./report.js";
import { jobsArg } from "../args.js";
import { runSweep, sweepHost } from "../../sim/experiments/sweep.js";
import type { SweepSpec } from "../../sim/experiments/sweep-spec.js";
import { sweepJson } from "../../sim/experiments/summary.js";
import { renderSweepText } from "../../sim/experiments/text.js";
import { sweepHtml } from "../../sim/experiments/html.js";

export async function runSweepCommand(file: string, json: unknown, spec: SweepSpec, args: Record<string, unknown>, io: CliIo): Promise<number> {
  // Flags before the host: a bad --jobs is reported without decoding any table.
  const jobs = jobsArg(args["jobs"]);
  const host = await sweepHost(json, typeof args["host"] === "string" ? args["host"] : undefined, { file });
  const result = await runSweep({ file, json, spec, host, jobs });
  const htmlFile = outputArg(args["report"]);
  if (htmlFile !== "-") {
    if (args["format"] === "json") await write(`${toJson(sweepJson(result))}\n`, io.stdout);
    else await write(renderSweepText(result), io.stdout);
  }
  if (htmlFile !== undefined) {
    const d = typeof json === "object" && json !== null && "description" in json ? json.description : undefined;
    await writeReport(htmlFile, io.stdout, sweepHtml({ result, ...(typeof d === "string" ? { description: d } : {}) }));
  }
  const crashes = result.flows.reduce((s, f) => s + f.crashes, 0);
  if (crashes > 0) {
    io.stderr.write(`numakit: ${oneLineText(file)}: the simulated Xen panicked in ${plural(crashes, "run")} of the sweep\n`);
    return 1;
  }
  return 0;
}
