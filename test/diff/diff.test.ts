/**
 * diffAnalyses on host pairs built with the encoder that differ in one known way each: a moved
 * CPU, a changed distance, a removed memory range, renumbered PXMs. Each must report exactly that
 * change and nothing else; a host against itself is identical. Plus a property: any PXM
 * permutation (SLIT permuted alike) is reported as renumbering only.
 */
import { expect } from "chai";
import fc from "fast-check";
import { join } from "node:path";
import { analyse, analyseSources } from "../../src/analyse.js";
import { diffAnalyses, type TopologyDiff } from "../../src/diff/diff.js";
import { diffText } from "../../src/report/diff.js";
import { NO_NAMESPACE } from "../../src/topology/devices.js";
import { hmatLocality, hmatTable, hostTables, type HostSpec } from "../helpers/numa-tables.js";
import { schemaErrors as validateAgainst } from "../helpers/schema.js";
import { repoRoot } from "../helpers/cli.js";

const GiB = 1n << 30n;

const BASE: HostSpec = {
  cpus: [{ pxm: 0, apic: 0 }, { pxm: 0, apic: 1 }, { pxm: 1, apic: 2 }, { pxm: 1, apic: 3 }, { pxm: 2, apic: 4 }, { pxm: 2, apic: 5 }],
  memory: [
    { pxm: 0, base: 0n, length: 4n * GiB },
    { pxm: 1, base: 4n * GiB, length: 4n * GiB },
    { pxm: 1, base: 8n * GiB, length: 2n * GiB },
    { pxm: 2, base: 10n * GiB, length: 4n * GiB },
  ],
  slit: [[10, 20, 30], [20, 10, 25], [30, 25, 10]],
};

function diffOf(a: HostSpec, b: HostSpec): TopologyDiff {
  const an = (h: HostSpec) => analyse(hostTables(h), { namespace: NO_NAMESPACE });
  return diffAnalyses(an(a), an(b), { a: "A", b: "B" });
}

/** The diff's topology sections, with the ones a test does not name empty. */
function expectOnly(d: TopologyDiff, changes: Partial<Pick<TopologyDiff, "nodes" | "cpus" | "memory" | "distances" | "hmat" | "findings" | "verdicts">>): void {
  const none = {
    nodes: { added: [], removed: [], renumbered: [] },
    cpus: { moved: [], added: [], removed: [] },
    memory: { added: [], removed: [], resized: [], moved: [] },
    distances: { source: null, changed: [] },
    hmat: { present: null, changed: [] },
    findings: [],
    verdicts: [],
  };
  const { nodes, cpus, memory, distances, hmat, findings, verdicts } = d;
  expect({ nodes, cpus, memory, distances, hmat, findings, verdicts }).to.deep.equal({ ...none, ...changes });
  expect(validateAgainst("diff.schema.json", JSON.parse(JSON.stringify(d)))).to.deep.equal([]);
}

