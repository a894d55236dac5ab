/**
 * CXL windows, Generic Ports, node kinds and memory tiers: Linux's rules by kernel version
 * (drivers/acpi/numa/srat.c acpi_parse_cfmws, mm/memory-tiers.c, drivers/acpi/numa/hmat.c), on
 * tables built with numakit's encoder.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { analyse } from "../../src/analyse.js";
import { buildTable, decodeTable, type DecodedTable, type SubtableModel } from "../../src/acpi/index.js";
import { loadSources } from "../../src/acpi/sources/load.js";
import { cedt } from "../../src/acpi/tables/cedt.js";
import { buildTopology } from "../../src/topology/build.js";
import { parseKernel } from "../../src/topology/kernel.js";
import { MEMTIER_ADISTANCE_DRAM, perfToAdistance, tierOf, type MemoryPerf } from "../../src/topology/tiers.js";
import { numactlBlock } from "../../src/report/numactl.js";
import { hwlocXml } from "../../src/report/hwloc-xml.js";
import { repoRoot } from "../helpers/cli.js";
import { schemaErrors } from "../helpers/schema.js";
import { topologyJson } from "../../src/report/json.js";
import { toJson } from "../../src/cli/output.js";
import { hmatTable, hostTables, must, sratTable, type HostSpec } from "../helpers/numa-tables.js";
import { encodeTable, amlDevice, amlName, amlString } from "../aml/encoder.js";

const GiB = 1n << 30n;
const k = parseKernel;

function cedtTable(subtables: SubtableModel[]): DecodedTable {
  const bytes = buildTable(cedt, { header: { revision: 1, oemId: "NUMAKT", oemTableId: "CXLTEST", oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1 }, fixed: {}, subtables });
  return decodeTable({ signature: "CEDT", bytes, source: { file: "test:CEDT" } });
}
const chbs = (uid: number): SubtableModel => ({ type: 0, values: { reserved: 0, uid, cxlVersion: 1, reserved2: 0, registerBase: 0xfe000000n, registerLength: 0x10000n } });
const window = (base: bigint, size: bigint, targets: number[], eniw = 0): SubtableModel => ({
  type: 1,
  values: { reserved: 0, reserved2: 0, windowBaseAddress: base, windowSize: size, interleaveMembers: eniw, interleaveArithmetic: 0, reserved3: 0, granularity: 0, restrictions: 0x0f, qtgId: 0, interleaveTargets: targets },
});

/** Two CPU nodes (PXM 0 and `pxm1`) of 4 GiB each, plus extra memory ranges. */
function host(extra: HostSpec["memory"] = [], pxm1 = 1): HostSpec {
  return {
    cpus: [{ pxm: 0, apic: 0 }, { pxm: pxm1, apic: 1 }],
    memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: pxm1, base: 4n * GiB, length: 4n * GiB }, ...extra],
  };
}

async function sample(): Promise<DecodedTable[]> {
  const { tables } = await loadSources([join(repoRoot, "samples", "cxl")]);
  return tables.map(decodeTable);
}

