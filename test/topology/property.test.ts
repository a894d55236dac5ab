import { expect } from "chai";
import fc from "fast-check";
import { decodeTable, encodeTable, type DecodedTable } from "../../src/acpi/index.js";
import { buildTopology } from "../../src/topology/build.js";
import { NUMBERINGS } from "../../src/topology/numbering.js";
import { validate } from "../../src/validate/index.js";
import { topologyText } from "../../src/report/text.js";
import { hostTables, type HostSpec } from "../helpers/numa-tables.js";

const MiB = 1n << 20n;

/** A random host: PXMs, CPUs in table order (some x2APIC), ascending memory ranges, maybe a SLIT. */
const hostArb: fc.Arbitrary<HostSpec> = fc.record({
  pxms: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
  cpus: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })), { maxLength: 12 }),
  memory: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 4096 }), fc.boolean()), { maxLength: 8 }),
  slit: fc.option(fc.array(fc.integer({ min: 11, max: 254 }), { minLength: 41 * 41, maxLength: 41 * 41 }), { nil: undefined }),
}).map(({ pxms, cpus, memory, slit }) => {
  let apic = 0;
  let base = 0n;
  const at = (i: number): number => pxms[i % pxms.length] ?? 0;
  const host: HostSpec = {
    cpus: cpus.map(([i, gap]) => ({ pxm: at(i), apic: (apic += gap) })),
    memory: memory.map(([i, hole, len, hot]) => {
      base += BigInt(hole) * MiB;
      const r = { pxm: at(i), base, length: BigInt(len) * MiB, flags: hot ? 3 : 1 };
      base += r.length;
      return r;
    }),
  };
  if (slit !== undefined) {
    const n = Math.max(...pxms) + 1;
    host.slit = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 10 : slit[i * 41 + j] ?? 20)));
  }
  return host;
});

/** What the tables must give back, computed from the description alone. */
function expected(h: HostSpec): { pxm: number; apics: number[]; linuxCpus: number[]; memory: string[] }[] {
  const order: number[] = [];
  for (const p of [...h.cpus.map((c) => c.pxm), ...h.memory.map((m) => m.pxm)]) if (!order.includes(p)) order.push(p);
  return order.map((pxm) => ({
    pxm,
    apics: h.cpus.filter((c) => c.pxm === pxm).map((c) => c.apic),
    linuxCpus: h.cpus.flatMap((c, i) => (c.pxm === pxm ? [i] : [])),
    memory: h.memory.filter((m) => m.pxm === pxm).map((m) => `${m.base}+${m.length}${m.flags === 3 ? "h" : ""}`),
  }));
}

describe("topology properties (fast-check)", () => {
  it("random host → tables (buildTable) → decode → build → the same topology", () => {
    fc.assert(fc.property(hostArb, (h) => {
      const t = buildTopology(hostTables(h));
      const got = t.nodes.map((n) => ({
        pxm: n.pxm, apics: n.cpus.map((c) => c.id), linuxCpus: n.cpus.map((c) => c.linuxCpu ?? -1),
        memory: n.memory.map((r) => `${r.base}+${r.length}${r.hotPluggable ? "h" : ""}`),
      }));
      expect(got).to.deep.equal(expected(h));
      expect(t.nodes.map((n) => n.id)).to.deep.equal(t.nodes.map((_, i) => i));
      const pxms = t.nodes.map((n) => n.pxm);
      const slit = h.slit;
      const want = pxms.map((a) => pxms.map((b) => (slit === undefined ? (a === b ? 10 : 20) : slit[a]?.[b])));
      expect(t.distances.matrix).to.deep.equal(want);
      expect(t.distances.source).to.equal(slit === undefined ? "default" : "SLIT");
      // No enabled memory range: Linux falls back to one node (src/topology/fallback.ts).
      const hasMemory = h.memory.some((m) => m.length > 0n);
      expect(t.verdicts.linux.nodes).to.equal(hasMemory ? Math.max(1, t.nodes.length) : 1);
    }));
  });

  it("PXM→node maps are bijections and the distance matrix is n×n, in every numbering", () => {
    fc.assert(fc.property(hostArb, fc.constantFrom(...NUMBERINGS), (h, numbering) => {
      const t = buildTopology(hostTables(h), { numbering });
      const pairs = t.pxmMap.entries();
      expect(new Set(pairs.map(([p]) => p)).size).to.equal(pairs.length);
      expect(new Set(pairs.map(([, n]) => n)).size).to.equal(pairs.length);
      for (const [p, n] of pairs) { expect(t.pxmMap.nodeOf(p)).to.equal(n); expect(t.pxmMap.pxmOf(n)).to.equal(p); }
      expect(t.nodes.map((n) => [n.pxm, n.id])).to.deep.equal([...pairs].sort((a, b) => a[1] - b[1]));
      expect(t.distances.matrix.length).to.equal(t.nodes.length);
      for (const row of t.distances.matrix) expect(row.length).to.equal(t.nodes.length);
    }));
  });

  it("validation never throws, whatever the bytes", () => {
    const mutate = (t: DecodedTable, edits: [number, number][]): DecodedTable => {
      const b = encodeTable(t);
      for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
      return decodeTable({ signature: t.signature, bytes: b, source: { file: "fuzz" } });
    };
    fc.assert(fc.property(hostArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), fc.nat(), (h, edits, cut) => {
      const tables = hostTables(h).map((t) => mutate(t, edits));
      const first = tables[0];
      if (first !== undefined) tables.push(decodeTable({ signature: "SRAT", bytes: encodeTable(first).subarray(0, cut % 200), source: { file: "cut" } }));
      for (const numbering of NUMBERINGS) {
        const t = buildTopology(tables, { numbering });
        const v = validate(tables, t);
        expect(topologyText(t, v)).to.be.a("string");
      }
    }));
  });
});
