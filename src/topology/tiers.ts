/**
 * Linux memory tiers (mm/memory-tiers.c), computed from the tables as the chosen kernel would.
 *
 * - A tier covers a 128-wide band of "abstract distance" (MEMTIER_CHUNK_BITS 7); sysfs names it
 *   memory_tier<adist >> 7>. Default DRAM: MEMTIER_ADISTANCE_DRAM = 4·128 + 64 = 576 → memory_tier4
 *   (include/linux/memory-tiers.h). Memory onlined by dax/kmem without a better answer gets
 *   MEMTIER_DEFAULT_DAX_ADISTANCE = 576·5 = 2880 → memory_tier22 (drivers/dax/kmem.c).
 * - v6.1 (memory-tiers.c first appears): boot memory in the DRAM tier, kmem memory in tier 22.
 * - v6.7 (Huang Ying, "acpi, hmat: calculate abstract distance with HMAT"): hmat_calculate_adistance
 *   gives a node with HMAT data `mt_perf_to_adistance`: 576 · (rl + wl) / (DRAM rl + wl) ·
 *   (DRAM rbw + wbw) / (rbw + wbw), in C integer arithmetic, against the reference DRAM performance
 *   that `mt_set_default_dram_perf` takes from the first node with CPUs and memory; if another such
 *   node differs by more than 10% in any of the four values, the algorithm is disabled ("the
 *   performance of DRAM node %d mismatches") and every node keeps its default.
 * - v6.10 (Ho-Ren (Jack) Chuang, "memory tier: create CPUless memory tiers after obtaining HMAT
 *   info"): CPU-less nodes with boot memory are placed at late init with the HMAT answer; before,
 *   every boot-memory node sat in the DRAM tier.
 *
 * A node's performance is HMAT "access1" (CPU initiators), drivers/acpi/numa/hmat.c
 * hmat_update_target_attrs: the attached initiator when HMAT type 0 names one, else the initiator
 * nodes with CPUs narrowed attribute by attribute to those tied for the best (lowest latency,
 * highest bandwidth), exactly what sysfs access1 shows (./hmat-access.ts); "access"
 * latency/bandwidth entries count as both read and write (hmat_update_target_access). Memory that is neither present
 * at boot nor in the HMAT (CFMWS nodes with fake PXMs) is placed at run time from the device's CDAT,
 * which the tables do not hold: numakit says so.
 */
import type { HmatModel } from "./hmat.js";
import { hmatAccessClass, hmatAccessIndex, type HmatAccessIndex } from "./hmat-access.js";
import { atLeast, type KernelVersion } from "./kernel.js";
import type { NodeKind } from "./kinds.js";

export const MEMTIER_CHUNK_BITS = 7;
export const MEMTIER_ADISTANCE_DRAM = 4 * 128 + 64;
export const MEMTIER_DEFAULT_DAX_ADISTANCE = MEMTIER_ADISTANCE_DRAM * 5;

export interface MemoryPerf { readLatencyNs: number; writeLatencyNs: number; readBandwidthMBps: number; writeBandwidthMBps: number }

export type TierSource = "default-dram" | "hmat" | "dax-default" | "runtime-cdat";

export interface MemoryTier {
  /** sysfs memory_tier<N>. */
  tier: number;
  adistance: number;
  source: TierSource;
  /** The HMAT access1 performance used (when source is "hmat"). */
  perf?: MemoryPerf;
  /** Why, in a sentence. */
  reason: string;
}

/** `cpuPresent`: N_CPU as the HMAT code tests it (a CPU present at boot, sysfs has_cpu); `hasCpus`: any CPU in the SRAT. */
export interface TierNode { id: number; pxm: number; hasCpus: boolean; cpuPresent: boolean; kinds: readonly NodeKind[] }

export interface TierSummary {
  kernel: string;
  /** Reference DRAM node and its performance (HMAT), when the kernel uses HMAT for tiers. */
  reference?: { node: number; perf: MemoryPerf };
  /** Why the HMAT algorithm is off, when it is. */
  hmatDisabled?: string;
  /** tier → node ids, in tier order (what /sys/devices/virtual/memory_tiering lists). */
  tiers: { tier: number; nodes: number[] }[];
}

