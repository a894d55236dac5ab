/**
 * Linux's HMAT access classes (drivers/acpi/numa/hmat.c): for one memory target, the initiators
 * registered under access0 (ACCESS_COORDINATE_LOCAL, any initiator) and access1
 * (ACCESS_COORDINATE_CPU, initiators with CPUs) and the performance kept in target->coord[].
 * One computation for every reader: the sysfs tree (synth/sysfs.ts, node_set_perf_attrs) and the
 * memory tiers (tiers.ts: hmat_calculate_adistance() runs hmat_update_target_attrs(...,
 * ACCESS_COORDINATE_CPU) and hands coord[ACCESS_COORDINATE_CPU] to mt_perf_to_adistance()).
 * It reads what Linux's parser kept (HmatModel.linux), not the union of every structure's cells.
 */
import type { HmatLocality } from "../acpi/views.js";
import { hmatNormalize, updateCoord, type HmatCoord, type HmatModel } from "./hmat.js";

/** struct access_coordinate; 0 is "no value", as in Linux. */
export type AccessPerf = HmatCoord;
/** One access class of a target: initiator PXMs (ascending) and the performance. */
export interface AccessClass { initiators: number[]; perf: AccessPerf }

/** A locality structure's first index of each initiator and target PXM (hmat_initiator_perf() takes the first match). */
interface LocalityIndex { loc: HmatLocality; inits: Map<number, number>; targets: Map<number, number> }

/** What the access classes read of an HMAT, indexed once (no scan of a structure per value). */
export interface HmatAccessIndex {
  revision: number;
  /** localities_types[] by enum locality_types, each with its indexes. */
  slots: (LocalityIndex | undefined)[];
  /** Whether the localities list is empty (list_empty(&localities)): no memory-hierarchy locality structure. */
  noLocalities: boolean;
  initiators: readonly number[];
  attached: ReadonlyMap<number, number>;
  attachedCoord: ReadonlyMap<number, HmatCoord>;
}

function firstIndexes(list: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  list.forEach((p, i) => { if (!m.has(p)) m.set(p, i); });
  return m;
}

export function hmatAccessIndex(h: HmatModel): HmatAccessIndex {
  const made = new Map<HmatLocality, LocalityIndex>();
  const slots = h.linux.localityTypes.map((loc): LocalityIndex | undefined => {
    if (loc === undefined) return undefined;
    let x = made.get(loc);
    if (x === undefined) { x = { loc, inits: firstIndexes(loc.initiatorProximityDomainList), targets: firstIndexes(loc.targetProximityDomainList) }; made.set(loc, x); }
    return x;
  });
  return {
    revision: h.revision, slots, noLocalities: !h.linux.hasMemoryLocalities, initiators: h.linux.initiators,
    attached: h.linux.processorPxm, attachedCoord: h.linux.attachedCoord,
  };
}

/** hmat_initiator_perf(): the normalised cell of (initiator, target) in one structure, 0 when either is not listed. */
function initiatorPerf(x: LocalityIndex, ini: number, target: number, revision: number): number {
  const i = x.inits.get(ini);
  const j = x.targets.get(target);
  if (i === undefined || j === undefined) return 0;
  const raw = x.loc.entries[i * x.loc.targetProximityDomainList.length + j];
  return raw === undefined ? 0 : hmatNormalize(raw, x.loc.entryBaseUnit, x.loc.dataType, revision) ?? 0;
}

/**
 * Access class `access` (0 or 1) of memory PXM `target`, as hmat_update_target_attrs() (6.8–6.12;
 * __hmat_register_target_initiators() before, the same rules) computes it: the attached initiator
 * (target->processor_pxm; for class 1 only when it has CPUs) with the coordinates parsing left
 * (hmat_update_target()); else every initiator, narrowed for each of localities_types[] in enum
 * order to those tied for its best value (hmat_update_best, bitmap_clear), class 1 dropping
 * initiators without CPUs, each best written by its structure's data type.
 */
export function hmatAccessClass(index: HmatAccessIndex, target: number, access: 0 | 1, hasNode: (pxm: number) => boolean, hasCpu: (pxm: number) => boolean): AccessClass {
  const attached = index.attached.get(target);
  if (attached !== undefined && hasNode(attached) && (access === 0 || hasCpu(attached))) {
    const c = index.attachedCoord.get(target);
    return { initiators: [attached], perf: c === undefined ? { readLatency: 0, writeLatency: 0, readBandwidth: 0, writeBandwidth: 0 } : { ...c } };
  }
  const perf: AccessPerf = { readLatency: 0, writeLatency: 0, readBandwidth: 0, writeBandwidth: 0 };
  if (index.noLocalities) return { initiators: [], perf };
  const initiators = index.initiators;
  const set = new Set(initiators);
  for (const x of index.slots) {
    if (x === undefined) continue;
    const latency = x.loc.dataType <= 2;
    let best = 0;
    for (const ini of initiators) {
      if (access === 1 && !hasCpu(ini)) { set.delete(ini); continue; }
      if (!set.has(ini)) continue;
      const v = initiatorPerf(x, ini, target, index.revision);
      if (v !== 0 && (best === 0 || (latency ? v < best : v > best))) {
        best = v;
        for (const p of set) if (p < ini) set.delete(p); // bitmap_clear(p_nodes, 0, pxm)
      }
      if (v !== best) set.delete(ini);
    }
    if (best !== 0) updateCoord(perf, x.loc.dataType, best);
  }
  return { initiators: initiators.filter((p) => set.has(p)), perf };
}
