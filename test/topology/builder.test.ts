import { expect } from "chai";
import fc from "fast-check";
import { fcRuns } from "../helpers/runs.js";
import { buildTopology } from "../../src/topology/build.js";
import { hmatNormalize, MAX_HMAT_PAIRS } from "../../src/topology/hmat.js";
import { validate } from "../../src/validate/index.js";
import { PxmNodeMap } from "../../src/topology/numbering.js";
import { buildDistances, DEFAULT_DISTANCE_RULE, slitRejection } from "../../src/topology/distances.js";
import { hmatLocality, hmatTable, hostTables, madtTable, msctTable, must, slitTable, sratTable } from "../helpers/numa-tables.js";

const GiB = 1n << 30n;

describe("topology builder", () => {
  it("numbers nodes by Linux's order: CPU PXMs first (table order), then memory-only PXMs", () => {
    const tables = hostTables({
      cpus: [{ pxm: 7, apic: 0 }, { pxm: 3, apic: 1 }],
      memory: [{ pxm: 9, base: 0n, length: GiB }, { pxm: 3, base: GiB, length: GiB }, { pxm: 7, base: 2n * GiB, length: GiB }],
    });
    const linux = buildTopology(tables);
    expect(linux.nodes.map((n) => [n.id, n.pxm])).to.deep.equal([[0, 7], [1, 3], [2, 9]]);
    const pxm = buildTopology(tables, { numbering: "pxm" });
    expect(pxm.nodes.map((n) => [n.id, n.pxm])).to.deep.equal([[3, 3], [7, 7], [9, 9]]);
  });

  it("numbers nodes by Xen's order: x2APIC entries before LAPIC entries", () => {
    const tables = hostTables({ cpus: [{ pxm: 1, apic: 0 }, { pxm: 2, apic: 300 }], memory: [] });
    expect(buildTopology(tables).nodes.map((n) => n.pxm)).to.deep.equal([1, 2]);
    expect(buildTopology(tables, { numbering: "xen" }).nodes.map((n) => n.pxm)).to.deep.equal([2, 1]);
  });

  it("ignores disabled entries and masks the memory PXM of a revision-1 SRAT", () => {
    const t = buildTopology(hostTables({
      sratRevision: 1,
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 5, apic: 1, enabled: false }],
      memory: [{ pxm: 0x100, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB, flags: 0 }],
    }));
    expect(t.nodes.map((n) => n.pxm)).to.deep.equal([0]);
    expect(t.nodes[0]?.memory.length).to.equal(1);
  });

  it("cross-checks CPUs with the MADT and numbers only enabled ones", () => {
    const t = buildTopology(hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 0, apic: 2, madt: "online-capable" }, { pxm: 1, apic: 4 }, { pxm: 1, apic: 6, madt: "absent" }],
      memory: [{ pxm: 0, base: 0n, length: GiB }],
    }));
    expect(t.nodes.flatMap((n) => n.cpus.map((c) => [c.id, c.madt, c.linuxCpu ?? null]))).to.deep.equal([
      [0, "enabled", 0], [2, "online-capable", null], [4, "enabled", 1], [6, "absent", null],
    ]);
  });

  it("reports MADT CPUs that no SRAT entry places", () => {
    const tables = [sratTable(3, [{ type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } }]),
      madtTable([{ type: 0, values: { processorId: 0, localApicId: 0, flags: 1 } }])];
    const t = buildTopology(tables);
    expect(t.unplacedCpus.map((c) => [c.kind, c.id, c.linuxCpu])).to.deep.equal([["apic", 0, 0]]);
  });

  it("places generic initiators and ports with decoded device handles", () => {
    const pci = new Uint8Array(16); pci.set([0x01, 0x00, 0x02, 0x0a]);
    const acpi = new Uint8Array(16); acpi.set([...Buffer.from("ACPI0016"), 0x40, 0, 0, 0]);
    const t = buildTopology([sratTable(3, [
      { type: 5, values: { deviceHandleType: 1, proximityDomain: 1, deviceHandle: pci, flags: 3 } },
      { type: 6, values: { deviceHandleType: 0, proximityDomain: 2, deviceHandle: acpi, flags: 1 } },
      { type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } },
    ])]);
    expect(t.nodes.find((n) => n.pxm === 1)?.initiators.map((i) => [i.kind, i.handle, i.architecturalTransactions])).to.deep.equal([
      ["generic-initiator", { type: "pci", segment: 1, bus: 2, device: 1, function: 2 }, true],
    ]);
    // Linux 6.1 makes no node for a Generic Port's PXM; numakit still shows every PXM the SRAT names.
    expect(t.verdicts.linux.nodes).to.equal(2);
    expect(t.nodes.length).to.equal(3);
    expect(t.nodes.find((n) => n.pxm === 2)?.initiators[0]?.handle).to.deep.equal({ type: "acpi", hid: "ACPI0016", uid: 0x40 });
  });

  it("places GIC ITS and GICC/RINTC CPUs by UID", () => {
    const t = buildTopology([
      sratTable(3, [
        { type: 3, values: { proximityDomain: 0, acpiProcessorUid: 7, flags: 1 } },
        { type: 4, values: { proximityDomain: 0, itsId: 3 } },
        { type: 7, values: { proximityDomain: 1, acpiProcessorUid: 9, flags: 1 } },
      ]),
      madtTable([{ type: 0x0b, values: { processorUid: 7, flags: 1 } }, { type: 0x18, values: { processorUid: 9, flags: 1 } }]),
    ]);
    expect(t.nodes.map((n) => [n.pxm, n.cpus.map((c) => [c.kind, c.id, c.linuxCpu]), n.itsIds])).to.deep.equal([
      [0, [["gicc", 7, 0]], [3]], [1, [["rintc", 9, 1]], []],
    ]);
  });

  it("LoongArch: SRAT type 0 matches the MADT CORE_PIC core id", () => {
    const t = buildTopology([
      sratTable(1, [{ type: 0, values: { proximityDomainLow8: 0, apicId: 3, flags: 1 } }]),
      madtTable([{ type: 0x11, values: { processorId: 0, coreId: 3, flags: 1 } }]),
    ]);
    expect(t.nodes[0]?.cpus.map((c) => [c.kind, c.id, c.linuxCpu])).to.deep.equal([["loongarch", 3, 0]]);
  });

  it("places devices by _PXM and keeps unknown PXMs apart", () => {
    const t = buildTopology(hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [] }), {
      namespace: { devices: [{ path: "\\_SB.PCI0", pxm: 0 }, { path: "\\_SB.MEM9", pxm: 9 }], sli: [], dynamic: [], diagnostics: [] },
    });
    expect(t.nodes[0]?.devices.map((d) => d.path)).to.deep.equal(["\\_SB.PCI0"]);
    expect(t.unplacedDevices.map((d) => d.path)).to.deep.equal(["\\_SB.MEM9"]);
  });

  it("MSCT maxima are decoded from (max - 1)", () => {
    const t = buildTopology([msctTable({ maxProximityDomains: 3, maxClockDomains: 0, maxPhysicalAddress: 0xfffffffffn }, [{ domainRangeStart: 0, domainRangeEnd: 3, processorCapacity: 8, memoryCapacity: GiB }])]);
    expect(t.msct).to.deep.equal({ maxProximityDomains: 4, maxClockDomains: 1, maxPhysicalAddress: 0xfffffffffn, domains: [{ start: 0, end: 3, processorCapacity: 8, memoryCapacity: GiB }] });
  });
});

