/**
 * Xen's SRAT walk against xen-project/xen c447b7308b13 (xen/arch/x86/srat.c, xen/common/numa.c,
 * xen/drivers/acpi/numa.c and tables.c): the rules a Xen engineer would check us on.
 */
import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import { hostTables, madtTable, sratTable } from "../helpers/numa-tables.js";

const GiB = 1n << 30n;
const codes = (t: ReturnType<typeof buildTopology>): string[] => t.diagnostics.map((d) => d.code);

describe("Xen's SRAT walk", () => {
  it("checks a hot-plug range for interleaving too (numa_update_node_memblks grows the span it checks)", () => {
    const t = buildTopology(hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
      memory: [{ pxm: 1, base: 0n, length: GiB }, { pxm: 0, base: 2n * GiB, length: GiB }, { pxm: 1, base: 4n * GiB, length: GiB, flags: 3 }],
    }));
    expect(t.verdicts.xen.sratRejected).to.match(/\(hot-pluggable\) would make its node span \[0x0, 0x13fffffff\] contain PXM 0's/);
    expect(t.verdicts.linux.usesSrat).to.equal(true);
  });

  it("a hot-plug range does not grow the span later ranges are checked with", () => {
    // PXM 1's hot-plug window above PXM 0's RAM, then more PXM 1 RAM: the span stays [0, 1G) + [3G, 4G).
    const t = buildTopology(hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
      memory: [{ pxm: 1, base: 0n, length: GiB }, { pxm: 1, base: 8n * GiB, length: GiB, flags: 3 }, { pxm: 0, base: 4n * GiB, length: GiB }],
    }));
    expect(t.verdicts.xen.usesSrat).to.equal(true);
  });

  it("reads only the first NR_NODE_MEMBLKS memory entries, disabled ones counted; RAM left without a node makes it fall back", () => {
    const padding = Array.from({ length: 128 }, (_, i) => ({ pxm: 0, base: BigInt(i) * GiB, length: GiB, flags: 0 }));
    const dropped = buildTopology(hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [...padding, { pxm: 0, base: 0n, length: GiB }] }));
    expect(codes(dropped)).to.include.members(["XEN_TOO_MANY_MEMBLKS", "XEN_RAM_NOT_COVERED"]);
    expect(dropped.verdicts.xen.usesSrat).to.equal(false);
    expect(dropped.verdicts.linux.usesSrat).to.equal(true);
    // The ranges past the limit are hot-plug windows: nothing is lost, Xen keeps its nodes.
    const ram = Array.from({ length: 128 }, (_, i) => ({ pxm: i % 2, base: BigInt(i) * GiB, length: GiB }));
    const windows = Array.from({ length: 4 }, (_, i) => ({ pxm: 1, base: BigInt(200 + i) * GiB, length: GiB, flags: 3 }));
    const kept = buildTopology(hostTables({ cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }], memory: [...ram.slice(0, 64).map((m) => ({ ...m, pxm: 0 })), ...ram.slice(64).map((m) => ({ ...m, pxm: 1 })), ...windows] }));
    expect(codes(kept)).to.include("XEN_TOO_MANY_MEMBLKS");
    expect(kept.verdicts.xen).to.include({ usesSrat: true, nodes: 2 });
  });

  it("needs a processor entry it accepts (acpi_numa): memory-only SRATs and x2APIC ids from MAX_LOCAL_APIC on leave it without NUMA", () => {
    const memOnly = buildTopology(hostTables({ cpus: [], memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB }] }));
    expect(memOnly.verdicts.xen.sratRejected).to.match(/acpi_numa stays 0/);
    expect(memOnly.verdicts.linux.usesSrat).to.equal(true);
    const big = hostTables({ cpus: [{ pxm: 1, apic: 0x2000 }], memory: [{ pxm: 1, base: 0n, length: GiB }] });
    const t = buildTopology(big);
    expect(codes(t)).to.include.members(["XEN_X2APIC_IGNORED", "XEN_SRAT_NO_CPU"]);
    // NR_CPUS 4096: MAX_LOCAL_APIC 16384 holds the id.
    expect(buildTopology(big, { limits: { xenNrCpus: 4096 } }).verdicts.xen.usesSrat).to.equal(true);
  });

  it("falls back when every range is hot-pluggable (no node has boot memory for nodes_cover_memory)", () => {
    const t = buildTopology(hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB, flags: 3 }] }));
    expect(codes(t)).to.include("XEN_RAM_NOT_COVERED");
    expect(t.verdicts.xen.usesSrat).to.equal(false);
  });

  it("a zero-length enabled range conflicts only when it lies strictly inside another node's range", () => {
    const cpus = [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }];
    const inside = buildTopology(hostTables({ cpus, memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 2n * GiB, length: 0n }, { pxm: 1, base: 4n * GiB, length: GiB }] }));
    expect(inside.verdicts.xen.sratRejected).to.match(/\[0x80000000, 0x7fffffff\] \(length 0\) overlaps with PXM 0/);
    const edge = buildTopology(hostTables({ cpus, memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 4n * GiB, length: 0n }, { pxm: 1, base: 4n * GiB, length: GiB }] }));
    expect(edge.verdicts.xen.usesSrat).to.equal(true);
  });

  it("has no ACPI NUMA on Arm: a GICC-only SRAT is one node for Xen, said by the verdict (no finding)", () => {
    const gicc = (pxm: number, uid: number): { type: number; values: Record<string, number> } => ({ type: 3, values: { proximityDomain: pxm, acpiProcessorUid: uid, flags: 1, clockDomain: 0 } });
    const mem = (pxm: number, base: bigint): { type: number; values: Record<string, number | bigint> } => ({ type: 1, values: { proximityDomain: pxm, baseAddress: base, addressLength: GiB, flags: 1 } });
    const t = buildTopology([sratTable(3, [gicc(0, 0), gicc(1, 1), mem(0, 0n), mem(1, GiB)])]);
    expect(t.verdicts.xen).to.include({ usesSrat: false, nodes: 1 });
    expect(t.verdicts.xen.sratRejected).to.match(/only on x86/);
    expect(t.diagnostics.filter((d) => d.code.startsWith("XEN_"))).to.deep.equal([]);
    expect(t.verdicts.linux.nodes).to.equal(2);
    // A memory-only SRAT beside a MADT of GICC CPUs is an Arm host too (the MADT says so).
    const gicMadt = madtTable([{ type: 0x0b, values: { cpuInterfaceNumber: 0, acpiProcessorUid: 0, flags: 1 } }]);
    const armMemOnly = buildTopology([sratTable(3, [mem(0, 0n), mem(1, GiB)]), gicMadt]);
    expect(armMemOnly.verdicts.xen.sratRejected).to.match(/only on x86/);
    expect(armMemOnly.diagnostics.filter((d) => d.code.startsWith("XEN_"))).to.deep.equal([]);
  });
});

