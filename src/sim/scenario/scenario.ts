/**
 * Scenario files: `{"host": {...compact spec...} | {"source": "path"}, "xen": {"version", "nodeClaims"},
 * "steps": [...]}`. Parsing validates everything up front (every step through its op's parser) so
 * a bad file fails with one line naming the step before anything runs; running executes the steps
 * against a freshly booted host and checks each step's `expect`.
 */
import { UsageError, type Location } from "../../errors.js";
import { hostSpecFromCompact, type HostSpec } from "../host.js";
import { hostSpecFromSource, type HostSourceOptions } from "../host-source.js";
import { createHost, XenPanic, NODE_CLAIMS_ALIASES, NODE_CLAIMS_VARIANTS, parseXenVersion, VERSION_RULES, XEN_VERSIONS, xenConfig, type Hypervisor, type XenConfig, type XenConfigInput } from "../hypervisor/index.js";
import { FieldReader, type Json } from "./fields.js";
import { camelKey } from "../../util/json-keys.js";
import type { BaseStep, StepContext, StepOpTable } from "./registry.js";
import { ownValue } from "../../util/own.js";
import { nestsDeeperThan } from "../../util/json-depth.js";

export interface Scenario {
  /** The file's "description": what the scenario shows (reports put it first). */
  description?: string;
  /** The host, or a source to decode (`{"source": path}`) when no spec is inline. */
  host: HostSpec | { source: string } | undefined;
  xen: XenConfigInput;
  steps: BaseStep[];
  /** The op table the steps were parsed with (the runner looks their ops up in it). */
  ops: StepOpTable;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parse a scenario whose steps are ops of `ops` (src/sim/index.ts has the table of every layer
 * and a `parseScenario` bound to it).
 */
export function parseScenarioWith(ops: StepOpTable, json: unknown, loc: Location = {}): Scenario {
  const fail = (msg: string): never => { throw new UsageError(msg, loc, "E_SIM_SCENARIO"); };
  if (!isObject(json)) return fail("scenario must be a JSON object");
  for (const k of Object.keys(json)) if (!["host", "xen", "steps", "description"].includes(k)) fail(`scenario: unknown field "${k}"`);
  let host: Scenario["host"];
  const hj = json["host"];
  if (isObject(hj) && "source" in hj) {
    if (typeof hj["source"] !== "string" || Object.keys(hj).length !== 1) fail('host: {"source": "path"} takes one string');
    host = { source: hj["source"] as string };
  } else if (hj !== undefined) {
    host = hostSpecFromCompact(hj, loc);
  }
  const xen = parseXen(json["xen"], fail);
  const sj = json["steps"];
  if (!Array.isArray(sj)) return fail("scenario: steps must be an array");
  const steps = sj.map((s: unknown, index) => parseStep(ops, s, index, loc));
  const description = json["description"];
  if (description !== undefined && typeof description !== "string") fail("scenario: description must be a string");
  return { ...(typeof description === "string" ? { description } : {}), host, xen, steps, ops };
}

function parseXen(v: unknown, fail: (m: string) => never): XenConfigInput {
  if (v === undefined) return {};
  if (!isObject(v)) return fail("xen must be an object");
  const out: XenConfigInput = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === "version") {
      const ver = parseXenVersion(val);
      if (ver === undefined) return fail(`xen.version must be one of ${XEN_VERSIONS.map((x) => `"${x}"`).join(", ")} ("current" = "staging")`);
      out.version = ver;
    } else if (k === "nodeClaims") {
      const nc = NODE_CLAIMS_VARIANTS.find((x) => x === val) ?? (typeof val === "string" ? ownValue(NODE_CLAIMS_ALIASES, val) : undefined);
      if (nc === undefined) return fail(`xen.nodeClaims must be one of ${NODE_CLAIMS_VARIANTS.map((x) => `"${x}"`).join(", ")} ("claim-sets" = "claim-sets-v7")`);
      out.nodeClaims = nc;
    } else if (k === "populateNoScrubDuringBuild") {
      if (typeof val !== "boolean") fail("xen.populateNoScrubDuringBuild must be true or false");
      out.populateNoScrubDuringBuild = val;
    } else {
      fail(`xen: unknown field "${k}"`);
    }
  }
  const cfg = xenConfig(out);
  if (!VERSION_RULES[cfg.version].nodeClaims && cfg.nodeClaims !== "none") {
    fail(`xen.nodeClaims "${cfg.nodeClaims}" needs xen.version "4.22" or "staging" (the node-claim series are posted against staging)`);
  }
  return out;
}

