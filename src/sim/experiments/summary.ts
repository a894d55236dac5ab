/**
 * A sweep's per-seed records reduced to distributions per flow (the `FlowResult` the text, JSON
 * and HTML renderers share) and the JSON document (`sweepJson`): top-level `sweep`, per flow
 * `seeds`, `vmsFullyLocal` {min, median, max}, `memoryOnPlannedNodesPct` {p5, p50},
 * `startFailures`, `costRatio` {p50, p95} (issue 18's contract), and more beside them.
 */
import type { HostSpec } from "../host.js";
import type { Flow } from "../xenopsd/vm_start.js";
import type { CostModel } from "./cost-model.js";
import type { SeedRecord } from "./engine.js";
import { round, spread, type Spread } from "./stats.js";
import type { SweepVariant } from "./sweep-spec.js";

export interface VmResult {
  name: string;
  /** Seeds in which the VM started with every page on its planned node(s). */
  fullyLocalSeeds: number;
  failedSeeds: number;
  cost?: Spread;
}

export interface FlowResult {
  /** The flow's key in `sweep.flows`: the flow, with " @ variant" when the sweep has several variants. */
  key: string;
  flow: Flow;
  variant: SweepVariant;
  seeds: number;
  crashes: number;
  /** The first crash message, if any run crashed. */
  crash?: string;
  vms: number;
  fullyLocal?: Spread;
  localPct?: Spread;
  cost?: Spread;
  vmCost?: Spread;
  xenPct?: Spread;
  structDomain?: Spread;
  serialized?: Spread;
  hypercalls?: Spread;
  startFailures: number;
  seedsWithFailures: number;
  failureErrnos: Record<string, number>;
  vmResults: VmResult[];
  /** Per seed (runs that did not crash, in seed order): what the HTML histograms show. */
  perSeed: { fullyLocal: number[]; cost: number[] };
}

export interface SweepResult {
  file: string;
  hostLabel: string;
  host: HostSpec;
  seeds: number[];
  seedsLabel: string;
  vmNames: string[];
  cost: CostModel;
  flows: FlowResult[];
}

export function flowKey(flow: Flow, variant: SweepVariant, variants: number): string {
  return variants === 1 ? flow : `${flow} @ ${variant.name}`;
}

/** The distributions of one flow's records (records in seed order). */
export function summariseFlow(key: string, flow: Flow, variant: SweepVariant, vmNames: readonly string[], records: readonly SeedRecord[]): FlowResult {
  const ok = records.filter((r) => r.crash === undefined);
  const pick = (f: (r: SeedRecord) => number | undefined): Spread | undefined => spread(ok.flatMap((r) => { const v = f(r); return v === undefined ? [] : [v]; }));
  const failureErrnos: Record<string, number> = {};
  for (const r of ok) for (const e of r.failures) failureErrnos[e] = (failureErrnos[e] ?? 0) + 1;
  const vmResults = vmNames.map((name, i): VmResult => {
    const runs = ok.map((r) => r.vms[i]).filter((v) => v !== undefined);
    const res: VmResult = { name, fullyLocalSeeds: runs.filter((v) => v.fullyLocal).length, failedSeeds: runs.filter((v) => !v.started).length };
    const c = spread(runs.flatMap((v) => (v.cost === undefined ? [] : [v.cost])));
    if (c !== undefined) res.cost = c;
    return res;
  });
  const out: FlowResult = {
    key, flow, variant, seeds: records.length, crashes: records.length - ok.length, vms: vmNames.length,
    startFailures: ok.reduce((s, r) => s + r.failures.length, 0),
    seedsWithFailures: ok.filter((r) => r.failures.length > 0).length,
    failureErrnos: Object.fromEntries(Object.entries(failureErrnos).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    vmResults,
    perSeed: { fullyLocal: ok.map((r) => r.fullyLocal), cost: ok.flatMap((r) => (r.costRatio === undefined ? [] : [r.costRatio])) },
  };
  const crash = records.find((r) => r.crash !== undefined)?.crash;
  if (crash !== undefined) out.crash = crash;
  const set = <K extends keyof FlowResult>(k: K, v: FlowResult[K] | undefined): void => { if (v !== undefined) out[k] = v; };
  set("fullyLocal", pick((r) => r.fullyLocal));
  set("localPct", pick((r) => r.localPercent));
  set("cost", pick((r) => r.costRatio));
  set("vmCost", spread(ok.flatMap((r) => r.vms.flatMap((v) => (v.cost === undefined ? [] : [v.cost])))));
  set("xenPct", pick((r) => (r.xenPages === 0 ? undefined : (100 * r.xenPagesOnPlanned) / r.xenPages)));
  set("structDomain", pick((r) => (r.plannedVms === 0 ? undefined : r.structDomainOnPlanned)));
  set("serialized", pick((r) => r.serializedHypercalls));
  set("hypercalls", pick((r) => r.hypercalls));
  return out;
}

type Num = number | null;
const num = (x: number | undefined, decimals: number): Num => (x === undefined ? null : round(x, decimals));

function counts(s: Spread | undefined): { min: Num; median: Num; max: Num } {
  return { min: num(s?.min, 0), median: num(s?.p50, 0), max: num(s?.max, 0) };
}

/** Render a cost matrix entry for JSON (null where the model has no figure). */
function matrix(m: CostModel): Num[][] {
  return m.values.map((row) => row.map((v) => (v === undefined ? null : v)));
}

/** The `--format json` document. */
export function sweepJson(r: SweepResult): { sweep: Record<string, unknown> } {
  const flows: Record<string, unknown> = {};
  for (const f of r.flows) {
    const entry: Record<string, unknown> = {
      flow: f.flow,
      variant: f.variant.name,
      seeds: f.seeds,
      vmsFullyLocal: counts(f.fullyLocal),
      memoryOnPlannedNodesPct: { p5: num(f.localPct?.p5, 2), p50: num(f.localPct?.p50, 2) },
      startFailures: f.startFailures,
      costRatio: { p50: num(f.cost?.p50, 4), p95: num(f.cost?.p95, 4) },
      startFailureErrnos: f.failureErrnos,
      seedsWithFailures: f.seedsWithFailures,
      crashes: f.crashes,
      vmCostRatio: { p50: num(f.vmCost?.p50, 4), p95: num(f.vmCost?.p95, 4), max: num(f.vmCost?.max, 4) },
      xenInternalOnPlannedNodesPct: { p5: num(f.xenPct?.p5, 2), p50: num(f.xenPct?.p50, 2) },
      structDomainOnPlannedNode: counts(f.structDomain),
      serializedHypercalls: counts(f.serialized),
      hypercalls: counts(f.hypercalls),
      vms: f.vmResults.map((v) => ({ name: v.name, fullyLocalSeeds: v.fullyLocalSeeds, failedSeeds: v.failedSeeds, costRatio: { p50: num(v.cost?.p50, 4), p95: num(v.cost?.p95, 4) } })),
    };
    if (f.crash !== undefined) entry["firstCrash"] = f.crash;
    flows[f.key] = entry;
  }
  const cost: Record<string, unknown> = { metric: r.cost.metric, unit: r.cost.unit, matrix: matrix(r.cost) };
  if (r.cost.note !== undefined) cost["note"] = r.cost.note;
  return {
    sweep: {
      scenario: r.file,
      host: r.hostLabel,
      nodes: r.host.nodes.length,
      seedRange: r.seedsLabel,
      vms: r.vmNames.length,
      costModel: cost,
      flows,
    },
  };
}
