/**
 * A sweep end to end: resolve the host (inline spec, the scenario's source, or `--host SOURCE`)
 * and its cost model, split (variant × flow × seeds) into tasks, run them (worker threads or this
 * thread), and reduce the records to per-flow distributions. The output is a pure function of the
 * scenario, host, and sweep spec: the number of workers and the chunking never show in it.
 */
import { normalize } from "node:path";
import { UsageError, type Location } from "../../errors.js";
import type { HostSpec } from "../host.js";
import { hostFromSource } from "../host-source.js";
import { parseScenario } from "../index.js";
import type { VmStartStep } from "../toolstack/ops.js";
import { accessFromTopology, costModel, type HostAccess } from "./cost-model.js";
import { checkSweepable, runSweepTask, type SweepTask } from "./engine.js";
import { runTasks } from "./pool.js";
import { seedsLabel } from "./seeds.js";
import { flowKey, summariseFlow, type SweepResult } from "./summary.js";
import { withoutSweep, type SweepSpec } from "./sweep-spec.js";

export interface SweepHost {
  spec: HostSpec;
  /** What the user named ("samples/4node", or "inline host"). */
  label: string;
  access?: HostAccess;
}

/** The host of a sweep: `--host SOURCE` over the scenario's own (a source relative to the file). */
export async function sweepHost(json: unknown, hostOverride: string | undefined, loc: Location): Promise<SweepHost> {
  const scn = parseScenario(withoutSweep(json), loc);
  const fromTables = async (source: string, l: Location, rel?: string): Promise<SweepHost> => {
    const h = await hostFromSource(source, l, rel);
    // The path as resolved (a scenario's source relative to the scenario file), normalised.
    const out: SweepHost = { spec: h.spec, label: normalize(h.path) };
    // Xen's one-node fallback renumbers everything: the HMAT's nodes no longer match.
    const access = h.spec.nodes.length === h.topology.nodes.length ? accessFromTopology(h.topology) : undefined;
    if (access !== undefined) out.access = access;
    return out;
  };
  if (hostOverride !== undefined) return fromTables(hostOverride, {});
  if (scn.host === undefined) throw new UsageError("scenario has no host (give \"host\" or --host SOURCE)", loc, "E_SIM_SCENARIO");
  if ("source" in scn.host) return fromTables(scn.host.source, loc, loc.file);
  return { spec: scn.host, label: "inline host" };
}

export interface SweepInput {
  file: string;
  json: unknown;
  spec: SweepSpec;
  host: SweepHost;
  jobs: number;
}

/** Seeds per task: enough tasks to keep every worker busy (4 per worker), no smaller than 1 seed. */
function chunks(seeds: readonly number[], jobs: number, groups: number): number[][] {
  const per = Math.max(1, Math.ceil((seeds.length * groups) / Math.max(1, jobs * 4)));
  const out: number[][] = [];
  for (let i = 0; i < seeds.length; i += per) out.push(seeds.slice(i, i + per));
  return out;
}

export async function runSweep(input: SweepInput): Promise<SweepResult> {
  const loc: Location = { file: input.file };
  checkSweepable(input.json, loc);
  const scenario = withoutSweep(input.json);
  const scn = parseScenario(scenario, loc);
  const step = scn.steps.find((s) => s.op === "vm_start") as VmStartStep | undefined;
  if (step === undefined) throw new UsageError("a sweep needs a vm_start step", loc, "E_SIM_SWEEP");
  const cost = costModel(input.host.spec, input.host.access, input.spec.cost);
  const { variants, flows, seeds } = input.spec;
  const base = { scenario, file: input.file, host: input.host.spec, cost };
  // Validate every variant here (a worker's error would lose its type and location).
  for (const variant of variants) runSweepTask({ ...base, variant, flow: "legacy", seeds: [] });
  const groups = variants.length * flows.length;
  const parts = chunks(seeds, input.jobs, groups);
  const tasks: SweepTask[] = [];
  for (const variant of variants) for (const flow of flows) for (const p of parts) tasks.push({ ...base, variant, flow, seeds: p });
  const results = await runTasks(tasks, input.jobs);
  const vmNames = step.vms.map((v) => v.name);
  const out: SweepResult = { file: input.file, hostLabel: input.host.label, host: input.host.spec, seeds, seedsLabel: seedsLabel(seeds), vmNames, cost, flows: [] };
  let t = 0;
  for (const variant of variants) {
    for (const flow of flows) {
      const records = parts.flatMap(() => results[t++] ?? []);
      out.flows.push(summariseFlow(flowKey(flow, variant, variants.length), flow, variant, vmNames, records));
    }
  }
  return out;
}
