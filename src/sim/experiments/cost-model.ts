/**
 * The NUMA cost model of a sweep (docs/sim.md, "NUMA cost model"): for one VM, the expected cost
 * of a memory access given where its guest pages are and where its vCPUs may run, relative to the
 * all-local ideal.
 *
 * Assumptions (stated, not measured):
 * - every guest page is accessed equally often, and every vCPU issues the same share of accesses;
 * - a vCPU spends equal time on every pCPU it may run on: its soft affinity within its hard
 *   affinity when that is non-empty (the schedulers run a vCPU on its soft-affinity CPUs whenever
 *   they can), else its hard affinity (all CPUs by default);
 * - an access from a CPU on node r to memory on node m costs cost[r][m]: the SLIT distance as
 *   Xen uses it (`__node_distance`), the HMAT read latency (ns), or the inverse of the HMAT read
 *   bandwidth (time per byte), between those nodes;
 * - the ideal is every access served by the cheapest memory node for the CPU (its own node when it
 *   has memory), so a CPU-only node's ideal is its nearest memory, not an impossible local one.
 * So ratio = Σ_r w_r Σ_m f_m cost[r][m] / Σ_r w_r min_m cost[r][m], with w the vCPUs' time per
 * node and f the VM's page fraction per node: 1.0 = ideal; on a SLIT of 10/21, a VM wholly on the
 * remote node scores 2.1.
 */
import { UsageError } from "../../errors.js";
import type { Topology } from "../../topology/model.js";
import { nodePresentPages, type HostSpec } from "../host.js";

export const COST_CHOICES = ["auto", "slit", "latency", "bandwidth"] as const;
export type CostChoice = (typeof COST_CHOICES)[number];
export type CostMetric = "slit" | "hmat-read-latency" | "hmat-read-bandwidth";

/** HMAT read figures between the host's nodes (row: initiator node, column: memory node). */
export interface HostAccess {
  readLatencyNs: (number | undefined)[][];
  readBandwidthMBps: (number | undefined)[][];
}

export interface CostModel {
  metric: CostMetric;
  /** Unit of `values`: "distance", "ns" or "MB/s". */
  unit: string;
  /** The figures as the source gives them, [cpu node][memory node]; undefined where not used. */
  values: (number | undefined)[][];
  /** Why `auto` chose the SLIT although the host came from tables (HMAT absent or incomplete). */
  note?: string;
}

/**
 * HMAT read latency and bandwidth between the topology's nodes (memory hierarchy only: memory-side
 * cache figures describe the cache). `access` figures count as read ones, as Linux's
 * hmat_update_target_access does. Node index i is simulator node i (host-source.ts numbers the
 * nodes in Topology order). Undefined when the HMAT is absent or Linux rejects it.
 */
export function accessFromTopology(t: Topology): HostAccess | undefined {
  const h = t.hmat;
  if (h === undefined || !h.linuxUses || h.pairs.length === 0) return undefined;
  const n = t.nodes.length;
  const index = new Map(t.nodes.map((node, i) => [node.id, i]));
  const grid = (): (number | undefined)[][] => Array.from({ length: n }, () => new Array<number | undefined>(n).fill(undefined));
  const lat = grid();
  const bw = grid();
  for (const p of h.pairs) {
    if (p.hierarchy !== 0 || p.initiator === undefined || p.target === undefined) continue;
    const i = index.get(p.initiator);
    const j = index.get(p.target);
    if (i === undefined || j === undefined) continue;
    const row = (m: (number | undefined)[][]): (number | undefined)[] => m[i] ?? [];
    const l = p.values.readLatencyNs ?? p.values.accessLatencyNs;
    const b = p.values.readBandwidthMBps ?? p.values.accessBandwidthMBps;
    if (l !== undefined) row(lat)[j] = l;
    if (b !== undefined) row(bw)[j] = b;
  }
  return { readLatencyNs: lat, readBandwidthMBps: bw };
}

function cpuNodes(spec: HostSpec): number[] {
  return spec.nodes.filter((n) => n.cpus.length > 0).map((n) => n.id);
}

function memNodes(spec: HostSpec): number[] {
  return spec.nodes.filter((n) => nodePresentPages(n) > 0).map((n) => n.id);
}