describe("topology: CXL windows (acpi_parse_cfmws)", () => {
  it("samples/cxl: the uncovered window becomes node 3 with fake PXM 3; the covered one makes no node", async () => {
    const t = buildTopology(await sample());
    const cxl = must(t.cxl);
    expect(cxl.windows.map((w) => [w.linux.action, w.linux.pxm, w.linux.node])).to.deep.equal([["srat-extended", undefined, undefined], ["new-node", 3, 3]]);
    const n3 = must(t.nodes.find((n) => n.id === 3));
    expect([n3.pxm, n3.kind, n3.cxlWindow?.targets]).to.deep.equal([3, "cxl-window", [12, 222]]);
    expect(t.verdicts.linux.nodes).to.equal(3);
    expect(t.verdicts.linux.cxlWindowNodes).to.equal(1);
    // numactl lists online nodes only: the window's node has no memory at boot, nor has node 2,
    // whose only memory is a hot-pluggable specific-purpose range (as the sysfs tree says).
    expect(numactlBlock(t)).to.match(/^available: 2 nodes \(0-1\)\n/);
  });

  it("by kernel: none before 5.17; the window's start decides in 5.17-6.6; any overlap decides from 6.7", () => {
    // The SRAT covers the second half of the window [16, 24) GiB, not its start.
    const tables = [...hostTables(host([{ pxm: 2, base: 20n * GiB, length: 4n * GiB, flags: 3 }])), cedtTable([chbs(1), window(16n * GiB, 8n * GiB, [1])])];
    const at = (v: string): [string, number | undefined, number] => {
      const t = buildTopology(tables, { kernel: k(v) });
      const w = must(t.cxl?.windows[0]);
      return [w.linux.action, w.linux.node, t.nodes.length];
    };
    expect(at("5.15")).to.deep.equal(["not-read", undefined, 3]);
    expect(at("5.17")).to.deep.equal(["new-node", 3, 4]);
    expect(at("6.6")).to.deep.equal(["new-node", 3, 4]);
    expect(at("6.7")).to.deep.equal(["srat-extended", undefined, 3]);
    expect(at("6.12")).to.deep.equal(["srat-extended", undefined, 3]);
  });

  it("fake PXMs start above the largest SRAT PXM and take the next node ids, window by window", () => {
    const tables = [...hostTables(host([], 7)), cedtTable([chbs(1), window(64n * GiB, GiB, [1]), window(32n * GiB, GiB, [1]), window(0n, GiB, [1])])];
    const t = buildTopology(tables);
    expect(must(t.cxl).windows.map((w) => [w.linux.action, w.linux.pxm, w.linux.node])).to.deep.equal([["new-node", 8, 2], ["new-node", 9, 3], ["srat-covers", undefined, undefined]]);
    expect(t.cxl?.firstFakePxm).to.equal(8);
    expect(t.pxmMap.entries()).to.deep.equal([[0, 0], [7, 1], [8, 2], [9, 3]]);
  });

  it("a window overlapping an earlier window's node makes no node: its memblk is in numa_meminfo (by kernel)", () => {
    // /tmp/hunt-aml C1 (two identical windows) and C2 (the second starts inside the first) gave the
    // second window a node of its own; Linux's acpi_parse_cfmws finds window 0's numa_add_memblk.
    const run = (windows: SubtableModel[], v: string): [string, number | undefined, number[] | undefined][] =>
      must(buildTopology([...hostTables(host()), cedtTable([chbs(1), chbs(2), ...windows])], { kernel: k(v) }).cxl).windows.map((w) => [w.linux.action, w.linux.node, w.linux.windows]);
    const same = [window(64n * GiB, 16n * GiB, [1]), window(64n * GiB, 16n * GiB, [2])];
    const inside = [window(64n * GiB, 16n * GiB, [1]), window(72n * GiB, 16n * GiB, [2])];
    for (const v of ["5.17", "6.6", "6.7", "6.12"]) {
      expect(run(same, v), v).to.deep.equal([["new-node", 2, undefined], ["window-covers", undefined, [0]]]);
      expect(run(inside, v), v).to.deep.equal([["new-node", 2, undefined], ["window-covers", undefined, [0]]]);
    }
    // Ends inside the earlier window but starts before it: only numa_fill_memblks (6.7+) sees it.
    const before = [window(64n * GiB, 16n * GiB, [1]), window(56n * GiB, 16n * GiB, [2])];
    expect(run(before, "6.6")).to.deep.equal([["new-node", 2, undefined], ["new-node", 3, undefined]]);
    expect(run(before, "6.7")).to.deep.equal([["new-node", 2, undefined], ["window-covers", undefined, [0]]]);
    // 6.7+: numa_fill_memblks stretched window 0's block over window 1, so window 2, inside window 1
    // only, finds it too; 6.6 has no stretching, and window 2's start is outside window 0.
    const chain = [...inside, window(84n * GiB, 2n * GiB, [1])];
    expect(run(chain, "6.12")).to.deep.equal([["new-node", 2, undefined], ["window-covers", undefined, [0]], ["window-covers", undefined, [0]]]);
    expect(run(chain, "6.6")).to.deep.equal([["new-node", 2, undefined], ["window-covers", undefined, [0]], ["new-node", 3, undefined]]);
    const a = analyse([...hostTables(host()), cedtTable([chbs(1), chbs(2), ...inside])]);
    expect(a.topology.nodes.map((n) => n.id)).to.deep.equal([0, 1, 2]);
    expect(a.topology.cxl?.windows[1]?.linux.sentence).to.equal("an earlier window already describes part of it (CFMWS 0's node 2); numa_fill_memblks stretches that range over the whole window: no new node");
    expect(schemaErrors("topology.schema.json", JSON.parse(toJson(topologyJson(a.topology, a.validation))) as unknown)).to.deep.equal([]);
  });

  it("a window node keeps Linux's default distances: the SLIT is applied before CFMWS are parsed", () => {
    const spec = { ...host(), slit: [[10, 21, 30], [21, 10, 30], [30, 30, 10]] };
    const t = buildTopology([...hostTables(spec), cedtTable([chbs(1), window(64n * GiB, GiB, [1])])]);
    expect(t.nodes.map((n) => n.pxm)).to.deep.equal([0, 1, 2]);
    expect(t.distances.matrix).to.deep.equal([[10, 21, 20], [21, 10, 20], [20, 20, 10]]);
  });

  it("no window node when Linux rejects the SRAT, under Xen numbering, or past MAX_NUMNODES", () => {
    const bad = [sratTable(3, [{ type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } }, { type: 1, values: { proximityDomain: 1, baseAddress: 0n, addressLength: GiB, flags: 1 } }]), cedtTable([chbs(1), window(64n * GiB, GiB, [1])])];
    expect(buildTopology(bad).cxl?.windows[0]?.linux.action).to.equal("no-numa");
    const good = [...hostTables(host()), cedtTable([chbs(1), window(64n * GiB, GiB, [1])])];
    expect(buildTopology(good, { numbering: "xen" }).nodes.some((n) => n.cxlWindow !== undefined)).to.equal(false);
    expect(buildTopology(good, { limits: { linuxMaxNumnodes: 2 } }).cxl?.windows[0]?.linux.action).to.equal("too-many-nodes");
  });

  it("joins CHBS to ACPI0016 host bridges by _UID and reads their _PXM; validation flags one without", () => {
    const body = [...amlDevice("CXL0", amlName("_HID", amlString("ACPI0016")), amlName("_UID", [0x0a, 12]), amlName("_PXM", [0x0a, 1])),
      ...amlDevice("CXL1", amlName("_HID", amlString("ACPI0016")), amlName("_UID", [0x0a, 222])),
      ...amlDevice("CXLM", amlName("_HID", amlString("ACPI0017")))];
    const dsdt = decodeTable({ signature: "DSDT", bytes: encodeTable(body), source: { file: "test:DSDT" } });
    const a = analyse([...hostTables(host()), cedtTable([chbs(12), chbs(222), window(64n * GiB, GiB, [12, 222], 1)]), dsdt]);
    expect(a.topology.cxl?.hostBridges.map((b) => [b.uid, b.device, b.pxm])).to.deep.equal([[12, "\\CXL0", 1], [222, "\\CXL1", undefined]]);
    expect(a.topology.cxl?.rootDevices).to.deep.equal(["\\CXLM"]);
    const codes = a.validation.diagnostics.map((d) => d.code);
    expect(codes).to.include("CEDT_HOST_BRIDGE_NO_PXM");
    expect(codes).to.not.include("CEDT_NO_CXL_ROOT");
  });
});

