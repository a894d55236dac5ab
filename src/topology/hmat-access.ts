/**
 * Linux's HMAT access classes (drivers/acpi/numa/hmat.c): for one memory target, the initiators
 * registered under access0 (ACCESS_COORDINATE_LOCAL, any initiator) and access1
 * (ACCESS_COORDINATE_CPU, initiators with CPUs) and the performance kept in target->coord[].
 * One computation for every reader: the sysfs tree (synth/sysfs.ts, node_set_perf_attrs) and the
 * memory tiers (tiers.ts: hmat_calculate_adistance() runs hmat_update_target_attrs(...,
 * ACCESS_COORDINATE_CPU) and hands coord[ACCESS_COORDINATE_CPU] to mt_perf_to_adistance()).
 */
import { hmatRowKey, indexHmatPairs, type HmatDataKey, type HmatModel, type HmatPairRows } from "./hmat.js";

/** struct access_coordinate; 0 is "no value", as in Linux. */
export interface AccessPerf { readLatency: number; writeLatency: number; readBandwidth: number; writeBandwidth: number }
/** One access class of a target: initiator PXMs (ascending) and the performance. */
export interface AccessClass { initiators: number[]; perf: AccessPerf }

type Loc = keyof AccessPerf;
/**
 * Linux's localities_types[]: the structure each attribute is read from (hmat_add_locality());
 * an access latency/bandwidth structure serves both directions. Read/write ones are preferred
 * here; Linux takes whichever comes last in the table.
 */
const SOURCES: Record<Loc, [HmatDataKey, HmatDataKey]> = {
  writeLatency: ["writeLatencyNs", "accessLatencyNs"], readLatency: ["readLatencyNs", "accessLatencyNs"],
  writeBandwidth: ["writeBandwidthMBps", "accessBandwidthMBps"], readBandwidth: ["readBandwidthMBps", "accessBandwidthMBps"],
};
/** enum locality_types: the order attributes narrow the initiator set in. */
const ORDER: Loc[] = ["writeLatency", "readLatency", "writeBandwidth", "readBandwidth"];

/** What the access classes read of an HMAT, indexed once (no scan of every pair per target). */
export interface HmatAccessIndex {
  /** Memory-hierarchy pairs by row key (hierarchy 0), then target PXM. */
  rows: HmatPairRows;
  /** The data key each attribute is read from, if any structure gives it. */
  keys: Record<Loc, HmatDataKey | undefined>;
  /** alloc_memory_initiator(): initiator PXMs of the locality structures that have a node, ascending (initiator_cmp). */
  initiators: number[];
  /** Each memory PXM's attached initiator PXM: target->processor_pxm (HmatLinuxState). */
  attached: ReadonlyMap<number, number>;
}

export function hmatAccessIndex(h: HmatModel, hasNode: (pxm: number) => boolean): HmatAccessIndex {
  const level0 = h.pairs.filter((p) => p.hierarchy === 0);
  const keys = {} as Record<Loc, HmatDataKey | undefined>;
  for (const l of ORDER) keys[l] = SOURCES[l].find((k) => level0.some((p) => p.values[k] !== undefined));
  const initiators = [...new Set(h.pairs.map((p) => p.initiatorPxm))].filter(hasNode).sort((a, b) => a - b);
  return { rows: indexHmatPairs(level0), keys, initiators, attached: h.linux.processorPxm };
}

/**
 * Access class `access` (0 or 1) of memory PXM `target`, as __hmat_register_target_initiators()
 * and hmat_update_target_attrs() compute it (Linux 6.1–6.12): the attached initiator of the Memory
 * Proximity Domain Attributes structure when there is one (for class 1 only when it has CPUs),
 * else every initiator tied for the best value of each attribute, in proximity-domain order, each
 * attribute narrowing the set (hmat_update_best, bitmap_clear).
 */
export function hmatAccessClass(index: HmatAccessIndex, target: number, access: 0 | 1, hasNode: (pxm: number) => boolean, hasCpu: (pxm: number) => boolean): AccessClass {
  const perf: AccessPerf = { readLatency: 0, writeLatency: 0, readBandwidth: 0, writeBandwidth: 0 };
  const value = (ini: number, k: HmatDataKey): number => index.rows.get(hmatRowKey(0, ini))?.get(target)?.values[k] ?? 0;
  const attached = index.attached.get(target);
  if (attached !== undefined && hasNode(attached) && (access === 0 || hasCpu(attached))) {
    // Set while parsing the localities: only the attached initiator's row.
    for (const l of ORDER) { const k = index.keys[l]; if (k !== undefined) perf[l] = value(attached, k); }
    return { initiators: [attached], perf };
  }
  const initiators = index.initiators;
  let set = new Set(initiators);
  for (const l of ORDER) {
    const k = index.keys[l];
    if (k === undefined) continue;
    const latency = l.endsWith("Latency");
    let best = 0;
    for (const ini of initiators) {
      if (access === 1 && !hasCpu(ini)) { set.delete(ini); continue; }
      if (!set.has(ini)) continue;
      const v = value(ini, k);
      if (v !== 0 && (best === 0 || (latency ? v < best : v > best))) {
        best = v;
        set = new Set([...set].filter((p) => p >= ini)); // bitmap_clear(p_nodes, 0, pxm)
      }
      if (v !== best) set.delete(ini);
    }
    if (best !== 0) perf[l] = best;
  }
  return { initiators: [...set], perf };
}
