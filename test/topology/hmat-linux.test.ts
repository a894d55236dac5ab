/**
 * What Linux makes of an HMAT (drivers/acpi/numa/hmat.c): the access classes sysfs shows and the
 * memory tiers read, on tables a tester built to corner the parser (one host: PXMs 0 and 1 with
 * two CPUs each, PXMs 2 and 3 memory-only, 512 MiB each, as samples/synth/08).
 */
import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import type { Topology } from "../../src/topology/model.js";
import { accessClasses } from "../../src/topology/linux-node.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import { descriptionFromTopology } from "../../src/synth/from-topology.js";
import { hmat } from "../../src/acpi/tables/hmat.js";
import { full, hmatLocality, hmatTable, hostTables, must, table } from "../helpers/numa-tables.js";

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

/** hmatLocality with its own Entry Base Unit. */
const locBase = (base: bigint, o: Parameters<typeof hmatLocality>[0]): Sub => { const l = hmatLocality(o); return { type: l.type, values: { ...l.values, entryBaseUnit: base } }; };

/** A revision-1 Memory Subsystem Address Range structure (flags: bit 0 Processor PD Valid, bit 1 Memory PD Valid). */
const msar = (flags: number, initiator: number, memory: number): Sub => ({ type: 0, values: { flags, processorProximityDomain: initiator, memoryProximityDomain: memory, physicalAddressRangeBase: 0n, physicalAddressRangeSize: 0n } });

/** A revision-1 HMAT: each structure completed by its revision-1 layout. */
const topo1 = (subs: Sub[]): Topology => buildTopology([...host(),
  table(hmat, 1, {}, subs.map((s) => ({ type: s.type, values: full(must(hmat.subtables?.spec(s.type, { revision: 1 })), s.values) })))]);

describe("topology: the HMAT as Linux reads it, revision 1", () => {
  // Revision 1 entries are in tenths of the base: latencies 30/20 ns and bandwidths 5000/6000 MB/s to PXM 2.
  const lat = locBase(100n, { dataType: 0, initiators: I, targets: T, entries: [1, 2, 3, 4, 2, 1, 2, 3] });
  const bw = locBase(1000n, { dataType: 3, initiators: I, targets: T, entries: [200, 100, 50, 30, 100, 200, 60, 30] });

  it("Processor PD Valid without Memory PD Valid attaches nothing (hmat_parse_proximity_domain looks no target up)", () => {
    const t = topo1([msar(1, 0, 2), lat, bw]);
    // Before: initiator 0 taken as attached: node 0, 30 ns, 5000 MB/s.
    expect(access(t, 2, 1)).to.deep.equal({ node1: "link", read_bandwidth: "6000", read_latency: "20", write_bandwidth: "6000", write_latency: "20" });
    expect(must(t.hmat).linux.processorPxm.size).to.equal(0);
    // With both flags the initiator is attached.
    expect(access(topo1([msar(3, 0, 2), lat, bw]), 2, 1)).to.deep.equal({ node0: "link", read_bandwidth: "5000", read_latency: "30", write_bandwidth: "5000", write_latency: "30" });
  });

  it("nor is its initiator checked: one with no node does not make Linux drop the table", () => {
    expect(topo1([msar(1, 7, 2), lat, bw]).hmat?.linuxUses).to.equal(true);
    expect(topo1([msar(3, 7, 2), lat, bw]).hmat?.linuxReason).to.equal("initiator proximity domain 7 has no node");
  });
});

