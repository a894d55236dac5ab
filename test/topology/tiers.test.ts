/**
 * The memory tiers' HMAT performance is sysfs access1's (src/topology/hmat-access.ts, one
 * computation): hmat_calculate_adistance() reads target->coord[ACCESS_COORDINATE_CPU] after
 * hmat_update_target_attrs(..., ACCESS_COORDINATE_CPU), the values sysfs access1 shows. On random
 * latency/bandwidth matrices (0 and 0xFFFF included: no data) and attached initiators, every node
 * placed from the HMAT has its access1 performance.
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildTopology } from "../../src/topology/build.js";
import { accessClasses } from "../../src/topology/linux-node.js";
import { hmatLocality, hmatTable, hostTables } from "../helpers/numa-tables.js";
import { fcRuns } from "../helpers/runs.js";

const MiB = 1n << 20n;
const PXMS = [0, 1, 2, 3];
const entry = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 0xffff));

describe("topology: memory tiers read sysfs access1", () => {
  it("every HMAT-placed node's tier performance is its access1 performance", () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 16, maxLength: 16 }), fc.array(entry, { minLength: 16, maxLength: 16 }),
      fc.array(fc.option(fc.constantFrom(0, 1, 2), { nil: undefined }), { minLength: 4, maxLength: 4 }), (lat, bw, attached) => {
        const host = hostTables({
          cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
          memory: PXMS.map((pxm) => ({ pxm, base: BigInt(pxm) * 512n * MiB, length: 512n * MiB })),
        });
        const mpda = attached.flatMap((a, pxm) => (a === undefined ? [] : [{ type: 0, values: { flags: 1, attachedInitiatorProximityDomain: a, memoryProximityDomain: pxm } }]));
        const t = buildTopology([...host, hmatTable(2, [...mpda,
          hmatLocality({ dataType: 0, initiators: PXMS, targets: PXMS, entries: lat.map((v) => (v === 0 || v === 0xffff ? v : v * 10)) }),
          hmatLocality({ dataType: 3, initiators: PXMS, targets: PXMS, entries: bw })])]);
        const classes = accessClasses(t);
        for (const n of t.nodes) {
          const p = n.memoryTier;
          if (p?.source !== "hmat" || p.perf === undefined) continue;
          const c = classes.get(n.id)?.[1].perf;
          expect([p.perf.readLatencyNs, p.perf.writeLatencyNs, p.perf.readBandwidthMBps, p.perf.writeBandwidthMBps]).to.deep.equal([c?.readLatency, c?.writeLatency, c?.readBandwidth, c?.writeBandwidth]);
        }
      }), { numRuns: fcRuns(1) });
  });
});
