import { expect } from "chai";
import { readTables } from "../../src/acpi/index.js";
import { buildTopology } from "../../src/topology/build.js";
import { requireCorpus } from "../helpers/corpus.js";
import { repoPath } from "../helpers/paths.js";
import { differences, linuxView, numakitView, oracleConfigs, oracleTopology, type LinuxView } from "./oracle.js";

describe("topology vs what Linux would show, derived by hand from samples/4node's tables", () => {
  /**
   * From `numakit decode samples/4node` read by a person, with Linux's rules: the SRAT puts APIC
   * IDs 0-15 in PXM 0, 16-31 in PXM 1, 32-47 in PXM 2, 48-63 in PXM 3; the MADT lists APIC IDs
   * 0..63 in that order, all enabled, so Linux numbers them CPU 0..63; PXMs become nodes 0..3 in
   * SRAT order; the SLIT rows are 0A 10 16 16 / 10 0A 16 16 / 16 16 0A 10 / 16 16 10 0A; the
   * memory affinity entries (base, length) are PXM 0: (0, 0xA0000), (0x100000, 0x7FF00000),
   * (0x100000000, 0xF80000000); PXM 1-3: (0x1080000000 + n·0x1000000000, 0x1000000000).
   */
  const byHand: LinuxView = {
    nodes: 4,
    cpus: new Map([0, 1, 2, 3].map((n) => [n, Array.from({ length: 16 }, (_, i) => n * 16 + i)])),
    distance: new Map([[0, [10, 16, 22, 22]], [1, [16, 10, 22, 22]], [2, [22, 22, 10, 16]], [3, [22, 22, 16, 10]]]),
    memory: new Map([
      [0, ["0-9ffff", "100000-7fffffff", "100000000-107fffffff"]],
      [1, ["1080000000-207fffffff"]], [2, ["2080000000-307fffffff"]], [3, ["3080000000-407fffffff"]],
    ]),
  };

  it("node count, CPU lists, distance rows and memory ranges", async () => {
    const { tables } = await readTables([repoPath("samples", "4node")]);
    expect(differences(byHand, numakitView(buildTopology(tables)))).to.deep.equal([]);
  });

  it("the comparison reports a difference (it can fail)", async () => {
    const { tables } = await readTables([repoPath("samples", "4node")]);
    const wrong: LinuxView = { ...byHand, distance: new Map([...byHand.distance, [3, [22, 22, 16, 11]]]) };
    expect(differences(wrong, numakitView(buildTopology(tables)))).to.deep.equal(["node 3: distance: linux [22,22,16,11], numakit [22,22,16,10]"]);
  });
});

describe("topology vs the Linux oracle (corpus oracle/)", () => {
  before(function () { requireCorpus(this); });

  it("every config: node count, CPU lists, distance rows and memory ranges match Linux", async () => {
    const diffs: string[] = [];
    const configs = oracleConfigs();
    expect(configs).to.not.deep.equal([]);
    for (const c of configs) diffs.push(...differences(linuxView(c), numakitView(await oracleTopology(c))).map((d) => `${c}: ${d}`));
    expect(diffs).to.deep.equal([]);
  });

  it("08-x2apic: present x2APIC CPUs get Linux numbers 4, 5, 6 in MADT order", async () => {
    const t = await oracleTopology("08-x2apic");
    const present = t.nodes.flatMap((n) => n.cpus.filter((c) => c.linuxCpu !== undefined).map((c) => [c.kind, c.id, c.linuxCpu]));
    expect(present).to.deep.include.members([["apic", 0, 0], ["x2apic", 255, 4], ["x2apic", 256, 5], ["x2apic", 389, 6]]);
    expect(t.nodes.flatMap((n) => n.cpus).filter((c) => c.madt !== "enabled").length).to.equal(512 - 7);
  });

  it("07-hotplug-maxmem: the hot-plug window is node 1's, excluded from its boot size", async () => {
    const t = await oracleTopology("07-hotplug-maxmem");
    const n1 = t.nodes[1];
    expect(n1?.memory.some((r) => r.hotPluggable)).to.equal(true);
    expect(n1?.memoryBytes).to.equal(512n << 20n);
    expect(n1?.memoryBytesWithHotplug).to.equal((512n << 20n) + 0x1c0000000n);
  });

  it("01-two-nodes: no SLIT, default distances with the reason", async () => {
    const t = await oracleTopology("01-two-nodes");
    const { sources, ...used } = t.distances;
    expect(used).to.deep.equal({ matrix: [[10, 20], [20, 10]], source: "default", reason: "there is no SLIT" });
    // The default is the only source, and it is the one in use.
    expect(sources.map((x) => [x.source, x.used])).to.deep.equal([["default", true]]);
  });

  it("06-hmat-cache: HMAT values as Linux prints them (ns, MB/s) and both caches", async () => {
    const t = await oracleTopology("06-hmat-cache");
    const h = t.hmat;
    expect(h?.linuxUses).to.equal(true);
    const p12 = h?.pairs.find((p) => p.initiatorPxm === 1 && p.targetPxm === 2);
    expect(p12?.values).to.deep.equal({ accessLatencyNs: 60, accessBandwidthMBps: 1024 });
    expect(h?.caches.map((c) => [c.node, c.size, c.associativity, c.writePolicy, c.lineSize])).to.deep.equal([
      [0, 8388608n, "complex", "write-through", 64], [2, 67108864n, "direct-mapped", "write-back", 64],
    ]);
  });
});