/** The first (cpu node, memory node) pair the matrix lacks, if any. */
function missing(spec: HostSpec, m: (number | undefined)[][]): string | undefined {
  for (const r of cpuNodes(spec)) {
    for (const c of memNodes(spec)) {
      const v = m[r]?.[c];
      if (v === undefined || v <= 0) return `node ${r} -> node ${c}`;
    }
  }
  return undefined;
}

/** The model for `choice` on this host (`access` when the host came from tables with an HMAT). */
export function costModel(spec: HostSpec, access: HostAccess | undefined, choice: CostChoice): CostModel {
  const slit = (note?: string): CostModel => {
    const m: CostModel = { metric: "slit", unit: "distance", values: spec.distances.map((row) => [...row]) };
    if (note !== undefined) m.note = note;
    return m;
  };
  if (choice === "slit") return slit();
  const want = choice === "bandwidth" ? "bandwidth" : "latency";
  const values = access === undefined ? undefined : (want === "bandwidth" ? access.readBandwidthMBps : access.readLatencyNs);
  const gap = values === undefined ? "the host has no HMAT (or Linux rejects it)" : (() => {
    const at = missing(spec, values);
    return at === undefined ? undefined : `the HMAT has no read ${want} for ${at}`;
  })();
  if (values === undefined || gap !== undefined) {
    if (choice === "auto") return slit(`${gap ?? "no HMAT"}: SLIT distances used`);
    throw new UsageError(`--cost ${choice}: ${gap ?? "no HMAT"}`, {}, "E_SIM_SWEEP");
  }
  return want === "bandwidth"
    ? { metric: "hmat-read-bandwidth", unit: "MB/s", values: values.map((r) => [...r]) }
    : { metric: "hmat-read-latency", unit: "ns", values: values.map((r) => [...r]) };
}

/** The cost of an access from node r to node m under the model (higher is worse). */
function cost(model: CostModel, r: number, m: number): number {
  const v = model.values[r]?.[m];
  if (v === undefined || v <= 0) return Number.POSITIVE_INFINITY;
  return model.metric === "hmat-read-bandwidth" ? 1 / v : v;
}

/** A vCPU's affinities: pCPU ids, undefined = all CPUs (Xen's default). */
export interface VcpuAffinity {
  hard: readonly number[] | undefined;
  soft: readonly number[] | undefined;
}

/**
 * Share of the VM's run time per node (index = node id): each vCPU's time spread evenly over the
 * CPUs it may run on (soft ∩ hard when non-empty, else hard), the vCPUs weighted equally.
 */
export function runWeights(spec: HostSpec, vcpus: readonly VcpuAffinity[]): number[] {
  const nodeOf = new Map<number, number>();
  for (const n of spec.nodes) for (const c of n.cpus) nodeOf.set(c, n.id);
  const all = [...nodeOf.keys()];
  const w = new Array<number>(spec.nodes.length).fill(0);
  let counted = 0;
  for (const v of vcpus) {
    const hard = (v.hard ?? all).filter((c) => nodeOf.has(c));
    const soft = v.soft === undefined ? [] : hard.filter((c) => v.soft?.includes(c));
    const eff = soft.length > 0 ? soft : hard;
    if (eff.length === 0) continue;
    counted++;
    for (const c of eff) {
      const n = nodeOf.get(c) ?? 0;
      w[n] = (w[n] ?? 0) + 1 / eff.length;
    }
  }
  return counted === 0 ? w : w.map((x) => x / counted);
}

/**
 * The VM's expected access cost over the all-local ideal (1.0 = ideal), or undefined for a VM with
 * no pages or no CPU to run on.
 */
export function vmCostRatio(model: CostModel, spec: HostSpec, weights: readonly number[], pagesByNode: Readonly<Record<string, number>>): number | undefined {
  let pages = 0;
  for (const p of Object.values(pagesByNode)) pages += p;
  if (pages === 0) return undefined;
  const mems = memNodes(spec);
  let actual = 0;
  let ideal = 0;
  weights.forEach((w, r) => {
    if (w === 0) return;
    let best = Number.POSITIVE_INFINITY;
    for (const m of mems) best = Math.min(best, cost(model, r, m));
    let c = 0;
    for (const [node, p] of Object.entries(pagesByNode)) c += (p / pages) * cost(model, r, Number(node));
    actual += w * c;
    ideal += w * best;
  });
  if (ideal === 0 || !Number.isFinite(ideal) || !Number.isFinite(actual)) return undefined;
  return actual / ideal;
}
