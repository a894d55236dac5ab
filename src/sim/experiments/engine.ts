/**
 * One sweep task: the scenario run once per seed for one flow under one variant, each run on a
 * freshly booted host, reduced to a small per-seed record. Runs in a worker thread or in-process;
 * a record depends only on (scenario, host, variant, flow, seed), never on which thread ran it, so
 * a sweep's output is the same for any number of workers.
 *
 * The scenario's steps run through the ordinary runner with the ordinary op table, except that its
 * one `vm_start` step runs instrumented: the same prepareVmStart + interleave(builds, seed) +
 * collect as the `vm_start` op, over a hypercall port that counts calls (the serialized
 * create+claim loop's length), and, once the builds are done, a look at the hypervisor's own
 * vCPUs' affinities for each started VM (the cost model's "where the vCPUs may run"). Where Xen put
 * the VM's struct domain, vCPUs and paging pool comes with each VM's outcome (`xenInternal`,
 * src/sim/xenopsd/vm_numa.ts).
 */
import { UsageError, type Location } from "../../errors.js";
import type { HostSpec } from "../host.js";
import { parseScenarioWith, runScenario, rcName, SIM_STEP_OPS, type StepContext, type StepOp, type StepOutcome } from "../index.js";
import type { HypervisorPort } from "../libxc/hypercalls.js";
import { hypervisorPort } from "../libxc/port.js";
import { interleave } from "../libxc/scheduler.js";
import { vmStartOp, type VmStartStep } from "../toolstack/ops.js";
import { prepareVmStart, type Flow, type VmStartResult } from "../xenopsd/vm_start.js";
import { xenInternalOnPlan } from "../xenopsd/vm_numa.js";
import { runWeights, vmCostRatio, type CostModel } from "./cost-model.js";
import type { SweepVariant } from "./sweep-spec.js";

/** What a worker needs for one task (structured-clone safe). */
export interface SweepTask {
  /** The scenario file's JSON without its sweep block. */
  scenario: unknown;
  file?: string;
  host: HostSpec;
  cost: CostModel;
  variant: SweepVariant;
  flow: Flow;
  seeds: number[];
}

export interface VmRecord {
  started: boolean;
  fullyLocal: boolean;
  /** The cost model's ratio (undefined: not started or no pages). */
  cost?: number;
}

/** One run (one seed) reduced to what the sweep reports. */
export interface SeedRecord {
  seed: number;
  /** The simulated Xen panicked (XenPanic): the run's message; the other fields are then empty. */
  crash?: string;
  vms: VmRecord[];
  started: number;
  fullyLocal: number;
  /** Guest pages on the planned node(s) / all guest pages, percent (VmStartTotals.localPercent). */
  localPercent: number;
  /** errno name of each failed start ("ENOMEM"; "no errno" when the failure had none). */
  failures: string[];
  /** Mean of the started VMs' cost ratios (undefined when none has one). */
  costRatio?: number;
  /** Xen-internal pages (struct domain, struct vcpu, paging pool) of started VMs with a plan, and those on a planned node. */
  xenPages: number;
  xenPagesOnPlanned: number;
  /** Started VMs with a planned node, and those whose struct domain is on one. */
  plannedVms: number;
  structDomainOnPlanned: number;
  /** Hypercalls of the serialized create+claim loop (0 for legacy, which has none) and of the whole vm_start. */
  serializedHypercalls: number;
  hypercalls: number;
}

/** "ENOMEM" for 12. */
export function errnoName(errno: number | undefined): string {
  if (errno === undefined || errno === 0) return "no errno";
  const m = /\((\w+)\)$/.exec(rcName(-errno));
  return m?.[1] ?? `errno ${errno}`;
}

/**
 * The port, counting hypercalls. A populate_physmap made in parts (its continuations: a
 * `start_extent` above 0, HypervisorPort.populate_physmap) is one hypercall, as in Xen.
 */
function countingPort(port: HypervisorPort): { port: HypervisorPort; calls: () => number } {
  let n = 0;
  const counted = {} as Record<string, unknown>;
  for (const [k, f] of Object.entries(port)) {
    counted[k] = (...args: unknown[]): unknown => { n++; return (f as (...a: unknown[]) => unknown)(...args); };
  }
  counted["populate_physmap"] = (...args: Parameters<HypervisorPort["populate_physmap"]>): ReturnType<HypervisorPort["populate_physmap"]> => {
    if ((args[5] ?? 0) === 0) n++;
    return port.populate_physmap(...args);
  };
  return { port: counted as unknown as HypervisorPort, calls: () => n };
}