export function tierOf(adistance: number): number {
  return Math.floor(adistance / 128) >> 0;
}

/**
 * HMAT access1 performance of a target PXM: target->coord[ACCESS_COORDINATE_CPU] as
 * hmat_calculate_adistance() (6.7+) reads it after hmat_update_target_attrs(...,
 * ACCESS_COORDINATE_CPU): the same access class 1 the sysfs tree shows (./hmat-access.ts), the
 * initiator set narrowed attribute by attribute, so every value is from the same initiators, not
 * the best of each attribute over all CPU initiators. Missing values are 0, as in Linux (the
 * callers reject a zero latency or bandwidth sum, as mt_perf_to_adistance does).
 */
export function access1Perf(index: HmatAccessIndex, targetPxm: number, hasNode: (pxm: number) => boolean, hasCpu: (pxm: number) => boolean): MemoryPerf {
  const { perf } = hmatAccessClass(index, targetPxm, 1, hasNode, hasCpu);
  return { readLatencyNs: perf.readLatency, writeLatencyNs: perf.writeLatency, readBandwidthMBps: perf.readBandwidth, writeBandwidthMBps: perf.writeBandwidth };
}

/** mm/memory-tiers.c mt_perf_to_adistance, C integer arithmetic left to right. */
export function perfToAdistance(perf: MemoryPerf, dram: MemoryPerf): number | undefined {
  const lat = perf.readLatencyNs + perf.writeLatencyNs;
  const bw = perf.readBandwidthMBps + perf.writeBandwidthMBps;
  const dlat = dram.readLatencyNs + dram.writeLatencyNs;
  const dbw = dram.readBandwidthMBps + dram.writeBandwidthMBps;
  if (lat === 0 || bw === 0 || dlat === 0) return undefined;
  const a = BigInt(MEMTIER_ADISTANCE_DRAM) * BigInt(lat) / BigInt(dlat) * BigInt(dbw) / BigInt(bw);
  return a > 0x7fffffffn ? undefined : Number(a);
}

/** mt_set_default_dram_perf: more than 10% off the reference in any value. */
function mismatches(p: MemoryPerf, ref: MemoryPerf): boolean {
  const off = (a: number, b: number): boolean => Math.abs(a - b) * 10 > b;
  return off(p.readLatencyNs, ref.readLatencyNs) || off(p.writeLatencyNs, ref.writeLatencyNs)
    || off(p.readBandwidthMBps, ref.readBandwidthMBps) || off(p.writeBandwidthMBps, ref.writeBandwidthMBps);
}

/**
 * Each memory node's tier under `kernel`; nodes without memory (CPU-only, generic initiator) get
 * none. `hmat` only counts when Linux uses the table.
 */
