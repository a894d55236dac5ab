/**
 * access1Perf through its index (src/topology/tiers.ts) against the definition it replaced: for
 * each target, filter every HMAT pair (level 0, from the attached initiator when that one has
 * CPUs, else from any CPU node) and take the best of each value (the reference below computes
 * that best its own way). The index made the memory tiers
 * cost pairs instead of nodes × pairs (a 256-node HMAT: 6 s → 0.1 s); the answers must not move.
 */
import { expect } from "chai";
import fc from "fast-check";
import { HMAT_DATA_KEYS, type HmatMemoryInfo, type HmatModel, type HmatPair } from "../../src/topology/hmat.js";
import { access1Index, access1Perf, type MemoryPerf } from "../../src/topology/tiers.js";
import { fcRuns } from "../helpers/runs.js";

/** The definition, as it was written before the index: a filter of every pair per target. */
function reference(hmat: HmatModel, targetPxm: number, cpuPxms: ReadonlySet<number>): MemoryPerf | undefined {
  const attached = hmat.memory.find((m) => m.memoryPxm === targetPxm)?.initiatorPxm;
  const pairs = hmat.pairs.filter((p) => p.hierarchy === 0 && p.targetPxm === targetPxm
    && (attached !== undefined && cpuPxms.has(attached) ? p.initiatorPxm === attached : cpuPxms.has(p.initiatorPxm)));
  // The best of each value, written independently of the code under test (min/max of the values present).
  const of = (own: "readLatencyNs" | "writeLatencyNs" | "readBandwidthMBps" | "writeBandwidthMBps", fallback: "accessLatencyNs" | "accessBandwidthMBps"): number[] =>
    pairs.map((p) => p.values[own] ?? p.values[fallback]).filter((v): v is number => v !== undefined);
  const lat = [of("readLatencyNs", "accessLatencyNs"), of("writeLatencyNs", "accessLatencyNs")];
  const bw = [of("readBandwidthMBps", "accessBandwidthMBps"), of("writeBandwidthMBps", "accessBandwidthMBps")];
  if ([...lat, ...bw].some((vs) => vs.length === 0)) return undefined;
  const [rl = [], wl = []] = lat;
  const [rb = [], wb = []] = bw;
  return { readLatencyNs: Math.min(...rl), writeLatencyNs: Math.min(...wl), readBandwidthMBps: Math.max(...rb), writeBandwidthMBps: Math.max(...wb) };
}

const pxm = fc.integer({ min: 0, max: 5 });
const at = { table: "HMAT", offset: 0, source: "test" };
const pairArb = fc.record({
  initiatorPxm: pxm, targetPxm: pxm, hierarchy: fc.integer({ min: 0, max: 2 }),
  values: fc.dictionary(fc.constantFrom(...HMAT_DATA_KEYS), fc.integer({ min: 1, max: 500 })),
});
// Several structures may name the same memory PXM: the first one's attached initiator counts.
const memoryArb = fc.tuple(pxm, fc.option(pxm, { nil: undefined }))
  .map(([memoryPxm, initiatorPxm]): HmatMemoryInfo => (initiatorPxm === undefined ? { memoryPxm, at } : { memoryPxm, initiatorPxm, at }));

describe("topology: access1Perf through its index", () => {
  it("answers as the filter over every pair did, for every target", () => {
    fc.assert(fc.property(fc.array(pairArb, { maxLength: 60 }), fc.array(memoryArb, { maxLength: 8 }), fc.uniqueArray(pxm, { maxLength: 6 }), (pairs, memory, cpus) => {
      const hmat: HmatModel = { revision: 2, pairs, memory, caches: [], linuxUses: true };
      const cpuPxms = new Set(cpus);
      const index = access1Index(hmat);
      for (let target = 0; target <= 5; target++) expect(access1Perf(index, target, cpuPxms)).to.deep.equal(reference(hmat, target, cpuPxms));
    }), { numRuns: fcRuns(300) });
  });

  it("takes the attached initiator of the first structure that names the memory PXM", () => {
    const p = (initiatorPxm: number, v: number): HmatPair => ({ initiatorPxm, targetPxm: 1, hierarchy: 0, values: { accessLatencyNs: v, accessBandwidthMBps: v } });
    const hmat: HmatModel = {
      revision: 2, caches: [], linuxUses: true, pairs: [p(0, 100), p(2, 300)],
      memory: [{ memoryPxm: 1, initiatorPxm: 2, at }, { memoryPxm: 1, initiatorPxm: 0, at }],
    };
    expect(access1Perf(access1Index(hmat), 1, new Set([0, 2]))).to.deep.equal({ readLatencyNs: 300, writeLatencyNs: 300, readBandwidthMBps: 300, writeBandwidthMBps: 300 });
  });
});
