/**
 * `numakit sim SCENARIO.json [--host SOURCE] [--format text|json]`: run a Xen NUMA memory scenario
 * on the simulated hypervisor. Exit 0 when every `expect` holds, 1 when one fails, 2 for a bad
 * scenario file (one line naming the step) or an unreadable input.
 */
import { readFile } from "node:fs/promises";
import type { Argv } from "yargs";
import type { CommandImpl } from "../command.js";
import { InputError, UsageError } from "../../errors.js";
import { toJson, write } from "../output.js";
import { getStepOp, parseScenario, runScenario, scenarioHost, type RunReport } from "../../sim/index.js";
import { finalState, type FinalState } from "../../sim/index.js";
import { simHtml } from "../../sim/toolstack/html-report.js";
import { outputArg, writeReport } from "./report.js";
import { rcName } from "../../sim/hypervisor/index.js";
import { PAGES_PER_MIB } from "../../sim/units.js";


export async function loadScenarioFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError("E_INPUT_UNREADABLE", `cannot read scenario: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`not valid JSON: ${(e as Error).message}`, { file }, "E_SIM_SCENARIO");
  }
}

function value(v: unknown): string {
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}

export function renderText(r: RunReport): string {
  const lines: string[] = [];
  r.steps.forEach((s, i) => {
    const res = s.result === undefined ? "" : Object.entries(s.result).map(([k, v]) => `${k}=${value(v)}`).join(" ");
    const text = getStepOp(s.op)?.text;
    if (text !== undefined) { lines.push(`${String(i).padStart(4)}  ${s.op.padEnd(22)} ${rcName(s.rc)}`, ...text(s).map((l) => `      ${l}`)); return; }
    lines.push(`${String(i).padStart(4)}  ${s.op.padEnd(22)} ${rcName(s.rc).padEnd(12)} ${res}`.trimEnd());
  });
  if (r.crash !== undefined) lines.push(`${String(r.crash.step).padStart(4)}  ${r.crash.op.padEnd(22)} PANIC        ${r.crash.message}`);
  lines.push("final:");
  for (const n of r.final.nodes) {
    const claimed = n.claimedPages === undefined ? "" : `, claimed ${n.claimedPages} pages`;
    lines.push(`  node ${n.id}: free ${n.freePages} pages (${(n.freePages / PAGES_PER_MIB).toFixed(1)} MiB)${claimed}`);
  }
  for (const d of r.final.domains) {
    const by = Object.entries(d.pagesByNode).map(([k, v]) => `${k}:${v}`).join(" ") || "-";
    lines.push(`  dom ${d.domid}: tot_pages ${d.totPages}, outstanding ${d.outstandingPages}, pages by node ${by}`);
  }
  if (r.failures.length === 0) lines.push("expectations: all met");
  else lines.push(`expectations: ${r.failures.length} FAILED`, ...r.failures.map((f) => `  ${f}`));
  return `${lines.join("\n")}\n`;
}

export const simCommand: CommandImpl = {
  builder: (y: Argv) => y
    .positional("scenario", { type: "string", describe: "scenario file (JSON)", demandOption: true })
    .option("host", { type: "string", requiresArg: true, describe: "host to simulate, decoded from ACPI tables (overrides the scenario's host)" })
    .option("format", { alias: "f", choices: ["text", "json"] as const, default: "text", requiresArg: true, describe: "output format" })
    .option("report", { type: "string", requiresArg: true, describe: "also write the run as a self-contained HTML report (FILE.html, - for stdout)" })
    .example("$0 sim samples/scenarios/vm-start-4node-claim.json", "40 VMs started in parallel with per-node claims")
    .example("$0 sim scenario.json --host dump.txt --format json", "the same steps on a host decoded from an acpidump")
    .example("$0 sim samples/scenarios/vm-start-4node-claim.json --report run.html", "the run as pictures"),
  run: async (args, io) => {
    const file = String(args["scenario"]);
    const json = await loadScenarioFile(file);
    const scn = parseScenario(json, { file });
    const host = typeof args["host"] === "string" ? args["host"] : undefined;
    const spec = await scenarioHost(scn, host, { file });
    const htmlFile = outputArg(args["report"]);
    const states: FinalState["nodes"][] = [];
    const report = runScenario(scn, spec, htmlFile === undefined ? {} : { onBoot: (hv) => { states.push(finalState(hv).nodes); }, afterStep: (hv) => { states.push(finalState(hv).nodes); } });
    // With the report on stdout, the text/JSON output would corrupt it: the report replaces it.
    if (htmlFile !== "-") {
      if (args["format"] === "json") await write(`${toJson(report)}\n`, io.stdout);
      else await write(renderText(report), io.stdout);
    }
    if (htmlFile !== undefined) {
      const d = typeof json === "object" && json !== null && "description" in json ? json.description : undefined;
      await writeReport(htmlFile, io.stdout, simHtml({ file, ...(typeof d === "string" ? { description: d } : {}), host: spec, report, states }));
    }
    if (report.failures.length > 0) {
      for (const f of report.failures) io.stderr.write(`numakit: ${file}: ${f}\n`);
      return 1;
    }
    return 0;
  },
};