describe("OS verdicts", () => {
  it("Linux rejects a PXM beyond MAX_PXM_DOMAINS; Xen too many nodes", () => {
    const tables = hostTables({ cpus: [{ pxm: 0, apic: 0 }, { pxm: 0x10000, apic: 1 }], memory: [] });
    const t = buildTopology(tables, { limits: { linuxMaxNumnodes: 64, xenMaxNumnodes: 1 } });
    expect(t.verdicts.linux.nodes).to.equal(1);
    expect(t.verdicts.linux.sratRejected).to.match(/too many proximity domains \(PXM 65536 is not below 256\)/);
    expect(t.verdicts.xen.sratRejected).to.match(/more than 1 proximity domains/);
    expect(t.verdicts.linux.sentence).to.match(/^Linux will fall back to one node, because/);
  });

  it("Linux rejects overlapping boot memory of two nodes; tolerates a hot-plug overlap; Xen rejects both", () => {
    const boot = buildTopology(hostTables({ cpus: [], memory: [{ pxm: 0, base: 0n, length: 2n * GiB }, { pxm: 1, base: GiB, length: 2n * GiB }] }));
    expect(boot.verdicts.linux.usesSrat).to.equal(false);
    expect(boot.verdicts.xen.usesSrat).to.equal(false);
    // A hot-plug window and a non-volatile range that overlap each other but no RAM (the RAM is PXM 2's).
    const hot = buildTopology(hostTables({ cpus: [], memory: [{ pxm: 2, base: 8n * GiB, length: GiB }, { pxm: 0, base: 0n, length: 4n * GiB, flags: 3 }, { pxm: 1, base: GiB, length: GiB, flags: 5 }] }));
    expect(hot.verdicts.linux.usesSrat).to.equal(true);
    expect(hot.diagnostics.map((d) => d.code)).to.include.members(["LINUX_MEMORY_OVERLAP_HOTPLUG", "XEN_MEMORY_OVERLAP"]);
  });

  it("Xen rejects interleaved nodes and same-node overlaps with different hot-plug flags", () => {
    const inter = buildTopology(hostTables({ cpus: [], memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB }, { pxm: 0, base: 2n * GiB, length: GiB }] }));
    expect(inter.verdicts.xen.sratRejected).to.match(/interleaved/);
    expect(inter.verdicts.linux.usesSrat).to.equal(true);
    const same = buildTopology(hostTables({ cpus: [], memory: [{ pxm: 0, base: 0n, length: 2n * GiB }, { pxm: 0, base: GiB, length: 2n * GiB, flags: 3 }] }));
    expect(same.verdicts.xen.sratRejected).to.match(/different hot-plug flags/);
  });

  it("bad entry lengths make both reject the SRAT", () => {
    const t = buildTopology([sratTable(3, [{ type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } }])].map((x) => {
      must(x.subtables[0]).declaredLength = 36;
      return x;
    }));
    expect(t.verdicts.linux.sratRejected).to.match(/length 36, expected at least 40/);
    expect(t.verdicts.xen.sratRejected).to.match(/length 36, expected 40/);
  });

  it("no SRAT: one node for both, and the SLIT is moot", () => {
    const t = buildTopology([slitTable([[10]])]);
    expect(t.verdicts.linux.sentence).to.equal("Linux will fall back to one node, because there is no SRAT; the SLIT: no, because the SRAT is not used, so there is nothing to apply it to.");
  });
});

