/**
 * `numakit sim SCENARIO.json [--host SOURCE] [--format text|json]`: run a Xen NUMA memory scenario
 * on the simulated hypervisor. SCENARIO "-" reads it from stdin. Exit 0 when every `expect` holds,
 * 1 when one fails (or a table of the --host source was damaged and left out), 2 for a bad
 * scenario file (one line naming the file:line:column or the step) or an unreadable input.
 */
import type { Argv } from "yargs";
import type { CommandImpl } from "../command.js";
import { UsageError } from "../../errors.js";
import { toJson, write } from "../output.js";
import { parseScenario, runScenario, scenarioHost } from "../../sim/index.js";
import { finalState, type FinalState } from "../../sim/index.js";
import { simHtml } from "../../sim/toolstack/html-report.js";
import { simRunText } from "../../sim/toolstack/run-text.js";
import { outputArg, writeReport } from "./report.js";
import { sweepSpecOf } from "../../sim/experiments/sweep-spec.js";
import { COST_CHOICES } from "../../sim/experiments/cost-model.js";
import { runSweepCommand } from "./sim-sweep.js";
import { readJsonInput } from "../json-input.js";
import { withJobs } from "../args.js";
import { reportSourceDiagnostics } from "../sources.js";
import type { CliIo } from "../io.js";
import { oneLineText } from "../../util/escape.js";

/** A scenario file's JSON and the name messages use ("-": standard input, "<stdin>"); read and syntax errors are one line (exit 2). */
export async function readScenario(file: string, stdin: CliIo["stdin"] = emptyInput()): Promise<{ json: unknown; name: string }> {
  const { json, name } = await readJsonInput(file, stdin, "scenarios", "E_SIM_SCENARIO");
  return { json, name };
}

/** The scenario's JSON (library callers and tests; the command uses readScenario). */
export async function loadScenarioFile(file: string, stdin?: CliIo["stdin"]): Promise<unknown> {
  return (await readScenario(file, stdin)).json;
}

async function* emptyInput(): AsyncGenerator<Uint8Array> { /* no input */ }

export const simCommand: CommandImpl = {
  builder: (y: Argv) => withJobs(y
    .positional("scenario", { type: "string", describe: "scenario file (JSON, schema/scenario.schema.json), or - for stdin", demandOption: true })
    .option("host", { type: "string", requiresArg: true, describe: "host to simulate, decoded from ACPI tables (overrides the scenario's host)" })
    // No yargs default: an explicit --format beside `--report -` is a conflict (reportConflict).
    .option("format", { alias: "f", choices: ["text", "json"] as const, requiresArg: true, describe: "output format (default: text)" })
    .option("report", { type: "string", requiresArg: true, describe: "also write the run as a self-contained HTML report (FILE.html; - for stdout, instead of the text output: not with --format)" })
    .option("seeds", { type: "string", requiresArg: true, describe: "sweep: run the vm_start step once per seed (1..200, or 1,5,9..12) and report distributions" })
    .option("flows", { type: "string", requiresArg: true, describe: "sweep: the flows to compare (comma list; default all: legacy,claim,claim+node-create)" })
    .option("cost", { choices: COST_CHOICES, requiresArg: true, describe: "sweep: the cost model (default auto: HMAT read latency when the host's tables have it, else SLIT)" }),
    "sweep: worker threads (default: the number of CPUs)")
    .example("$0 sim samples/scenarios/vm-start-4node-claim.json", "40 VMs started in parallel with per-node claims")
    .example("$0 sim samples/scenarios/paging-pool.json --host samples/2socket --format json", "the same steps on a host decoded from ACPI tables")
    .example("$0 sim samples/scenarios/vm-start-4node-claim.json --report run.html", "the run as pictures")
    .example("$0 sim samples/scenarios/vm-start-4node-claim.json --seeds 1..200", "legacy vs claim vs claim+node-create over 200 interleavings"),
  run: async (args, io) => {
    reportConflict(args);
    const arg = String(args["scenario"]);
    const host = typeof args["host"] === "string" ? args["host"] : undefined;
    if (arg === "-" && host === "-") throw new UsageError("standard input can be read once: give the scenario or --host as -, not both");
    const { json, name: file } = await readScenario(arg, io.stdin);
    const str = (k: string): string | undefined => (typeof args[k] === "string" ? args[k] : undefined);
    const o = { seeds: str("seeds"), flows: str("flows"), cost: str("cost") };
    const sweep = sweepSpecOf(json, Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)), { file });
    if (sweep !== undefined) {
      if (host === "-") throw new UsageError("a sweep reads its host from a file or directory, not from standard input");
      return runSweepCommand(file, json, sweep, args, io);
    }
    if (args["jobs"] !== undefined) throw new UsageError("--jobs applies to sweeps only (give --seeds or a \"sweep\" block)");
    const scn = parseScenario(json, { file });
    const source = { damaged: false };
    const spec = await scenarioHost(scn, host, { file }, {
      stdin: io.stdin,
      // A scenario from stdin names host sources relative to the working directory.
      ...(arg === "-" ? { relativeTo: false as const } : {}),
      // Skipped files and damaged tables of the host source are named, as every command does.
      onSourceDiagnostics: (d) => { source.damaged = reportSourceDiagnostics(d, io); },
    });
    const htmlFile = outputArg(args["report"]);
    const states: FinalState["nodes"][] = [];
    const report = withFile(file, () => runScenario(scn, spec, htmlFile === undefined ? {} : { onBoot: (hv) => { states.push(finalState(hv).nodes); }, afterStep: (hv) => { states.push(finalState(hv).nodes); } }));
    // With the report on stdout, the text/JSON output would corrupt it: the report replaces it.
    if (htmlFile !== "-") {
      if (args["format"] === "json") await write(`${toJson(report)}\n`, io.stdout);
      else await write(simRunText(scn, spec, report), io.stdout);
    }
    if (htmlFile !== undefined) {
      await writeReport(htmlFile, io.stdout, simHtml({ file, ...(scn.description === undefined ? {} : { description: scn.description }), host: spec, report, states }));
    }
    if (report.failures.length > 0) {
      // A failure quotes the expectation as written (any string the file holds): one line.
      for (const f of report.failures) io.stderr.write(`numakit: ${oneLineText(`${file}: ${f}`)}\n`);
      return 1;
    }
    return source.damaged ? 1 : 0;
  },
};

/**
 * `--report -` puts the HTML on stdout, where the text or JSON output goes: it replaces the text
 * output when no format is asked for; asked for both, the run would silently drop one, so it is
 * bad usage (exit 2) naming the two.
 */
export function reportConflict(args: Record<string, unknown>): void {
  if (outputArg(args["report"]) === "-" && typeof args["format"] === "string") {
    throw new UsageError(`--report - and --format ${args["format"]} both write to standard output: give --report FILE.html, or leave out --format for the HTML report alone`);
  }
}

/** A host the simulated Xen cannot boot (init_node_heap's BUG_ON) is an input error: name the scenario file. */
function withFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof UsageError && e.location.file === undefined) throw new UsageError(e.message, { file }, e.code);
    throw e;
  }
}