/** The first object key spelled with "_" in an `expect` (results spell keys in camelCase). */
function snakeKey(v: unknown): string | undefined {
  if (Array.isArray(v)) { for (const x of v) { const k = snakeKey(x); if (k !== undefined) return k; } return undefined; }
  if (!isObject(v)) return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k.includes("_")) return k;
    const inner = snakeKey(x);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** How deeply an `expect` may nest: results nest at most 4 levels; far more than any result, far less than the stack. */
const MAX_EXPECT_DEPTH = 32;

function parseStep(ops: StepOpTable, s: unknown, index: number, loc: Location): BaseStep {
  if (!isObject(s)) throw new UsageError(`step ${index}: must be an object with "op"`, loc, "E_SIM_SCENARIO");
  const name = s["op"];
  if (typeof name !== "string") throw new UsageError(`step ${index}: missing "op"`, loc, "E_SIM_SCENARIO");
  const op = ops.get(name);
  const f: FieldReader = new FieldReader(s, `step ${index} (${name})`, loc);
  if (op === undefined) f.fail(`unknown op (known: ${[...ops.keys()].sort().join(", ")})`);
  const step = op.parse(f, index);
  const ex = s["expect"];
  if (ex !== undefined) {
    if (!isObject(ex)) f.fail("expect must be an object");
    // A result nests a few levels (numaInfo[].distances[]); the expectation is walked recursively.
    if (nestsDeeperThan(ex, MAX_EXPECT_DEPTH)) f.fail(`expect nests deeper than ${MAX_EXPECT_DEPTH} levels`);
    if (ex["rc"] !== undefined && (typeof ex["rc"] !== "number" || !Number.isInteger(ex["rc"]))) f.fail("expect.rc must be an integer");
    // Results are reported in camelCase; an old snake_case name would never match and read as a failure.
    const snake = snakeKey(ex);
    if (snake !== undefined) f.fail(`expect: result fields are camelCase: "${snake}" is "${camelKey(snake)}"`);
    step.expect = ex;
  }
  // The step's own fields as written (without "op" and "expect"): what a report shows as its arguments.
  step.given = Object.fromEntries(Object.entries(s).filter(([k]) => k !== "op" && k !== "expect"));
  return step;
}

export interface StepReport {
  op: string;
  rc: number;
  result?: Record<string, unknown>;
}

export interface FinalState {
  nodes: { id: number; freePages: number; claimedPages?: number }[];
  domains: { domid: number; totPages: number; outstandingPages: number; pagesByNode: Record<string, number> }[];
}

/** The hypervisor hit a BUG_ON (XenPanic): the host panicked during this step; later steps did not run. */
export interface CrashReport {
  /** Index of the step during which Xen panicked. */
  step: number;
  op: string;
  /** The assertion, e.g. `BUG_ON(claims > avail_pages)`. */
  assertion: string;
  where: string;
  detail: string;
  message: string;
}

export interface RunReport {
  steps: StepReport[];
  final: FinalState;
  /** One message per failed expectation ("step 3 (populate_physmap): expected rc -22, got 0"), and the crash if any. */
  failures: string[];
  /** Present only when the simulated Xen panicked (the scenario stops there). */
  crash?: CrashReport;
}

/** The Xen the scenario runs (its "xen" with the defaults filled in). */
export function scenarioXen(scn: Scenario): XenConfig {
  return xenConfig(scn.xen);
}

/** The scenario's own inline host (compact spec); library callers without ACPI sources use this. */
export function inlineHost(scn: Scenario, loc: Location = {}): HostSpec {
  if (scn.host === undefined || "source" in scn.host) throw new UsageError("scenario has no inline host", loc, "E_SIM_SCENARIO");
  return scn.host;
}