describe("distances", () => {
  it("slit_valid: diagonal 10, off-diagonal above 10", () => {
    const v = (m: number[][]) => ({ at: { table: "SLIT", offset: 36, source: "" }, localities: BigInt(m.length), entries: m.flat(), tableLength: 44 + m.length ** 2, capped: false });
    expect(slitRejection(v([[10, 20], [20, 10]]))).to.equal(undefined);
    expect(slitRejection(v([[10, 10], [20, 10]]))).to.match(/\[0\]\[1\] is 10/);
    expect(slitRejection(v([[11, 20], [20, 10]]))).to.match(/diagonal/);
    expect(slitRejection({ ...v([[10, 20], [20, 10]]), entries: [10, 20] })).to.match(/needs 4 entries/);
    expect(slitRejection(v([]))).to.match(/0 localities/);
  });

  it("indexes the SLIT by PXM and keeps defaults for PXMs beyond it", () => {
    const slit = { at: { table: "SLIT", offset: 36, source: "" }, localities: 3n, entries: [10, 20, 30, 20, 10, 40, 30, 40, 10], tableLength: 53, capped: false };
    const d = buildDistances([2, 0, 7], slit, []);
    expect({ matrix: d.matrix, source: d.source, reason: d.reason }).to.deep.equal({ matrix: [[10, 30, 20], [30, 10, 20], [20, 20, 10]], source: "SLIT", reason: undefined });
    expect(d.sources.map((x) => [x.source, x.used])).to.deep.equal([["SLIT", true], ["default", false]]);
    expect(d.sources[0]?.matrix).to.deep.equal([[10, 30, null], [30, 10, null], [null, null, null]]);
  });

  const sliAt = { table: "SSDT", offset: 0x40, source: "t/SSDT" };
  it("falls back to _SLI rows when there is no usable SLIT", () => {
    const d = buildDistances([0, 1], undefined, [{ pxm: 1, row: [17, 10], path: "\\_SB.N1", at: sliAt }]);
    expect({ matrix: d.matrix, source: d.source, reason: d.reason }).to.deep.equal({ matrix: [[10, 20], [17, 10]], source: "_SLI", reason: "there is no SLIT" });
    expect(d.sources).to.deep.equal([
      { source: "_SLI", used: true, matrix: [[null, null], [17, 10]], objects: [{ path: "\\_SB.N1", at: sliAt }] },
      { source: "default", used: false, matrix: [[10, 20], [20, 10]], rule: DEFAULT_DISTANCE_RULE },
    ]);
  });

  it("keeps _SLI beside a usable SLIT, and a rejected SLIT beside what is used, each with its provenance", () => {
    const slit = { at: { table: "SLIT", offset: 36, source: "t/SLIT" }, localities: 2n, entries: [10, 16, 16, 10], tableLength: 48, capped: false };
    const sli = [{ pxm: 0, row: [10, 21], column: [10, 21], path: "\\_SB.N0", at: sliAt }];
    const withSlit = buildDistances([0, 1], slit, sli);
    expect(withSlit.matrix).to.deep.equal([[10, 16], [16, 10]]);
    expect(withSlit.sources.map((x) => [x.source, x.used])).to.deep.equal([["SLIT", true], ["_SLI", false], ["default", false]]);
    expect(withSlit.sources[1]).to.deep.include({ matrix: [[10, 21], [21, null]] });
    const bad = { ...slit, entries: [10, 9, 9, 10] };
    const rejected = buildDistances([0, 1], bad, sli);
    expect([rejected.source, rejected.matrix]).to.deep.equal(["_SLI", [[10, 21], [21, 10]]]);
    expect(rejected.sources[0]).to.deep.equal({ source: "SLIT", used: false, matrix: [[10, 9], [9, 10]], at: bad.at, reason: "SLIT entry [0][1] is 9, off-diagonal entries must be above 10" });
  });
});