describe("topology: Generic Ports by kernel", () => {
  it("no kernel makes a node; from 6.8 the HMAT reads the port; numakit shows the PXM as a generic-port node outside numactl", async () => {
    const tables = await sample();
    expect(buildTopology(tables, { kernel: k("6.1") }).cxl?.genericPorts.map((g) => [g.pxm, g.linux, g.hostBridgeUid])).to.deep.equal([[8, "ignored", 12], [9, "ignored", 222]]);
    const t = buildTopology(tables, { kernel: k("6.8") });
    expect(t.cxl?.genericPorts.map((g) => g.linux)).to.deep.equal(["hmat-target", "hmat-target"]);
    expect(t.nodes.filter((n) => n.kind === "generic-port").map((n) => n.pxm)).to.deep.equal([8, 9]);
    expect(t.verdicts.linux.nodes).to.equal(3);
    expect(numactlBlock(t)).to.not.match(/node 4/);
  });
});

describe("topology: node kinds", () => {
  it("DRAM, CPU-only, memory-only, hot-plug, persistent, specific-purpose", () => {
    const t = buildTopology(hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
      memory: [
        { pxm: 0, base: 0n, length: GiB }, { pxm: 2, base: GiB, length: GiB }, { pxm: 3, base: 2n * GiB, length: GiB, flags: 3 },
        { pxm: 4, base: 3n * GiB, length: GiB, flags: 5 }, { pxm: 5, base: 4n * GiB, length: GiB, flags: 9 },
      ],
    }));
    expect(t.nodes.map((n) => [n.pxm, n.kind, n.kinds])).to.deep.equal([
      [0, "dram", ["dram"]], [1, "cpu-only", ["cpu-only"]], [2, "memory-only", ["memory-only"]], [3, "hot-plug", ["hot-plug"]],
      [4, "persistent", ["persistent"]], [5, "specific-purpose", ["specific-purpose"]],
    ]);
  });

  it("hwloc XML names kinds only when there is more than one (as hwloc does), among the nodes online at boot", async () => {
    // A node with only non-volatile memory is not online at boot (its range is e820 PMEM, not RAM),
    // so the export has DRAM nodes only, and names no kind; with RAM beside it the node is online
    // and memory-only, DRAM too.
    for (const extra of [[{ pxm: 2, base: 64n * GiB, length: GiB, flags: 5 }], [{ pxm: 2, base: 64n * GiB, length: GiB, flags: 5 }, { pxm: 2, base: 65n * GiB, length: GiB }]]) {
      expect(hwlocXml(buildTopology(hostTables(host(extra))))).to.not.include("subtype=");
    }
    // samples/cxl: its CXL memory is all hot-plug (not online at boot), so only DRAM nodes remain.
    expect(hwlocXml(buildTopology(await sample()))).to.not.include("subtype=");
    const plain = hwlocXml(buildTopology(hostTables(host())));
    expect(plain).to.not.include("subtype=");
  });
});