/** Resolve the scenario's host (`hostOverride` = `--host SOURCE`). */
export async function scenarioHost(scn: Scenario, hostOverride: string | undefined, loc: Location = {}, opts: HostSourceOptions & { relativeTo?: string | false } = {}): Promise<HostSpec> {
  // relativeTo: the scenario file a "source" is relative to (default loc.file); false: the working directory (stdin).
  const { relativeTo: rel = loc.file, ...sourceOpts } = opts;
  const relativeTo = rel === false ? undefined : rel;
  // --host is the user's own argument, not part of the scenario file: its errors name only the source.
  if (hostOverride !== undefined) return hostSpecFromSource(hostOverride, {}, undefined, sourceOpts);
  if (scn.host === undefined) throw new UsageError("scenario has no host (give \"host\" or --host SOURCE)", loc, "E_SIM_SCENARIO");
  // A source named in the scenario file is relative to that file.
  if ("source" in scn.host) return hostSpecFromSource(scn.host.source, loc, relativeTo, sourceOpts);
  return scn.host;
}

export interface RunOptions {
  /** Called once the host has booted, before the first step. */
  onBoot?: (hv: Hypervisor) => void;
  /** Called after each step with the hypervisor's state (the HTML report's per-step timeline). */
  afterStep?: (hv: Hypervisor, index: number) => void;
}

export function runScenario(scn: Scenario, spec: HostSpec, opts: RunOptions = {}): RunReport {
  const hv = createHost(spec, scn.xen);
  const ctx: StepContext = { hv, state: new Map() };
  const steps: StepReport[] = [];
  const failures: string[] = [];
  opts.onBoot?.(hv);
  for (const step of scn.steps) {
    const op = scn.ops.get(step.op);
    if (op === undefined) throw new Error(`step op ${step.op} vanished`);
    let out: ReturnType<typeof op.run>;
    try {
      out = op.run(ctx, step);
    } catch (e) {
      if (!(e instanceof XenPanic)) throw e;
      // A real host is gone at this point: report the panic and stop.
      const message = `Xen ${e.assertion} failed in ${e.where} (${e.detail}): hypervisor panic, host crashed`;
      failures.push(`step ${step.index} (${step.op}): ${message}`);
      const crash: CrashReport = { step: step.index, op: step.op, assertion: e.assertion, where: e.where, detail: e.detail, message };
      return { steps, final: finalState(hv), failures, crash };
    }
    const rep: StepReport = { op: step.op, rc: out.rc };
    if (out.result !== undefined) rep.result = out.result;
    steps.push(rep);
    if (step.expect !== undefined) failures.push(...checkExpect(step, out.rc, out.result));
    opts.afterStep?.(hv, steps.length - 1);
  }
  return { steps, final: finalState(hv), failures };
}

function checkExpect(step: BaseStep, rc: number, result: Record<string, unknown> | undefined): string[] {
  const where = `step ${step.index} (${step.op})`;
  const out: string[] = [];
  for (const [k, want] of Object.entries(step.expect ?? {})) {
    const got = k === "rc" ? rc : ownField(result, k);
    if (!deepEqual(got, want)) out.push(`${where}: expected ${k} ${JSON.stringify(want)}, got ${got === undefined ? "nothing" : JSON.stringify(got)}`);
  }
  return out;
}

/**
 * A result's field as an expectation names it: own fields only, so "toString" or "constructor" in
 * an expect is a field the result does not have, not Object.prototype's member (which failed as
 * "got undefined").
 */
function ownField(o: Record<string, unknown> | undefined, k: string): unknown {
  return o !== undefined && Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Deep equality for JSON values; objects in `want` may omit keys of `got` (partial match). */
function deepEqual(got: unknown, want: unknown): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && want.every((w, i) => deepEqual(got[i], w));
  }
  if (isObject(want)) {
    return isObject(got) && Object.entries(want).every(([k, w]) => deepEqual(ownField(got, k), w));
  }
  return got === want;
}

export function finalState(hv: Hypervisor): FinalState {
  const nodeClaims = hv.config.nodeClaims !== "none";
  const nodes = hv.alloc.heap.online.map((id) => {
    const n: FinalState["nodes"][number] = { id, freePages: hv.alloc.heap.nodeAvail(id) };
    if (nodeClaims) n.claimedPages = hv.alloc.claims.nodeClaimed[id] ?? 0;
    return n;
  });
  const domains = hv.domains().map((d) => ({
    domid: d.domid,
    totPages: d.tot_pages,
    outstandingPages: d.outstanding_pages,
    pagesByNode: Object.fromEntries(Object.entries(d.pages_by_node).map(([k, v]) => [k, v])),
  }));
  return { nodes, domains };
}
