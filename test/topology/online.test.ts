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
import { hostTables, must } from "../helpers/numa-tables.js";

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

  it("Linux tolerates a non-volatile or specific-purpose range overlapping another node's RAM; Xen does not", () => {
    for (const flags of [5, 9]) {
      const t = buildTopology(hostTables({
        cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
        memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 2n * GiB, length: 4n * GiB, flags }, { pxm: 1, base: 8n * GiB, length: GiB }],
      }));
      expect(t.verdicts.linux).to.include({ usesSrat: true, nodes: 2 });
      expect(t.diagnostics.map((d) => d.code)).to.include.members(["LINUX_MEMORY_OVERLAP_HOTPLUG", "XEN_MEMORY_OVERLAP"]);
    }
  });
});