describe("a CPU two SRAT entries name", () => {
  it("is in one node: the entry the OS reads last (Linux: table order; Xen: x2APIC entries, then LAPIC ones)", () => {
    // APIC id 0 in PXM 0 (LAPIC) and again in PXM 1 (x2APIC, after it in the table).
    const tables = hostTables({ cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }], memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB }] });
    const dup = buildTopology([sratTable(3, [
      { type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1, proximityDomainHigh24: 0 } },
      { type: 2, values: { proximityDomain: 1, x2apicId: 0, flags: 1 } },
      { type: 0, values: { proximityDomainLow8: 1, apicId: 1, flags: 1, proximityDomainHigh24: 0 } },
      { type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } },
      { type: 1, values: { proximityDomain: 1, baseAddress: GiB, addressLength: GiB, flags: 1 } },
    ]), ...tables.slice(1)]);
    expect(dup.nodes.map((n) => [n.pxm, n.cpus.map((c) => c.id)])).to.deep.equal([[0, []], [1, [0, 1]]]);
    const xen = buildTopology([sratTable(3, [
      { type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1, proximityDomainHigh24: 0 } },
      { type: 2, values: { proximityDomain: 1, x2apicId: 0, flags: 1 } },
      { type: 0, values: { proximityDomainLow8: 1, apicId: 1, flags: 1, proximityDomainHigh24: 0 } },
    ]), ...tables.slice(1)], { numbering: "xen" });
    // Xen meets PXM 1 first (x2APIC pass), so it is node 0; its LAPIC pass then puts APIC 0 on PXM 0.
    expect(xen.nodes.map((n) => [n.pxm, n.cpus.map((c) => c.id).sort()])).to.deep.equal([[1, [1]], [0, [0]]]);
  });
});
