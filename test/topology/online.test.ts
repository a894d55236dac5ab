/**
 * Linux's view at boot, one rule for the numactl block, the sysfs tree and hwloc's export
 * (src/topology/online.ts): which nodes are online and how much RAM each has.
 */
import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import { linuxBootRam, linuxOnlineNodes } from "../../src/topology/online.js";
import { numactlBlock } from "../../src/report/numactl.js";
import { hwlocView } from "../../src/report/hwloc-view.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import { hostTables, madtTable, must, sratTable } from "../helpers/numa-tables.js";

const GiB = 1n << 30n;
// SRAT memory flags: 1 enabled, 2 hot-pluggable, 4 non-volatile, 8 specific-purpose.
const twoNodes = (secondFlags: number, secondCpu: "enabled" | "disabled" = "disabled"): ReturnType<typeof buildTopology> => buildTopology(hostTables({
  cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 2, madt: secondCpu }],
  memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 4n * GiB, length: 4n * GiB, flags: secondFlags }],
}));
const file = (t: ReturnType<typeof buildTopology>, path: string): string | undefined => {
  const e = sysfsTree(t).get(path);
  return e?.kind === "file" ? e.text : undefined;
};

describe("Linux's nodes at boot (online.ts)", () => {
  for (const [what, flags] of [["non-volatile", 5], ["specific-purpose", 9], ["hot-pluggable", 3]] as const) {
    it(`a node whose only memory is ${what} and whose CPU is disabled is not online: numactl, sysfs and hwloc leave it out`, () => {
      const t = twoNodes(flags);
      expect([...linuxOnlineNodes(t)]).to.deep.equal([0]);
      expect(numactlBlock(t).split("\n")[0]).to.equal("available: 1 nodes (0)");
      expect(file(t, "online")).to.equal("0\n");
      expect(hwlocView(t).nodes.map((n) => n.os)).to.deep.equal([0]);
    });
  }

  it("a node with an enabled CPU and only non-volatile memory is online with 0 MB of RAM", () => {
    const t = twoNodes(5, "enabled");
    expect(numactlBlock(t)).to.contain("node 1 size: 0 MB\n");
    expect(linuxBootRam(must(t.nodes[1]))).to.equal(0n);
    expect(hwlocView(t).nodes.find((n) => n.os === 1)?.localMemory).to.equal(0n);
  });

  it("a node whose only CPU the MADT disables is not online (no APIC id registered)", () => {
    const t = twoNodes(1 | 2);
    expect(numactlBlock(t)).to.not.contain("node 1");
  });

  it("a non-RAM range overlapping another node's RAM is not set aside (it reaches memblock.memory): Linux rejects the SRAT, as booted under the oracle harness", () => {
    for (const flags of [3, 5, 9]) {
      const t = buildTopology(hostTables({
        cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
        memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 2n * GiB, length: 4n * GiB, flags }, { pxm: 1, base: 8n * GiB, length: GiB }],
      }));
      expect(t.verdicts.linux.usesSrat, String(flags)).to.equal(false);
      expect(t.diagnostics.map((d) => d.code)).to.include("LINUX_MEMORY_OVERLAP");
    }
  });

  it("non-RAM ranges overlapping only each other are set aside: a warning, Linux keeps the SRAT", () => {
    const t = buildTopology(hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
      memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 8n * GiB, length: 4n * GiB, flags: 3 }, { pxm: 0, base: 9n * GiB, length: GiB, flags: 5 }],
    }));
    expect(t.verdicts.linux).to.include({ usesSrat: true, nodes: 2 });
    expect(t.diagnostics.map((d) => d.code)).to.include.members(["LINUX_MEMORY_OVERLAP_HOTPLUG", "XEN_MEMORY_OVERLAP"]);
  });

  it("when every range is hot-pluggable they are presumed to hold the host's RAM (Linux uses them at boot, as booted)", () => {
    const t = buildTopology(hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
      memory: [{ pxm: 0, base: 0n, length: GiB, flags: 3 }, { pxm: 1, base: GiB, length: GiB, flags: 3 }],
    }));
    expect(numactlBlock(t)).to.contain("node 0 size: 1024 MB\n").and.contain("node 1 size: 1024 MB\n");
    expect(t.verdicts.xen.usesSrat).to.equal(false);
  });

  it("CPU entries after a refused Generic Initiator place no CPU and make no node in Linux's view (booted: online 0-1)", () => {
    const pci = new Uint8Array(16);
    const tables = [sratTable(3, [
      { type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1, proximityDomainHigh24: 0 } },
      { type: 5, values: { deviceHandleType: 1, proximityDomain: 3, deviceHandle: pci, flags: 0 } },
      { type: 0, values: { proximityDomainLow8: 0, apicId: 1, flags: 1, proximityDomainHigh24: 0 } },
      { type: 0, values: { proximityDomainLow8: 1, apicId: 2, flags: 1, proximityDomainHigh24: 0 } },
      { type: 0, values: { proximityDomainLow8: 2, apicId: 3, flags: 1, proximityDomainHigh24: 0 } },
      { type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } },
      { type: 1, values: { proximityDomain: 1, baseAddress: GiB, addressLength: GiB, flags: 1 } },
    ]), madtTable([0, 1, 2, 3].map((apic) => ({ type: 0, values: { processorId: apic, localApicId: apic, flags: 1 } })))];
    const t = buildTopology(tables);
    expect(numactlBlock(t).split("\n").slice(0, 5)).to.deep.equal(["available: 2 nodes (0-1)", "node 0 cpus: 0", "node 0 size: 1024 MB", "node 0 free: <not available>", "node 1 cpus:"]);
    expect(file(t, "online")).to.equal("0-1\n");
    expect(hwlocView(t).loosePus).to.deep.equal([1, 2, 3]);
  });
});