describe("topology: memory tiers (mm/memory-tiers.c)", () => {
  const dram: MemoryPerf = { readLatencyNs: 90, writeLatencyNs: 90, readBandwidthMBps: 100000, writeBandwidthMBps: 100000 };

  it("mt_perf_to_adistance: DRAM is 576 (memory_tier4); the sample's CXL memory is 6400 (memory_tier50)", () => {
    expect(perfToAdistance(dram, dram)).to.equal(MEMTIER_ADISTANCE_DRAM);
    expect(tierOf(MEMTIER_ADISTANCE_DRAM)).to.equal(4);
    expect(perfToAdistance({ readLatencyNs: 250, writeLatencyNs: 250, readBandwidthMBps: 25000, writeBandwidthMBps: 25000 }, dram)).to.equal(6400);
  });

  it("abstract distance grows with latency and falls with bandwidth (C integer arithmetic)", () => {
    const perf = fc.record({ readLatencyNs: fc.integer({ min: 1, max: 5000 }), writeLatencyNs: fc.integer({ min: 1, max: 5000 }), readBandwidthMBps: fc.integer({ min: 1, max: 1_000_000 }), writeBandwidthMBps: fc.integer({ min: 1, max: 1_000_000 }) });
    fc.assert(fc.property(perf, fc.integer({ min: 1, max: 1000 }), (p, d) => {
      const a = must(perfToAdistance(p, dram));
      const slower = must(perfToAdistance({ ...p, readLatencyNs: p.readLatencyNs + d }, dram));
      const wider = must(perfToAdistance({ ...p, readBandwidthMBps: p.readBandwidthMBps + d * 1000 }, dram));
      expect(slower).to.be.at.least(a);
      expect(wider).to.be.at.most(a);
      expect(a).to.equal(Math.floor(Math.floor(Math.floor(576 * (p.readLatencyNs + p.writeLatencyNs) / 180) * 200000) / (p.readBandwidthMBps + p.writeBandwidthMBps)));
    }));
  });

  it("by kernel: none before 6.1; DAX default before 6.7; from the HMAT from 6.7; CPU-less boot memory from 6.10", async () => {
    const tables = await sample();
    const tiers = (v: string): [number, number | undefined, string | undefined][] => buildTopology(tables, { kernel: k(v) }).nodes.filter((n) => n.pxm <= 3).map((n) => [n.id, n.memoryTier?.tier, n.memoryTier?.source]);
    expect(tiers("5.19")).to.deep.equal([[0, undefined, undefined], [1, undefined, undefined], [2, undefined, undefined], [3, undefined, undefined]]);
    expect(tiers("6.1")).to.deep.equal([[0, 4, "default-dram"], [1, 4, "default-dram"], [2, 22, "dax-default"], [3, 22, "runtime-cdat"]]);
    expect(tiers("6.12")).to.deep.equal([[0, 4, "default-dram"], [1, 4, "default-dram"], [2, 50, "hmat"], [3, 22, "runtime-cdat"]]);
    expect(buildTopology(tables).memoryTiers?.tiers).to.deep.equal([{ tier: 4, nodes: [0, 1] }, { tier: 22, nodes: [3] }, { tier: 50, nodes: [2] }]);

    // A CPU-less node with boot DRAM: the DRAM tier until 6.9, its HMAT distance from 6.10.
    const hmat = hmatTable(2, [
      { type: 1, values: { flags: 0, dataType: 0, initiatorProximityDomainsCount: 1, targetProximityDomainsCount: 2, entryBaseUnit: 1000n, initiatorProximityDomainList: [0], targetProximityDomainList: [0, 2], entries: [90, 180] } },
      { type: 1, values: { flags: 0, dataType: 3, initiatorProximityDomainsCount: 1, targetProximityDomainsCount: 2, entryBaseUnit: 1n, initiatorProximityDomainList: [0], targetProximityDomainList: [0, 2], entries: [40000, 20000] } },
    ]);
    const mo = [...hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 2, base: GiB, length: GiB }] }), hmat];
    const memOnly = (v: string): number | undefined => buildTopology(mo, { kernel: k(v) }).nodes[1]?.memoryTier?.tier;
    expect([memOnly("6.9"), memOnly("6.10")]).to.deep.equal([4, tierOf(576 * 2 * 2)]);
  });

  it("DRAM nodes more than 10% apart disable the HMAT algorithm (mt_set_default_dram_perf)", () => {
    const hmat = hmatTable(2, [
      { type: 1, values: { flags: 0, dataType: 0, initiatorProximityDomainsCount: 2, targetProximityDomainsCount: 3, entryBaseUnit: 1000n, initiatorProximityDomainList: [0, 1], targetProximityDomainList: [0, 1, 2], entries: [90, 150, 300, 150, 120, 300] } },
      { type: 1, values: { flags: 0, dataType: 3, initiatorProximityDomainsCount: 2, targetProximityDomainsCount: 3, entryBaseUnit: 1n, initiatorProximityDomainList: [0, 1], targetProximityDomainList: [0, 1, 2], entries: [40000, 20000, 10000, 20000, 40000, 10000] } },
    ]);
    const t = buildTopology([...hostTables(host([{ pxm: 2, base: 64n * GiB, length: GiB, flags: 9 }])), hmat]);
    expect(t.memoryTiers?.hmatDisabled).to.match(/DRAM node 1 mismatches .* reference DRAM node 0/);
    expect(t.nodes[2]?.memoryTier?.tier).to.equal(22);
  });

  it("samples/cxl.acpidump.txt carries the CEDT (a source with everything in one file)", () => {
    const text = readFileSync(join(repoRoot, "samples", "cxl.acpidump.txt"), "utf8");
    expect(text).to.include("CEDT @ 0x");
  });
});

