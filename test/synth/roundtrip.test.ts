import { spawnSync } from "node:child_process";
import { expect } from "chai";
import fc from "fast-check";
import { decodeTable } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { descriptionFromTopology, parseDescription, synthesize, type Description, type SynthTable } from "../../src/synth/index.js";
import { distanceMatrix, hmatAxes } from "../../src/synth/tables.js";
import type { Host } from "../../src/synth/layout.js";
import { HMAT_MATRIX_KEYS, type HmatMatrixKey } from "../../src/synth/desc.js";
import type { Topology } from "../../src/topology/model.js";
import { iaslDisassemble } from "../helpers/iasl.js";

/** Random descriptions in the JSON form: q35/pc/virt, sparse PXMs, CPU-only/memory-only nodes, x2APIC ids or GICC UIDs, hot-plug, SLIT, HMAT with caches. */
const descArb: fc.Arbitrary<Record<string, unknown>> = fc.integer({ min: 1, max: 6 }).chain((n) => fc.record({
  pxms: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: n, maxLength: n }),
  machine: fc.constantFrom("q35", "pc", "virt"),
  idMode: fc.boolean(),
  apicIds: fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: n * 3, maxLength: n * 3 }),
  nodes: fc.array(fc.record({
    cpus: fc.integer({ min: 0, max: 3 }),
    x2apic: fc.boolean(),
    mem: fc.constantFrom(0, 128, 256, 768, 1024, 1536, 2048),
    hotplug: fc.option(fc.constantFrom(256, 1024), { nil: undefined }),
    gi: fc.option(fc.record({ bus: fc.integer({ min: 0, max: 255 }), device: fc.integer({ min: 0, max: 31 }), fn: fc.integer({ min: 0, max: 7 }) }), { nil: undefined }),
    attach: fc.option(fc.nat(), { nil: undefined }),
  }), { minLength: n, maxLength: n }),
  slit: fc.option(fc.array(fc.integer({ min: 11, max: 254 }), { minLength: n * n, maxLength: n * n }), { nil: undefined }),
  hmatKeys: fc.subarray([...HMAT_MATRIX_KEYS]),
  hmatValues: fc.array(fc.option(fc.integer({ min: 1, max: 65534 }), { nil: null, freq: 6 }), { minLength: 36, maxLength: 36 }),
  hmatScale: fc.constantFrom(1, 10, 1000),
  caches: fc.array(fc.record({ node: fc.nat(), level: fc.integer({ min: 1, max: 3 }), assoc: fc.constantFrom("none", "direct", "complex"), policy: fc.constantFrom("none", "write-back", "write-through"), line: fc.constantFrom(0, 64, 128) }), { maxLength: 3 }),
  withHmat: fc.boolean(),
})).map((g) => {
  const nodes = g.nodes.map((x, i) => {
    const node: Record<string, unknown> = { pxm: g.pxms[i] };
    const cpus = g.idMode ? g.apicIds.slice(i * 3, i * 3 + x.cpus) : x.cpus;
    // virt: GICC CPUs, ids are ACPI Processor UIDs (x2apic is refused there).
    if (x.cpus > 0) { node["cpus"] = cpus; if (x.x2apic && g.machine !== "virt") node["x2apic"] = true; }
    if (x.mem > 0) node["mem_mib"] = x.mem;
    if (x.hotplug !== undefined) node["hotplug_mib"] = x.hotplug;
    if (x.gi !== undefined) node["generic_initiators"] = [{ pci: `0000:${x.gi.bus.toString(16)}:${x.gi.device.toString(16)}.${x.gi.fn}` }];
    // A node must give the SRAT something to name it by.
    if (x.cpus === 0 && x.mem === 0 && x.hotplug === undefined && x.gi === undefined) node["mem_mib"] = 64;
    return node;
  });
  const withMem = nodes.filter((x) => x["mem_mib"] !== undefined || x["hotplug_mib"] !== undefined);
  nodes.forEach((x, i) => {
    const a = g.nodes[i]?.attach;
    if (a !== undefined && x["cpus"] === undefined && (x["mem_mib"] !== undefined || x["hotplug_mib"] !== undefined)) x["initiator"] = g.pxms[a % nodes.length];
  });
  const desc: Record<string, unknown> = { machine: g.machine, nodes };
  if (g.slit !== undefined) desc["distances"] = nodes.map((_, i) => nodes.map((__, j) => (i === j ? 10 : g.slit?.[i * nodes.length + j] ?? 20)));
  const initiators = nodes.filter((x) => x["cpus"] !== undefined || x["generic_initiators"] !== undefined);
  if (g.withHmat && withMem.length > 0) {
    const hmat: Record<string, unknown> = {};
    let k = 0;
    for (const key of g.hmatKeys) {
      if (initiators.length === 0) break;
      hmat[key] = initiators.map(() => withMem.map(() => { const v = g.hmatValues[k++ % 36]; return v === null || v === undefined ? null : v * (key.endsWith("_ns") && g.hmatScale === 1000 ? 1 : g.hmatScale); }));
    }
    hmat["caches"] = g.caches.map((c) => ({ node: withMem[c.node % withMem.length]?.["pxm"], size: 0x100000 * (c.level + 1), level: c.level, total_levels: 3, associativity: c.assoc, write_policy: c.policy, line_size: c.line }));
    desc["hmat"] = hmat;
  }
  return desc;
});

