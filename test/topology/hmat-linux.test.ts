/**
 * What Linux makes of an HMAT (drivers/acpi/numa/hmat.c): the access classes sysfs shows and the
 * memory tiers read, on tables a tester built to corner the parser (one host: PXMs 0 and 1 with
 * two CPUs each, PXMs 2 and 3 memory-only, 512 MiB each, as samples/synth/08).
 */
import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import type { Topology } from "../../src/topology/model.js";
import { accessClasses, sysfsTree } from "../../src/synth/sysfs.js";
import { hmatLocality, hmatTable, hostTables, must } from "../helpers/numa-tables.js";

const MiB = 1n << 20n;
const host = (): ReturnType<typeof hostTables> => hostTables({
  cpus: [{ pxm: 0, apic: 0 }, { pxm: 0, apic: 1 }, { pxm: 1, apic: 2 }, { pxm: 1, apic: 3 }],
  memory: [0, 1, 2, 3].map((pxm) => ({ pxm, base: BigInt(pxm) * 512n * MiB, length: 512n * MiB })),
});
const I = [0, 1];
const T = [0, 1, 2, 3];
type Sub = Parameters<typeof hmatTable>[1][number];
const topo = (subs: Sub[], revision = 2): Topology => buildTopology([...host(), hmatTable(revision, subs)]);
/** sysfs access<k> of node `n`: its files and initiator links, as Linux would write them. */
function access(t: Topology, n: number, k: 0 | 1): Record<string, string> {
  const out: Record<string, string> = {};
  const base = `node${n}/access${k}/initiators/`;
  for (const [path, e] of sysfsTree(t)) if (path.startsWith(base)) out[path.slice(base.length)] = e.kind === "file" ? e.text.trim() : "link";
  return out;
}

describe("topology: the HMAT as Linux reads it", () => {
  it("memory tiers read the access1 class sysfs shows: initiators narrowed attribute by attribute (hmat_calculate_adistance)", () => {
    // Target PXM 2: initiator 0 has the best latency (100 ns) but 1000 MB/s; initiator 1 200 ns and 8000 MB/s.
    const t = topo([
      hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [100, 200, 100, 300, 200, 100, 200, 300] }),
      hmatLocality({ dataType: 3, initiators: I, targets: T, entries: [10, 5, 1, 3, 5, 10, 8, 3] }),
    ]);
    expect(access(t, 2, 1)).to.deep.equal({ node0: "link", read_bandwidth: "1000", read_latency: "100", write_bandwidth: "1000", write_latency: "100" });
    const n2 = must(t.nodes.find((n) => n.pxm === 2));
    // Before: the best latency (node 0) with the best bandwidth (node 1): 576 · 200/200 · 20000/16000 = 720, tier 5.
    expect([n2.memoryTier?.tier, n2.memoryTier?.adistance, n2.memoryTier?.perf]).to.deep.equal([45, 5760,
      { readLatencyNs: 100, writeLatencyNs: 100, readBandwidthMBps: 1000, writeBandwidthMBps: 1000 }]);
    // One computation: every memory node's tier performance is its sysfs access1 performance.
    const classes = accessClasses(t);
    for (const n of t.nodes) {
      const c = classes.get(n.id)?.[1].perf;
      const p = n.memoryTier?.perf;
      if (p !== undefined) expect([p.readLatencyNs, p.writeLatencyNs, p.readBandwidthMBps, p.writeBandwidthMBps]).to.deep.equal([c?.readLatency, c?.writeLatency, c?.readBandwidth, c?.writeBandwidth]);
    }
  });
});

/** A Memory Proximity Domain Attributes structure (type 0). */
const mpda = (flags: number, initiator: number, memory: number): Sub => ({ type: 0, values: { flags, attachedInitiatorProximityDomain: initiator, memoryProximityDomain: memory } });

describe("topology: the HMAT as Linux reads it, Memory Proximity Domain Attributes", () => {
  it("a second structure for the same memory PXM sets the attached initiator: the last one counts (hmat_parse_proximity_domain)", () => {
    // PXM 2: the first structure names no initiator, the second initiator 1 (worse: 25 ns, 6000 MB/s, against 20 ns, 7000 MB/s).
    const t = topo([mpda(0, 0, 2), mpda(1, 1, 2),
      hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 20, 40, 20, 10, 25, 35] }),
      hmatLocality({ dataType: 3, initiators: I, targets: T, entries: [20, 10, 7, 3, 10, 20, 6, 3] })]);
    // Before: the first structure only, so no attached initiator: node 0, 20 ns, 7000 MB/s.
    const want = { node1: "link", read_bandwidth: "6000", read_latency: "25", write_bandwidth: "6000", write_latency: "25" };
    expect(access(t, 2, 0)).to.deep.equal(want);
    expect(access(t, 2, 1)).to.deep.equal(want);
    expect(must(t.hmat).linux.processorPxm).to.deep.equal(new Map([[2, 1]]));
  });
});
