import { expect } from "chai";
import { differences, linuxView, numakitView, oracleConfigs, oracleTopology } from "./oracle.js";

describe("topology vs the Linux oracle (../shared/samples/oracle)", () => {
  const configs = oracleConfigs();

  it("has the oracle corpus", () => {
    expect(configs.length).to.be.at.least(10);
  });

  for (const c of configs) {
    it(`${c}: node count, CPU lists, distance rows and memory ranges match Linux`, async () => {
      const t = await oracleTopology(c);
      expect(differences(linuxView(c), numakitView(t))).to.deep.equal([]);
    });
  }

  it("counts: 0 differences over every config", async () => {
    let compared = 0;
    let diffs = 0;
    for (const c of configs) {
      const v = linuxView(c);
      diffs += differences(v, numakitView(await oracleTopology(c))).length;
      compared += 1 + 3 * v.nodes;
    }
    expect(diffs).to.equal(0);
    expect(compared).to.be.greaterThan(configs.length * 4);
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
    expect(t.distances).to.deep.equal({ matrix: [[10, 20], [20, 10]], source: "default", reason: "there is no SLIT" });
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
