/**
 * What a sweep runs: the scenario's one `vm_start` step over a list of seeds (interleavings), for
 * each flow, for each variant (Xen configuration and xenopsd policy/build). From the scenario's
 * `"sweep"` block and/or the command line (`--seeds`, `--flows`, `--cost`; the command line wins):
 *
 *   "sweep": {"seeds": "1..200", "flows": ["legacy", "claim", "claim+node-create"],
 *             "variants": [{"name": "XS-v4", "xen": {"nodeClaims": "v4"}}, {"xen": {"nodeClaims": "claim-sets-v7"}, "policy": "libxl"}],
 *             "cost": "auto" | "slit" | "latency" | "bandwidth"}
 *
 * Defaults: seeds 1..100, every flow (a sweep exists to compare them), one variant = the
 * scenario's own `xen` block and the step's own policy, cost `auto` (HMAT read latency when the
 * host's tables have a complete one, else the SLIT).
 */
import { UsageError, type Location } from "../../errors.js";
import { FLOWS, POLICIES, XENOPSD_BUILDS, type Flow, type Policy, type XenopsdBuild } from "../xenopsd/vm_start.js";
import { COST_CHOICES, type CostChoice } from "./cost-model.js";
import { GRANULARITIES, type Granularity } from "../libxc/scheduler.js";
import { parseSeeds } from "./seeds.js";

export const DEFAULT_SEEDS = "1..100";
const MAX_VARIANTS = 16;

/** One configuration the flows run under. `xen` is merged over the scenario's own `xen` block. */
export interface SweepVariant {
  name: string;
  xen: Record<string, unknown>;
  policy?: Policy;
  xenopsd?: XenopsdBuild;
  pagingPool?: boolean;
  /** The builds' interleaving granularity (vm_start's `interleave`). */
  interleave?: Granularity;
}

export interface SweepSpec {
  seeds: number[];
  flows: Flow[];
  variants: SweepVariant[];
  cost: CostChoice;
}

/** Command-line overrides, as given. */
export interface SweepOverrides {
  seeds?: string;
  flows?: string;
  cost?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function oneOf<T extends string>(v: unknown, list: readonly T[], what: string, loc: Location): T {
  if (typeof v !== "string" || !(list as readonly string[]).includes(v)) {
    // The rejected value is named: in "--flows legacy,clam" the user needs to see which one.
    throw new UsageError(`${what} must be one of ${list.map((x) => `"${x}"`).join(", ")}, not ${JSON.stringify(v)}`, loc, "E_SIM_SWEEP");
  }
  return v as T;
}

function flowsOf(v: unknown, what: string, loc: Location): Flow[] {
  const list = typeof v === "string" ? v.split(",").map((s) => s.trim()) : v;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`${what} must name at least one flow (${FLOWS.join(", ")})`, loc, "E_SIM_SWEEP");
  const out = list.map((f) => oneOf(f, FLOWS, what, loc));
  if (new Set(out).size !== out.length) throw new UsageError(`${what}: a flow is named twice`, loc, "E_SIM_SWEEP");
  return out;
}

function variantName(v: Omit<SweepVariant, "name">): string {
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v.xen)) parts.push(`${k}=${typeof x === "string" ? x : JSON.stringify(x)}`);
  if (v.policy !== undefined) parts.push(`policy=${v.policy}`);
  if (v.xenopsd !== undefined) parts.push(`xenopsd=${v.xenopsd}`);
  if (v.pagingPool !== undefined) parts.push(`paging_pool=${String(v.pagingPool)}`);
  if (v.interleave !== undefined) parts.push(`interleave=${v.interleave}`);
  return parts.length === 0 ? "scenario" : parts.join(" ");
}