/** What a description says, keyed by PXM: the form both sides are compared in. */
interface Canonical {
  nodes: Record<number, { cpus: string[]; memory: string[]; initiator?: number; gis: string[] }>;
  distances: Record<string, number>;
  hmat: Record<string, number>;
  caches: string[];
}

const DATA: Record<HmatMatrixKey, string> = {
  access_latency_ns: "accessLatencyNs", read_latency_ns: "readLatencyNs", write_latency_ns: "writeLatencyNs",
  access_bandwidth_mbps: "accessBandwidthMBps", read_bandwidth_mbps: "readBandwidthMBps", write_bandwidth_mbps: "writeBandwidthMBps",
};

function expected(d: Description, host: Host): Canonical {
  const c: Canonical = { nodes: {}, distances: {}, hmat: {}, caches: [] };
  for (const n of host.nodes) {
    c.nodes[n.pxm] = {
      cpus: n.cpus.map((x) => `${x.kind} ${x.id}`).sort(),
      memory: n.memory.map((r) => `${r.base.toString(16)}+${r.length.toString(16)}${r.hotplug ? " hp" : ""}`).sort(),
      gis: n.genericInitiators.map((g) => JSON.stringify(g)).sort(),
    };
    const attached = n.initiator ?? (n.cpus.length > 0 ? n.pxm : undefined);
    if (d.hmat !== undefined && n.memory.length > 0 && attached !== undefined) (c.nodes[n.pxm] ?? { initiator: 0 }).initiator = attached;
  }
  const m = distanceMatrix(d);
  if (m !== undefined) d.nodes.forEach((a, i) => { d.nodes.forEach((b, j) => { c.distances[`${a.pxm}>${b.pxm}`] = m[i]?.[j] ?? 0; }); });
  if (d.hmat !== undefined) {
    const { initiators, targets } = hmatAxes(host, d.hmat);
    for (const key of HMAT_MATRIX_KEYS) {
      d.hmat.matrices[key]?.forEach((row, i) => { row.forEach((v, j) => { if (v !== null) c.hmat[`${DATA[key]} ${initiators[i] ?? -1}>${targets[j] ?? -1}`] = v; }); });
    }
    c.caches = d.hmat.caches.map((x) => `${x.pxm} ${x.size.toString(16)} L${x.level}/${x.totalLevels} ${x.associativity === "direct" ? "direct-mapped" : x.associativity} ${x.writePolicy} ${x.lineSize}`).sort();
  }
  return c;
}

function actual(t: Topology): Canonical {
  const c: Canonical = { nodes: {}, distances: {}, hmat: {}, caches: [] };
  for (const n of t.nodes) {
    c.nodes[n.pxm] = {
      cpus: n.cpus.map((x) => `${x.kind} ${x.id}`).sort(),
      memory: n.memory.map((r) => `${r.base.toString(16)}+${r.length.toString(16)}${r.hotPluggable ? " hp" : ""}`).sort(),
      gis: n.initiators.map((g) => (g.handle.type === "pci" ? JSON.stringify({ pci: { segment: g.handle.segment, bus: g.handle.bus, device: g.handle.device, function: g.handle.function } }) : JSON.stringify(g.handle))).sort(),
    };
    const attached = t.hmat?.memory.find((m) => m.memoryPxm === n.pxm)?.initiatorPxm;
    if (attached !== undefined) (c.nodes[n.pxm] ?? { initiator: 0 }).initiator = attached;
  }
  if (t.distances.source === "SLIT") t.nodes.forEach((a, i) => { t.nodes.forEach((b, j) => { c.distances[`${a.pxm}>${b.pxm}`] = t.distances.matrix[i]?.[j] ?? 0; }); });
  for (const p of t.hmat?.pairs ?? []) for (const [k, v] of Object.entries(p.values)) c.hmat[`${k} ${p.initiatorPxm}>${p.targetPxm}`] = v;
  c.caches = (t.hmat?.caches ?? []).map((x) => `${x.memoryPxm} ${x.size.toString(16)} L${x.level}/${x.totalLevels} ${x.associativity} ${x.writePolicy} ${x.lineSize}`).sort();
  return c;
}