function measure(ctx: StepContext, task: SweepTask, r: VmStartResult, serialized: number, total: number, seed: number): SeedRecord {
  const vms: VmRecord[] = [];
  let xenPages = 0;
  let xenPagesOnPlanned = 0;
  let plannedVms = 0;
  let structDomainOnPlanned = 0;
  const costs: number[] = [];
  for (const v of r.vms) {
    let pages = 0;
    let local = 0;
    for (const [n, p] of Object.entries(v.pagesByNode)) { pages += p; if (v.plannedNodes.includes(Number(n))) local += p; }
    const rec: VmRecord = { started: v.started, fullyLocal: v.started && pages > 0 && local === pages };
    const dom = v.started && v.domid >= 0 ? ctx.hv.domain(v.domid) : undefined;
    if (dom !== undefined) {
      const weights = runWeights(task.host, dom.vcpus.map((c) => ({ hard: c.hard, soft: c.soft })));
      const c = vmCostRatio(task.cost, task.host, weights, v.pagesByNode);
      if (c !== undefined) { rec.cost = c; costs.push(c); }
    }
    // Xen's own allocations for the VM (vm_numa.ts: struct domain, struct vcpu, paging pool).
    const xen = xenInternalOnPlan(v);
    if (xen !== undefined) {
      plannedVms++;
      if (v.plannedNodes.includes(v.xenInternal.structDomainNode)) structDomainOnPlanned++;
      xenPages += xen.pages;
      xenPagesOnPlanned += xen.onPlan;
    }
    vms.push(rec);
  }
  const rec: SeedRecord = {
    seed, vms, started: r.totals.started, fullyLocal: r.totals.fullyLocal, localPercent: r.totals.localPercent,
    failures: r.vms.filter((v) => !v.started).map((v) => errnoName(v.errno)),
    xenPages, xenPagesOnPlanned, plannedVms, structDomainOnPlanned, serializedHypercalls: serialized, hypercalls: total,
  };
  if (costs.length > 0) rec.costRatio = costs.reduce((s, c) => s + c, 0) / costs.length;
  return rec;
}

/** Merge the variant's `xen` over the scenario's own; the scenario parser validates the result. */
function scenarioFor(task: SweepTask): unknown {
  const s = task.scenario as Record<string, unknown>;
  const xen = typeof s["xen"] === "object" && s["xen"] !== null ? s["xen"] as Record<string, unknown> : {};
  return { ...s, xen: { ...xen, ...task.variant.xen } };
}

/** The scenario's vm_start steps: a sweep varies exactly one. */
export function checkSweepable(json: unknown, loc: Location): void {
  const steps = (json as { steps?: unknown }).steps;
  const n = Array.isArray(steps) ? steps.filter((s) => typeof s === "object" && s !== null && (s as { op?: unknown }).op === "vm_start").length : 0;
  if (n !== 1) throw new UsageError(`a sweep varies the scenario's vm_start step; this scenario has ${n === 0 ? "none" : `${n} (keep one)`}`, loc, "E_SIM_SWEEP");
}

/** Run one task: a record per seed, in the task's seed order. */
export function runSweepTask(task: SweepTask): SeedRecord[] {
  let seed = 0;
  const out: { captured?: SeedRecord } = {};
  // Read through a call: the op's run() sets it during runScenario, which flow analysis cannot see.
  const captured = (): SeedRecord | undefined => out.captured;
  const op: StepOp<VmStartStep> = {
    parse: vmStartOp.parse,
    run(ctx, step): StepOutcome {
      const opts = { ...step, flow: task.flow, seed };
      if (task.variant.policy !== undefined) opts.policy = task.variant.policy;
      if (task.variant.xenopsd !== undefined) opts.xenopsd = task.variant.xenopsd;
      if (task.variant.pagingPool !== undefined) opts.pagingPool = task.variant.pagingPool;
      if (task.variant.interleave !== undefined) opts.interleave = task.variant.interleave;
      const { port, calls } = countingPort(hypervisorPort(ctx.hv));
      const prepared = prepareVmStart(port, opts);
      const serialized = task.flow === "legacy" ? 0 : calls();
      interleave(prepared.builds, seed, opts.interleave);
      const r = prepared.collect();
      out.captured = measure(ctx, task, r, serialized, calls(), seed);
      return { rc: 0 };
    },
  };
  const table = new Map(SIM_STEP_OPS);
  table.set("vm_start", op as unknown as StepOp);
  const loc: Location = task.file === undefined ? {} : { file: task.file };
  let scn;
  try {
    scn = parseScenarioWith(table, scenarioFor(task), loc);
  } catch (e) {
    if (e instanceof UsageError && task.variant.name !== "scenario") throw new UsageError(`sweep variant "${task.variant.name}": ${e.message}`, loc, "E_SIM_SWEEP");
    throw e;
  }
  return task.seeds.map((s) => {
    seed = s;
    delete out.captured;
    const report = runScenario(scn, task.host);
    if (report.crash !== undefined) {
      return { seed: s, crash: report.crash.message, vms: [], started: 0, fullyLocal: 0, localPercent: 0, failures: [], xenPages: 0, xenPagesOnPlanned: 0, plannedVms: 0, structDomainOnPlanned: 0, serializedHypercalls: 0, hypercalls: 0 };
    }
    const rec = captured();
    if (rec === undefined) throw new Error("sweep: the vm_start step did not run");
    return rec;
  });
}