describe("diff: known changes between encoder-built hosts", () => {
  it("a host against itself is identical, with no table change", () => {
    const d = diffOf(BASE, BASE);
    expect(d.identical).to.equal(true);
    expect(d.summary).to.equal("identical topology");
    expect(d.tables).to.deep.equal([]);
    expectOnly(d, {});
  });

  it("a CPU moved to another node is that move only", () => {
    const moved: HostSpec = { ...BASE, cpus: BASE.cpus.map((c) => (c.apic === 1 ? { ...c, pxm: 1 } : c)) };
    const d = diffOf(BASE, moved);
    expect(d.identical).to.equal(false);
    expect(d.summary).to.equal("different: 1 CPU moved; 1 table header change");
    expectOnly(d, { cpus: { moved: [{ cpu: { kind: "apic", id: 1 }, a: { id: 0, pxm: 0 }, b: { id: 1, pxm: 1 } }], added: [], removed: [] } });
    expect(d.tables.map((t) => `${t.signature} ${t.field}`)).to.deep.equal(["SRAT checksum"]);
  });

  it("a changed distance is reported cell by cell", () => {
    const slit = [[10, 20, 32], [20, 10, 25], [32, 25, 10]];
    const d = diffOf(BASE, { ...BASE, slit });
    expect(d.summary).to.equal("different: 2 distances changed; 1 table header change");
    expectOnly(d, { distances: { source: null, changed: [
      { from: { id: 0, pxm: 0 }, to: { id: 2, pxm: 2 }, a: 30, b: 32 },
      { from: { id: 2, pxm: 2 }, to: { id: 0, pxm: 0 }, a: 30, b: 32 },
    ] } });
  });

  it("HMAT: a changed value, a pair on one side only and a memory-side cache level, PXMs renumbered on one side", () => {
    const loc = (flags: number, dataType: number, initiators: number[], targets: number[], entries: number[]): ReturnType<typeof hmatLocality> =>
      hmatLocality({ flags, dataType, initiators, targets, entries });
    const an = (h: HostSpec, subs: ReturnType<typeof hmatLocality>[]) => analyse([...hostTables(h), hmatTable(2, subs)], { namespace: NO_NAMESPACE });
    // B renumbers PXM 0 <-> 1 (CPUs, memory and SLIT alike), so A's PXM p is B's 1 - p for p < 2.
    const swap = (p: number): number => (p < 2 ? 1 - p : p);
    const b: HostSpec = {
      cpus: BASE.cpus.map((c) => ({ ...c, pxm: swap(c.pxm) })),
      memory: BASE.memory.map((m) => ({ ...m, pxm: swap(m.pxm) })),
      slit: [[10, 20, 25], [20, 10, 30], [25, 30, 10]],
    };
    const a = an(BASE, [loc(0, 1, [0, 1], [0, 1, 2], [100, 200, 300, 200, 100, 250]), loc(0, 4, [0], [0], [50])]);
    const bb = an(b, [loc(0, 1, [1, 0], [1, 0, 2], [100, 200, 300, 200, 100, 260]), loc(1, 1, [1], [2], [40])]);
    const d = diffAnalyses(a, bb, { a: "A", b: "B" });
    expect(d.hmat).to.deep.equal({ present: null, changed: [
      // B's PXMs: A's initiator 1 is B's 0.
      { initiatorPxm: 0, targetPxm: 2, hierarchy: 0, key: "readLatencyNs", a: 250, b: 260 },
      { initiatorPxm: 1, targetPxm: 1, hierarchy: 0, key: "readBandwidthMBps", a: 50000, b: null },
      { initiatorPxm: 1, targetPxm: 2, hierarchy: 1, key: "readLatencyNs", a: null, b: 40 },
    ] });
  });

  it("a removed memory range is that range only", () => {
    const d = diffOf(BASE, { ...BASE, memory: BASE.memory.filter((m) => m.base !== 8n * GiB) });
    expect(d.summary).to.match(/^different: 1 memory range removed;/);
    expectOnly(d, { memory: { added: [], removed: [{ base: "0x200000000", length: "0x80000000", node: { id: 1, pxm: 1 } }], resized: [], moved: [] } });
  });

  it("renumbered PXMs (the SLIT permuted alike) are matched by content: renumbering only", () => {
    const perm = [2, 0, 1];
    const to = (p: number): number => perm[p] ?? p;
    const slit = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    BASE.slit?.forEach((row, i) => { row.forEach((v, j) => { const r = slit[to(i)]; if (r !== undefined) r[to(j)] = v; }); });
    const renumbered: HostSpec = { cpus: BASE.cpus.map((c) => ({ ...c, pxm: to(c.pxm) })), memory: BASE.memory.map((m) => ({ ...m, pxm: to(m.pxm) })), slit };
    const d = diffOf(BASE, renumbered);
    expect(d.summary).to.match(/^different: 3 nodes renumbered;/);
    expectOnly(d, { nodes: { added: [], removed: [], renumbered: [
      { a: { id: 0, pxm: 0 }, b: { id: 0, pxm: 2 }, matchedBy: "content" },
      { a: { id: 1, pxm: 1 }, b: { id: 1, pxm: 0 }, matchedBy: "content" },
      { a: { id: 2, pxm: 2 }, b: { id: 2, pxm: 1 }, matchedBy: "content" },
    ] } });
  });

  it("a resized range, an added node and a verdict change are reported too", () => {
    const bigger: HostSpec = {
      cpus: [...BASE.cpus, { pxm: 3, apic: 6 }],
      memory: [...BASE.memory.map((m) => (m.base === 0n ? { ...m, length: 3n * GiB } : m)), { pxm: 3, base: 14n * GiB, length: GiB }],
    };
    const d = diffOf(BASE, bigger);
    expect(d.nodes.added).to.deep.equal([{ id: 3, pxm: 3, cpus: 1, memoryBytes: Number(GiB) }]);
    expect(d.cpus.added).to.deep.equal([{ cpu: { kind: "apic", id: 6 }, node: { id: 3, pxm: 3 } }]);
    expect(d.memory.resized).to.deep.equal([{ base: "0x0", a: "0x100000000", b: "0xC0000000", node: { id: 0, pxm: 0 } }]);
    expect(d.distances.source).to.deep.equal({ a: "SLIT", b: "default" });
    expect(d.verdicts).to.deep.include({ os: "linux", field: "nodes", a: 3, b: 4 });
    expect(d.verdicts).to.deep.include({ os: "linux", field: "usesSlit", a: true, b: false });
    expect(d.tables).to.deep.include({ signature: "SLIT", field: "present", a: true, b: false });
  });
});