describe("hmat_normalize", () => {
  it("matches Linux on the SPR example (base 100: 907 → 91 ns, 2621 → 262100 MB/s)", () => {
    expect(hmatNormalize(907, 100n, 1, 2)).to.equal(91);
    expect(hmatNormalize(2621, 100n, 4, 2)).to.equal(262100);
  });
  it("treats 0, 0xFFFF and overflow as no data; revision 1 is in tenths", () => {
    expect(hmatNormalize(0, 100n, 0, 2)).to.equal(undefined);
    expect(hmatNormalize(0xffff, 100n, 0, 2)).to.equal(undefined);
    expect(hmatNormalize(2, 0x80000000n, 3, 2)).to.equal(undefined);
    expect(hmatNormalize(5, 1n, 0, 1)).to.equal(undefined);
    expect(hmatNormalize(15, 1n, 3, 1)).to.equal(2);
  });
  it("agrees with Linux's integer formula (base > UINT_MAX / entry: no data) for every entry and base", () => {
    // The reference in BigInt, as hmat_normalize() reads: the code under test multiplies doubles.
    const linux = (entry: number, base: bigint, dataType: number, revision: number): number | undefined => {
      if (entry === 0 || entry === 0xffff) return undefined;
      if (base > 0xffffffffn / BigInt(entry)) return undefined;
      const v = BigInt(entry) * base;
      if (revision === 1) return v < 10n ? undefined : Number((v + 9n) / 10n);
      return revision === 2 && dataType <= 2 ? Number((v + 999n) / 1000n) : Number(v);
    };
    expect(hmatNormalize(3, 0x55555555n, 3, 2)).to.equal(0xffffffff);
    expect(hmatNormalize(1, 0x100000000n, 3, 2)).to.equal(undefined);
    const base = fc.oneof(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0x55555555n, 0xffffffffn, 0x100000000n, 1n, 0n));
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), base, fc.integer({ min: 0, max: 5 }), fc.constantFrom(1, 2, 3), (e, b, dt, rev) => {
      expect(hmatNormalize(e, b, dt, rev)).to.equal(linux(e, b, dt, rev));
    }), { numRuns: fcRuns(20) });
  });

  it("pairs of several locality structures keep first-seen order, one per hierarchy, initiator and target", () => {
    const loc = (dataType: number, flags: number, initiators: number[], targets: number[], entries: number[]): ReturnType<typeof hmatLocality> =>
      hmatLocality({ flags, dataType, initiators, targets, entries });
    const host = hostTables({ cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }], memory: [0, 1, 2].map((pxm) => ({ pxm, base: BigInt(pxm) * GiB, length: GiB })) });
    const hm = hmatTable(2, [
      ...[0, 1, 2].map((pxm) => ({ type: 0, values: { flags: 0, attachedInitiatorProximityDomain: 0, memoryProximityDomain: pxm } })),
      loc(0, 0, [0, 1], [0, 1], [100, 200, 200, 100]),
      loc(3, 0, [0], [1, 2], [50, 40]),
      loc(0, 1, [0], [0], [300]),
    ]);
    const pairs = must(buildTopology([...host, hm]).hmat).pairs.map((p) => [p.hierarchy, p.initiatorPxm, p.targetPxm, p.values]);
    expect(pairs).to.deep.equal([
      [0, 0, 0, { accessLatencyNs: 100 }], [0, 0, 1, { accessLatencyNs: 200, accessBandwidthMBps: 50000 }], [0, 1, 0, { accessLatencyNs: 200 }], [0, 1, 1, { accessLatencyNs: 100 }],
      [0, 0, 2, { accessBandwidthMBps: 40000 }], [1, 0, 0, { accessLatencyNs: 300 }],
    ]);
  });

  it("keeps at most MAX_HMAT_PAIRS pairs (a 1025 x 1025 structure): the rest counted in one HMAT_TOO_MANY_PAIRS", () => {
    // A 256 MiB HMAT may list 128 M cells, each a pair object in the model, a report and a diff.
    const n = 1025;
    const pxms = Array.from({ length: n }, (_, i) => i);
    const hm = hmatTable(2, [hmatLocality({ dataType: 0, initiators: pxms, targets: pxms, entries: new Array<number>(n * n).fill(120) })]);
    const tables = [...hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB }] }), hm];
    const topo = buildTopology(tables);
    const pairs = must(topo.hmat).pairs;
    expect(pairs.length).to.equal(MAX_HMAT_PAIRS);
    // First seen are kept: whole rows, then the start of row 1023.
    expect([pairs[MAX_HMAT_PAIRS - 1]?.initiatorPxm, pairs[MAX_HMAT_PAIRS - 1]?.targetPxm]).to.deep.equal([1023, MAX_HMAT_PAIRS - 1023 * n - 1]);
    const found = validate(tables, topo).diagnostics.filter((d) => d.code === "HMAT_TOO_MANY_PAIRS");
    expect(found.map((d) => [d.severity, d.table, d.message])).to.deep.equal([["error", "HMAT",
      `the locality structures name more than ${MAX_HMAT_PAIRS} initiator-target pairs; numakit keeps the first ${MAX_HMAT_PAIRS} and not the other ${n * n - MAX_HMAT_PAIRS} cells`]]);
  });

  it("Linux drops the whole HMAT when a memory PXM is not in the SRAT", () => {
    const t = buildTopology([...hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB }] }),
      hmatTable(2, [{ type: 0, values: { flags: 1, attachedInitiatorProximityDomain: 0, memoryProximityDomain: 4 } }])]);
    expect(t.hmat?.linuxUses).to.equal(false);
    expect(t.verdicts.linux.sentence).to.match(/the HMAT: no, because memory proximity domain 4 has no enabled SRAT memory range/);
  });
});

describe("PxmNodeMap", () => {
  it("gives the lowest free id and refuses past the limits", () => {
    const m = new PxmNodeMap("linux", 2, 256);
    expect([m.map(5), m.map(5), m.map(1), m.map(2), m.map(300)]).to.deep.equal([0, 0, 1, undefined, undefined]);
    expect(m.entries()).to.deep.equal([[5, 0], [1, 1]]);
    expect([m.pxmOf(1), m.nodeOf(1)]).to.deep.equal([1, 1]);
  });
});