describe("topology: the HMAT as Linux reads it, several locality structures", () => {
  const bw = hmatLocality({ dataType: 3, initiators: I, targets: T, entries: [20, 10, 5, 3, 10, 20, 6, 3] });

  it("the best initiator is searched in the last structure of each kind only (localities_types[], hmat_add_locality)", () => {
    // A read latency structure (initiator 0 best for PXM 2: 5 ns), then an access latency one
    // (initiator 1 best: 25 ns), which takes the read-latency slot too.
    const t = topo([
      hmatLocality({ dataType: 1, initiators: I, targets: T, entries: [10, 20, 5, 40, 20, 10, 50, 35] }),
      hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 90, 40, 20, 10, 25, 35] }), bw]);
    // Before: write latency from the access structure (node 1, 25), read latency from the read one (50).
    expect(access(t, 2, 1)).to.deep.equal({ node1: "link", read_bandwidth: "6000", read_latency: "25", write_bandwidth: "6000", write_latency: "25" });
  });

  it("a last structure that does not list the target leaves its latency at 0 (hmat_initiator_perf)", () => {
    const t = topo([
      hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 30, 40, 20, 10, 25, 35] }),
      hmatLocality({ dataType: 0, initiators: I, targets: [0, 1, 3], entries: [10, 20, 40, 20, 10, 35] }), bw]);
    // Before: 25 ns, from the first structure.
    expect(access(t, 2, 1)).to.deep.equal({ node1: "link", read_bandwidth: "6000", read_latency: "0", write_bandwidth: "6000", write_latency: "0" });
  });

  it("the attached initiator's values are every cell in table order, 0 included (hmat_update_target)", () => {
    const t = topo([mpda(1, 1, 2),
      hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 30, 40, 20, 10, 25, 35] }),
      hmatLocality({ dataType: 0, initiators: [1], targets: [2], entries: [0] }), bw]);
    // Before: 25 ns (a 0 cell read as "no data" and skipped).
    const want = { node1: "link", read_bandwidth: "6000", read_latency: "0", write_bandwidth: "6000", write_latency: "0" };
    expect(access(t, 2, 0)).to.deep.equal(want);
    expect(access(t, 2, 1)).to.deep.equal(want);
  });

  it("an access structure in a later slot overwrites both directions (hmat_update_target_access by data type)", () => {
    // Access latency first (slots read and write), then write latency (slot write): the read slot,
    // handled after the write slot, writes the access structure's best to both directions.
    const t = topo([
      hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 30, 40, 20, 10, 25, 35] }),
      hmatLocality({ dataType: 2, initiators: I, targets: T, entries: [10, 20, 70, 40, 20, 10, 80, 35] }), bw]);
    // Write slot: node 0 best (70 ns); read slot (the access structure): node 0, 30 ns, written to
    // read and write. Before: write latency 70.
    expect(access(t, 2, 1)).to.deep.equal({ node0: "link", read_bandwidth: "5000", read_latency: "30", write_bandwidth: "5000", write_latency: "30" });
  });
});

describe("topology: the HMAT as Linux reads it, memory-side caches", () => {
  it("a second cache of the same level for a node is not added: the first stays (node_add_cache)", () => {
    // PXM 2: a 64 MiB complex write-through level-1 cache with 64-byte lines, then an 8 MiB one.
    const cache = (size: bigint, attributes: number): Sub => ({ type: 2, values: { memoryProximityDomain: 2, memorySideCacheSize: size, cacheAttributes: attributes, smbiosHandles: [] } });
    const attrs = (assoc: number, policy: number, line: number): number => 1 | (1 << 4) | (assoc << 8) | (policy << 12) | (line << 16);
    const t = topo([hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 30, 40, 20, 10, 25, 35] }),
      cache(64n * MiB, attrs(2, 2, 64)), cache(8n * MiB, attrs(1, 1, 128))]);
    const files: Record<string, string> = {};
    for (const [path, e] of sysfsTree(t)) if (path.startsWith("node2/memory_side_cache/") && e.kind === "file") files[path.slice(24)] = e.text.trim();
    // Before: the last one (8388608, direct-mapped 0, write-back 0, 128-byte lines).
    expect(files).to.deep.equal({ "index1/indexing": "1", "index1/line_size": "64", "index1/size": String(64n * MiB), "index1/write_policy": "1" });
  });
});

describe("topology: the HMAT as Linux reads it, in a description", () => {
  it("topology --format desc names the attached initiator Linux keeps: the last structure's", () => {
    const t = topo([mpda(1, 0, 2), mpda(1, 1, 2), hmatLocality({ dataType: 0, initiators: I, targets: T, entries: [10, 20, 20, 40, 20, 10, 25, 35] })]);
    const nodes = descriptionFromTopology(t).description.nodes as { pxm?: number; initiator?: number }[];
    // Before: initiator 0, the first structure's.
    expect(nodes.map((n) => n.initiator)).to.deep.equal([undefined, undefined, 1, undefined]);
  });
});