describe("validate: CEDT", () => {
  const codes = (tables: DecodedTable[]): string[] => analyse(tables).validation.diagnostics.map((d) => d.code);

  it("flags what cxl_acpi refuses and what makes windows ambiguous", () => {
    const bad = cedtTable([
      chbs(1), chbs(1),
      window(0x1000n, GiB, [1]), // not 256 MiB aligned
      window(64n * GiB, 2n * GiB, [1, 9], 1), // target 9 has no CHBS
      window(65n * GiB, GiB, [1]), // overlaps the previous window
      window(128n * GiB, GiB, [1], 5), // reserved ways encoding
    ]);
    const c = codes([...hostTables(host()), bad]);
    expect(c).to.include.members(["CEDT_CHBS_DUPLICATE_UID", "CEDT_CFMWS_ALIGNMENT", "CEDT_TARGET_NO_CHBS", "CEDT_CFMWS_OVERLAP", "CEDT_CFMWS_WAYS", "CEDT_QTG_UNCHECKED"]);
  });

  it("SRAT ranges that straddle a window, or cover it but not its start (kernel-dependent node count)", () => {
    const t = [...hostTables(host([{ pxm: 2, base: 20n * GiB, length: 8n * GiB, flags: 3 }])), cedtTable([chbs(1), window(16n * GiB, 8n * GiB, [1])])];
    expect(codes(t)).to.include.members(["CEDT_CFMWS_SRAT_STRADDLE", "CEDT_CFMWS_SRAT_PARTIAL"]);
  });

  it("a fake PXM equal to a Generic Port's PXM aliases it", () => {
    const acpi = new Uint8Array(16); acpi.set([...Buffer.from("ACPI0016"), 1, 0, 0, 0]);
    const srat = sratTable(3, [
      { type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1 } },
      { type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } },
      { type: 6, values: { deviceHandleType: 0, proximityDomain: 1, deviceHandle: acpi, flags: 1 } },
    ]);
    expect(codes([srat, cedtTable([chbs(1), window(64n * GiB, GiB, [1])])])).to.include("CEDT_FAKE_PXM_ALIAS");
  });
});