function topologyOf(tables: readonly SynthTable[]): { t: Topology; errors: string[] } {
  const decoded = tables.map((x) => decodeTable({ signature: x.signature, bytes: x.bytes, source: { file: x.signature } }));
  const { topology, validation } = analyse(decoded);
  return { t: topology, errors: validation.diagnostics.filter((x) => x.severity === "error").map((x) => x.code) };
}

/**
 * The Xen error a valid description without hot-plug windows earns: x86 Xen runs one node when no
 * SRAT processor entry sets acpi_numa (no node has CPUs), or when no node has boot RAM.
 */
function xenErrors(json: Record<string, unknown>): string[] {
  const nodes = json["nodes"] as Record<string, unknown>[];
  const has = (key: string): boolean => nodes.some((n) => n[key] !== undefined);
  // virt's GICC CPUs say "not x86" (Xen reads no SRAT there); without CPUs there is no MADT to say so.
  if ((json["machine"] === "virt" && has("cpus")) || (!has("mem_mib") && !has("hotplug_mib"))) return [];
  if (!has("cpus")) return ["XEN_SRAT_NO_CPU"];
  return has("mem_mib") ? [] : ["XEN_RAM_NOT_COVERED"];
}

describe("synth: description → tables → topology", () => {
  const generated: SynthTable[][] = [];

  it("property: the topology numakit decodes is the description, and validate finds no error", () => {
    fc.assert(fc.property(descArb, (json) => {
      const d = parseDescription(json);
      const { host, tables } = synthesize(d);
      const { t, errors } = topologyOf(tables);
      // Xen's own errors (which make it run one node) are the only ones a valid description earns.
      expect(errors.filter((c) => !c.startsWith("XEN_"))).to.deep.equal([]);
      const xen = errors.filter((c) => c.startsWith("XEN_"));
      const hotplug = (json["nodes"] as Record<string, unknown>[]).some((n) => n["hotplug_mib"] !== undefined);
      // Hot-plug windows laid out above all RAM make Xen (4.17+) see interleaved node spans when
      // more than one node has memory (numa_update_node_memblks checks hot-plug ranges too).
      if (hotplug) expect(xen.length <= 1 && xen.every((c) => ["XEN_SRAT_NO_CPU", "XEN_RAM_NOT_COVERED", "XEN_MEMORY_INTERLEAVE"].includes(c)), xen.join()).to.equal(true);
      else expect(xen).to.deep.equal(xenErrors(json));
      expect(actual(t)).to.deep.equal(expected(d, host));
      // Without any memory range Linux's acpi_numa_init() finds no memblk and falls back to one node
      // (src/topology/fallback.ts); with one, it uses the SRAT.
      const hasMemory = host.nodes.some((n) => n.memory.length > 0);
      expect(t.verdicts.linux.usesSrat).to.equal(hasMemory);
      if (t.hmat !== undefined) expect(t.hmat.linuxUses, t.hmat.linuxReason).to.equal(true);
      if (generated.length < 200) generated.push(tables);
    }));
  });

  it("property: topology --format desc gives a description that synthesizes the same topology", () => {
    fc.assert(fc.property(descArb, (json) => {
      const first = topologyOf(synthesize(parseDescription(json)).tables).t;
      const again = descriptionFromTopology(first).description;
      const second = topologyOf(synthesize(parseDescription(again)).tables).t;
      expect(actual(second)).to.deep.equal(actual(first));
    }));
  });

  it("iasl -d accepts every generated table", function () {
    if (spawnSync("iasl", ["-v"]).error !== undefined) { this.skip(); return; }
    expect(generated.length).to.be.greaterThan(0);
    const all = generated.flat();
    const dsl = iaslDisassemble(all.map((x) => x.bytes));
    dsl.forEach((text, i) => {
      const sig = all[i]?.signature ?? "";
      expect(text, sig).to.include(`Signature : "${sig}"`);
      expect(text.split("\n").filter((l) => /\*\*\*\*|Unknown .*Subtable|Invalid/i.test(l)), `${sig}\n${text}`).to.deep.equal([]);
    });
  });
});