describe("diff: properties", () => {
  const hostArb = fc.integer({ min: 1, max: 6 }).chain((nodes) => fc.record({
    cpuNodes: fc.array(fc.integer({ min: 0, max: nodes - 1 }), { minLength: nodes, maxLength: 24 }),
    perm: fc.shuffledSubarray([...Array(nodes).keys()], { minLength: nodes, maxLength: nodes }),
    nodes: fc.constant(nodes),
  }));

  it("text: a firmware string is quoted and escaped once, tab and newline too, each change on one line", () => {
    const d = diffOf(BASE, BASE);
    d.tables.push({ signature: "SRAT", field: "oemTableId", a: "NK4NODE\u0000", b: "NK\n\"x\t\u001b" });
    const text = diffText({ ...d, a: "a\nb.txt" });
    expect(text).to.include('  SRAT oemTableId: "NK4NODE\\x00" -> "NK\\x0A\\x22x\\x09\\x1B"\n');
    expect(text).to.include("  A: a\\x0Ab.txt\n");
  });

  it("text: a changed distance between renumbered nodes names A's node ids beside B's", () => {
    // B gains a node first in its SRAT: A's nodes 0 and 1 are B's 1 and 2, and their distance changes.
    const a: HostSpec = { cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 2 }], memory: [{ pxm: 0, base: 0n, length: 4n * GiB }, { pxm: 1, base: 4n * GiB, length: 4n * GiB }], slit: [[10, 20], [20, 10]] };
    const b: HostSpec = {
      cpus: [{ pxm: 0, apic: 9 }, { pxm: 1, apic: 0 }, { pxm: 2, apic: 2 }],
      memory: [{ pxm: 0, base: 16n * GiB, length: 4n * GiB }, { pxm: 1, base: 0n, length: 4n * GiB }, { pxm: 2, base: 4n * GiB, length: 4n * GiB }],
      slit: [[10, 30, 30], [30, 10, 25], [30, 25, 10]],
    };
    const text = diffText(diffOf(a, b));
    expect(text).to.include("\ndistances:\n  node 1 -> node 2 (A: node 0 -> node 1): 20 -> 25\n  node 2 -> node 1 (A: node 1 -> node 0): 20 -> 25\n");
    // Without renumbering the line stays as it was.
    expect(diffText(diffOf(BASE, { ...BASE, slit: [[10, 20, 30], [20, 10, 26], [30, 26, 10]] }))).to.include("\ndistances:\n  node 1 -> node 2: 25 -> 26\n");
  });

  it("PXMs only a Generic Port names are no node: not counted as removed or added", async () => {
    const cxl = await analyseSources([join(repoRoot, "samples", "cxl")]);
    const ports = cxl.topology.nodes.filter((n) => n.kind === "generic-port").map((n) => n.pxm);
    expect(ports).to.have.length.greaterThan(0);
    const plain = await analyseSources([join(repoRoot, "samples", "2socket")]);
    for (const [x, y, side] of [[cxl, plain, "removed"], [plain, cxl, "added"]] as const) {
      const d = diffAnalyses(x, y, { a: "A", b: "B" });
      const listed = [...d.nodes.removed, ...d.nodes.added, ...d.nodes.renumbered.flatMap((r) => [r.a, r.b])].map((n) => n.pxm);
      expect(listed.filter((p) => ports.includes(p)), side).to.deep.equal([]);
    }
    const self = diffAnalyses(cxl, cxl, { a: "A", b: "B" });
    expect(self.identical).to.equal(true);
  });

  it("a host against itself is identical; a PXM permutation is renumbering only", () => {
    fc.assert(fc.property(hostArb, ({ cpuNodes, perm, nodes }) => {
      // Every node gets one CPU and one range first, so each has content to match on.
      const cpus = [...[...Array(nodes).keys()], ...cpuNodes].map((pxm, apic) => ({ pxm, apic }));
      const memory = [...Array(nodes).keys()].map((pxm) => ({ pxm, base: BigInt(pxm) * GiB, length: GiB }));
      const a: HostSpec = { cpus, memory };
      const to = (p: number): number => perm[p] ?? p;
      const b: HostSpec = { cpus: cpus.map((c) => ({ ...c, pxm: to(c.pxm) })), memory: memory.map((m) => ({ ...m, pxm: to(m.pxm) })) };
      expect(diffOf(a, a).identical).to.equal(true);
      const d = diffOf(a, b);
      // Linux numbers nodes by first appearance, and the first CPUs are one per node in PXM order
      // on both sides, so node ids stay and only the PXMs move.
      const expected = [...Array(nodes).keys()].filter((p) => to(p) !== p)
        .map((p) => ({ a: { id: p, pxm: p }, b: { id: p, pxm: to(p) }, matchedBy: "content" as const }));
      expectOnly(d, { nodes: { added: [], removed: [], renumbered: expected } });
    }));
  });
});
