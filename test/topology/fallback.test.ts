/**
 * Issue 12: the OS fallback is in the model. An SRAT with only its header, one with CPUs but no
 * usable memory range, and no SRAT at all: Linux (acpi_numa_init → -ENOENT → dummy_numa_init) and
 * Xen (numa_process_nodes fails → numa_initmem_init's fake node) run one node 0 with every CPU and
 * all memory. The model, the JSON, the text and the verdicts say so alike.
 */
import { expect } from "chai";
import { analyse } from "../../src/analyse.js";
import { topologyJson } from "../../src/report/json.js";
import { topologyText } from "../../src/report/text.js";
import type { DecodedTable } from "../../src/acpi/index.js";
import { hostTables, sratTable } from "../helpers/numa-tables.js";

const twoCpus = [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }];
const cases: [string, () => DecodedTable[], RegExp][] = [
  ["header-only SRAT", () => [...hostTables({ cpus: twoCpus, memory: [] }).filter((t) => t.signature !== "SRAT"), sratTable(3, [])], /only its header/],
  ["SRAT with CPUs and no memory range", () => hostTables({ cpus: twoCpus, memory: [] }), /no enabled memory range/],
  ["SRAT with CPUs and only a zero-length range", () => hostTables({ cpus: twoCpus, memory: [{ pxm: 0, base: 0n, length: 0n }] }), /no enabled memory range/],
  ["SRAT with a disabled memory range only", () => hostTables({ cpus: twoCpus, memory: [{ pxm: 0, base: 0n, length: 1n << 30n, flags: 0 }] }), /no enabled memory range/],
  ["no SRAT", () => hostTables({ cpus: twoCpus, memory: [] }).filter((t) => t.signature !== "SRAT"), /there is no SRAT/],
];

describe("the OS fallback node (issue 12)", () => {
  for (const [what, tables, reason] of cases) {
    it(`${what}: one fallback node 0 with every CPU, for Linux and Xen, agreeing with the verdicts`, () => {
      const { topology: t, validation } = analyse(tables());
      for (const os of ["linux", "xen"] as const) {
        const f = t.fallback[os];
        expect(f, os).to.not.equal(undefined);
        expect(f?.id).to.equal(0);
        expect(f?.reason).to.match(reason);
        expect(f?.cpus.map((c) => c.linuxCpu)).to.deep.equal([0, 1]);
        const v = t.verdicts[os];
        expect(v.nodes).to.equal(1);
        expect(v.usesSrat).to.equal(false);
        expect(v.sratRejected).to.equal(f?.reason);
        expect(v.sentence).to.include(`fall back to one node, because ${f?.reason ?? ""}`);
      }
      const json = topologyJson(t, validation) as { fallback: Record<string, { node: number; reason: string; cpus: { linuxCpu: number }[]; memory: string } | null> };
      expect(json.fallback["linux"]).to.deep.include({ node: 0, memory: "all", reason: t.fallback.linux?.reason });
      expect(json.fallback["linux"]?.cpus.map((c) => c.linuxCpu)).to.deep.equal([0, 1]);
      expect(json.fallback["xen"]?.node).to.equal(0);
      const text = topologyText(t, validation);
      expect(text.split("\n").slice(0, 2)).to.deep.equal(["available: 1 nodes (0)", "node 0 cpus: 0 1"]);
      if (t.tables.includes("SRAT")) {
        expect(text).to.include(`fallback: Linux runs one node 0 with every CPU (2) and all memory, because ${t.fallback.linux?.reason ?? ""}\n`);
        expect(text).to.include(`fallback: Xen runs one node 0 with every CPU (2) and all memory, because ${t.fallback.xen?.reason ?? ""}\n`);
      } else {
        expect(text).to.include("no SRAT: Linux and Xen run one node 0 with every CPU and all memory");
      }
    });
  }

  it("an SRAT with memory: no fallback node, in the model or the JSON", () => {
    const { topology: t, validation } = analyse(hostTables({ cpus: twoCpus, memory: [{ pxm: 0, base: 0n, length: 1n << 30n }] }));
    expect(t.fallback).to.deep.equal({});
    expect((topologyJson(t, validation) as { fallback: unknown }).fallback).to.deep.equal({ linux: null, xen: null });
    expect(topologyText(t, validation)).to.not.include("fallback:");
    expect(t.verdicts.linux.usesSrat).to.equal(true);
  });

  it("an SRAT Linux rejects: the fallback node carries the rejection", () => {
    const { topology: t } = analyse(hostTables({ cpus: twoCpus, memory: [{ pxm: 0, base: 0n, length: 1n << 30n }, { pxm: 1, base: 1n << 29n, length: 1n << 30n }] }));
    expect(t.fallback.linux?.reason).to.match(/overlaps/);
    expect(t.verdicts.linux.sratRejected).to.equal(t.fallback.linux?.reason);
  });
});