function parseVariant(v: unknown, i: number, loc: Location): SweepVariant {
  const what = `sweep.variants[${i}]`;
  if (!isObject(v)) throw new UsageError(`${what} must be an object`, loc, "E_SIM_SWEEP");
  for (const k of Object.keys(v)) {
    if (!["name", "xen", "policy", "xenopsd", "paging_pool", "interleave"].includes(k)) throw new UsageError(`${what}: unknown field "${k}"`, loc, "E_SIM_SWEEP");
  }
  const xen = v["xen"] ?? {};
  if (!isObject(xen)) throw new UsageError(`${what}.xen must be an object`, loc, "E_SIM_SWEEP");
  const out: Omit<SweepVariant, "name"> = { xen: { ...xen } };
  if (v["policy"] !== undefined) out.policy = oneOf(v["policy"], POLICIES, `${what}.policy`, loc);
  if (v["xenopsd"] !== undefined) out.xenopsd = oneOf(v["xenopsd"], XENOPSD_BUILDS, `${what}.xenopsd`, loc);
  if (v["paging_pool"] !== undefined) {
    if (typeof v["paging_pool"] !== "boolean") throw new UsageError(`${what}.paging_pool must be true or false`, loc, "E_SIM_SWEEP");
    out.pagingPool = v["paging_pool"];
  }
  if (v["interleave"] !== undefined) out.interleave = oneOf(v["interleave"], GRANULARITIES, `${what}.interleave`, loc);
  const name = v["name"] ?? variantName(out);
  if (typeof name !== "string" || name === "" || name.length > 80 || name.split("").some((c) => c.charCodeAt(0) < 0x20)) {
    throw new UsageError(`${what}.name must be a non-empty one-line string of at most 80 characters`, loc, "E_SIM_SWEEP");
  }
  return { name, ...out };
}

/**
 * The sweep of a scenario file's JSON: its `"sweep"` block (if any) under the command line's
 * overrides. Returns undefined when neither asks for a sweep (the scenario runs once, as before).
 */
export function sweepSpecOf(json: unknown, o: SweepOverrides, loc: Location = {}): SweepSpec | undefined {
  const block = isObject(json) ? json["sweep"] : undefined;
  if (block === undefined && o.seeds === undefined && o.flows === undefined && o.cost === undefined) return undefined;
  if (block !== undefined && !isObject(block)) throw new UsageError("sweep must be an object", loc, "E_SIM_SWEEP");
  const b = block ?? {};
  for (const k of Object.keys(b)) {
    if (!["seeds", "flows", "variants", "cost"].includes(k)) throw new UsageError(`sweep: unknown field "${k}"`, loc, "E_SIM_SWEEP");
  }
  // Command-line errors name the flag only: the scenario file is not at fault.
  const seeds = o.seeds !== undefined ? parseSeeds(o.seeds, "--seeds") : parseSeeds(b["seeds"] ?? DEFAULT_SEEDS, "sweep.seeds", loc);
  const flows = o.flows !== undefined ? flowsOf(o.flows, "--flows", {}) : (b["flows"] === undefined ? [...FLOWS] : flowsOf(b["flows"], "sweep.flows", loc));
  const cost = o.cost !== undefined ? oneOf(o.cost, COST_CHOICES, "--cost", {}) : oneOf(b["cost"] ?? "auto", COST_CHOICES, "sweep.cost", loc);
  const vj = b["variants"];
  let variants: SweepVariant[];
  if (vj === undefined) variants = [{ name: "scenario", xen: {} }];
  else {
    if (!Array.isArray(vj) || vj.length === 0 || vj.length > MAX_VARIANTS) throw new UsageError(`sweep.variants must be a list of 1..${MAX_VARIANTS} variants`, loc, "E_SIM_SWEEP");
    variants = vj.map((v, i) => parseVariant(v, i, loc));
    const names = new Set<string>();
    for (const v of variants) {
      if (names.has(v.name)) throw new UsageError(`sweep.variants: two variants are named "${v.name}" (give each a "name")`, loc, "E_SIM_SWEEP");
      names.add(v.name);
    }
  }
  return { seeds, flows, variants, cost };
}

/** The scenario without its sweep block (what each run parses). */
export function withoutSweep(json: unknown): unknown {
  if (!isObject(json) || !("sweep" in json)) return json;
  const rest: Record<string, unknown> = { ...json };
  delete rest["sweep"];
  return rest;
}