export function memoryTiers(nodes: readonly TierNode[], hmat: HmatModel | undefined, kernel: KernelVersion): { byNode: Map<number, MemoryTier>; summary: TierSummary } | undefined {
  const k = `${kernel.major}.${kernel.minor}`;
  if (!atLeast(kernel, 6, 1)) return undefined;
  const usable = hmat !== undefined && hmat.linuxUses && atLeast(kernel, 6, 7) ? hmat : undefined;
  const pxms = new Set(nodes.map((n) => n.pxm));
  const cpuPxms = new Set(nodes.filter((n) => n.cpuPresent).map((n) => n.pxm));
  const hasNode = (pxm: number): boolean => pxms.has(pxm);
  const hasCpu = (pxm: number): boolean => cpuPxms.has(pxm);
  const summary: TierSummary = { kernel: k, tiers: [] };
  let reference: { node: number; perf: MemoryPerf } | undefined;
  const index = usable === undefined ? undefined : hmatAccessIndex(usable);
  if (index !== undefined) {
    for (const n of nodes) {
      if (!n.hasCpus || !n.kinds.includes("dram")) continue;
      const perf = access1Perf(index, n.pxm, hasNode, hasCpu);
      if (perf.readLatencyNs + perf.writeLatencyNs === 0 || perf.readBandwidthMBps + perf.writeBandwidthMBps === 0) continue;
      if (reference === undefined) { reference = { node: n.id, perf }; continue; }
      if (mismatches(perf, reference.perf)) {
        summary.hmatDisabled = `the performance of DRAM node ${n.id} mismatches that of the reference DRAM node ${reference.node} (more than 10%)`;
        break;
      }
    }
    if (reference !== undefined && summary.hmatDisabled === undefined) summary.reference = reference;
    else if (summary.hmatDisabled === undefined) summary.hmatDisabled = "no node with CPUs and memory has HMAT access1 data";
  } else if (atLeast(kernel, 6, 7)) {
    summary.hmatDisabled = hmat === undefined ? "there is no HMAT" : `Linux does not use the HMAT (${hmat.linuxReason ?? "invalid"})`;
  } else {
    summary.hmatDisabled = `Linux ${k} does not compute tiers from the HMAT (from 6.7)`;
  }
  const ref = summary.reference;
  const fromHmat = (n: TierNode): MemoryTier | undefined => {
    if (index === undefined || ref === undefined) return undefined;
    const perf = access1Perf(index, n.pxm, hasNode, hasCpu);
    const adist = perfToAdistance(perf, ref.perf);
    if (adist === undefined) return undefined;
    return { tier: tierOf(adist), adistance: adist, source: "hmat", perf, reason: `HMAT access1 performance relative to DRAM node ${ref.node} (mt_perf_to_adistance)` };
  };
  const dram: MemoryTier = { tier: tierOf(MEMTIER_ADISTANCE_DRAM), adistance: MEMTIER_ADISTANCE_DRAM, source: "default-dram", reason: "boot memory: the default DRAM tier" };
  const dax: MemoryTier = { tier: tierOf(MEMTIER_DEFAULT_DAX_ADISTANCE), adistance: MEMTIER_DEFAULT_DAX_ADISTANCE, source: "dax-default", reason: "onlined by dax/kmem with no HMAT answer: MEMTIER_DEFAULT_DAX_ADISTANCE" };
  const byNode = new Map<number, MemoryTier>();
  for (const n of nodes) {
    const kinds = n.kinds;
    if (kinds.includes("cpu-only") || kinds.includes("generic-initiator") || kinds.includes("generic-port") || kinds.includes("empty")) continue;
    let t: MemoryTier;
    if (kinds.includes("cxl-window")) {
      t = { ...dax, source: "runtime-cdat", reason: "CXL window node: no HMAT entry for its fake PXM; the CXL driver derives it from the device's CDAT when a region is created (run time, not in the tables); without that, dax/kmem's memory_tier22" };
    } else if (kinds.includes("dram") || (kinds.includes("memory-only") && !atLeast(kernel, 6, 10))) {
      // Boot memory: the default DRAM type (memory_tier_init before 6.10; nodes with CPUs always).
      t = kinds.includes("memory-only") ? { ...dram, reason: `boot memory on a CPU-less node: Linux ${k} puts it in the DRAM tier (HMAT placement of CPU-less nodes is 6.10+)` } : dram;
    } else if (kinds.includes("memory-only")) {
      t = fromHmat(n) ?? { ...dram, reason: "CPU-less boot memory without usable HMAT data: the DRAM tier" };
    } else if (kinds.includes("persistent") || kinds.includes("specific-purpose")) {
      // Non-volatile and soft-reserved memory reach the page allocator through dax/kmem.
      t = fromHmat(n) ?? dax;
    } else {
      // Hot-added memory: set_node_memory_tier's default is the DRAM distance.
      t = fromHmat(n) ?? { ...dram, reason: "hot-added memory with no HMAT answer: set_node_memory_tier's default, the DRAM tier" };
    }
    byNode.set(n.id, t);
  }
  const tiers = new Map<number, number[]>();
  for (const [id, t] of byNode) {
    const ids = tiers.get(t.tier);
    if (ids === undefined) tiers.set(t.tier, [id]);
    else ids.push(id);
  }
  summary.tiers = [...tiers.entries()].sort((a, b) => a[0] - b[0]).map(([tier, ids]) => ({ tier, nodes: ids.sort((a, b) => a - b) }));
  return { byNode, summary };
}
