/**
 * A topology (from any source) → a description: `numakit topology --format desc` (faithful:
 * explicit APIC ids and address ranges) and `numakit synth --from` (bootable: RAM as sizes, laid
 * out again the way QEMU places it, optionally scaled; CPUs renumbered when QEMU cannot give the
 * host's APIC ids). The description is the JSON of schema/desc.schema.json.
 */
import { InputError } from "../errors.js";
import type { HmatDataKey } from "../topology/hmat.js";
import type { Topology, TopologyNode } from "../topology/model.js";
import { HMAT_MATRIX_KEYS, type HmatMatrixKey } from "./desc.js";
import { MiB, smpForApicIds } from "./layout.js";
import { hex } from "../util/hex.js";

type Json = Record<string, unknown>;


const DATA_KEYS: Record<HmatMatrixKey, HmatDataKey> = {
  access_latency_ns: "accessLatencyNs", read_latency_ns: "readLatencyNs", write_latency_ns: "writeLatencyNs",
  access_bandwidth_mbps: "accessBandwidthMBps", read_bandwidth_mbps: "readBandwidthMBps", write_bandwidth_mbps: "writeBandwidthMBps",
};

export interface FromTopologyOptions {
  /** Bootable form: RAM per node as sizes (× scale), hot-plug windows as sizes, CPUs as QEMU can number them. */
  sizes?: boolean;
  scaleMemory?: number;
  /** Where the topology came from (for errors). */
  source?: string;
}

export interface FromTopology { description: Json; notes: string[] }

/** The CPU ids of each node, and whether they are arm64 GICC UIDs (all of them) rather than APIC ids. */
function cpuIds(t: Topology, source: string | undefined): { lists: number[][]; gicc: boolean } {
  const all = t.nodes.flatMap((n) => n.cpus);
  const gicc = all.length > 0 && all.every((c) => c.kind === "gicc");
  const lists = t.nodes.map((n) => n.cpus.map((c) => {
    if (!gicc && c.kind !== "apic" && c.kind !== "x2apic") {
      throw new InputError("E_DESC_UNSUPPORTED", `node with PXM ${n.pxm} has ${c.kind.toUpperCase()} CPUs; descriptions describe x86 APIC/x2APIC CPUs or arm64 GICC CPUs (all of one kind)`, source === undefined ? {} : { file: source });
    }
    return c.id;
  }));
  return { lists, gicc };
}

function isRam(r: TopologyNode["memory"][number]): boolean {
  return !r.hotPluggable && !r.nonVolatile && !r.specificPurpose;
}

function hmatJson(t: Topology, pxms: ReadonlySet<number>): Json | undefined {
  const h = t.hmat;
  if (h === undefined) return undefined;
  const pairs = h.pairs.filter((p) => p.hierarchy === 0 && pxms.has(p.initiatorPxm) && pxms.has(p.targetPxm));
  const initiators = [...new Set(pairs.map((p) => p.initiatorPxm))];
  const targets = [...new Set(pairs.map((p) => p.targetPxm))];
  const out: Json = {};
  if (pairs.length > 0) { out["initiators"] = initiators; out["targets"] = targets; }
  for (const key of HMAT_MATRIX_KEYS) {
    const k = DATA_KEYS[key];
    if (!pairs.some((p) => p.values[k] !== undefined)) continue;
    out[key] = initiators.map((i) => targets.map((tg) => pairs.find((p) => p.initiatorPxm === i && p.targetPxm === tg)?.values[k] ?? null));
  }
  const caches = h.caches.filter((c) => pxms.has(c.memoryPxm)).map((c) => ({
    node: c.memoryPxm, size: hex(c.size), level: c.level, total_levels: c.totalLevels,
    associativity: c.associativity === "direct-mapped" ? "direct" : c.associativity.startsWith("reserved") ? "none" : c.associativity,
    write_policy: c.writePolicy.startsWith("reserved") ? "none" : c.writePolicy, line_size: c.lineSize,
  }));
  if (caches.length > 0) out["caches"] = caches;
  return out;
}

/** The description of a topology (Linux's numbering and acceptance: nodes as Linux sees them). */
export function descriptionFromTopology(t: Topology, opts: FromTopologyOptions = {}): FromTopology {
  const notes: string[] = [];
  const scale = opts.scaleMemory ?? 1;
  const { lists: cpuLists, gicc } = cpuIds(t, opts.source);
  // QEMU's virt gives GICC UIDs 0..N-1 (src/synth/layout.ts); its q35/pc give the APIC ids of some -smp.
  const bootable = gicc ? cpuLists.flat().sort((a, b) => a - b).every((u, i) => u === i) : smpForApicIds(cpuLists.flat()) !== undefined;
  const keepIds = !opts.sizes || bootable;
  if (!keepIds && cpuLists.flat().length > 0) notes.push(`QEMU cannot give these ${gicc ? "GICC UIDs" : "APIC ids"}: CPUs are renumbered the way QEMU numbers them (the count per node is kept)`);
  const nodes = t.nodes.map((n, i) => {
    const node: Json = { pxm: n.pxm };
    const ids = cpuLists[i] ?? [];
    if (ids.length > 0) {
      node["cpus"] = keepIds ? ids : ids.length;
      if (keepIds && n.cpus.some((c) => c.kind === "x2apic" && c.id < 255)) node["x2apic"] = true;
    }
    if (opts.sizes === true) {
      const ram = n.memory.filter(isRam).reduce((a, r) => a + r.length, 0n);
      const hot = n.memory.filter((r) => r.hotPluggable).reduce((a, r) => a + r.length, 0n);
      const mib = (b: bigint): number => Math.max(1, Math.floor((Number(b / MiB) * scale)));
      if (ram > 0n) node["mem_mib"] = mib(ram);
      if (hot > 0n) node["hotplug_mib"] = mib(hot);
      if (n.memory.some((r) => !r.hotPluggable && (r.nonVolatile || r.specificPurpose))) notes.push(`node with PXM ${n.pxm}: non-volatile and specific-purpose ranges are left out (QEMU boots RAM only)`);
    } else if (n.memory.length > 0) {
      node["ranges"] = n.memory.map((r) => ({
        base: hex(r.base), length: hex(r.length),
        ...(r.hotPluggable ? { hotplug: true } : {}), ...(r.nonVolatile ? { nonvolatile: true } : {}), ...(r.specificPurpose ? { specific_purpose: true } : {}),
      }));
    }
    // The attached initiator Linux keeps (the last valid structure; HmatLinuxState), the one a
    // description can carry.
    const attached = t.hmat?.linux.processorPxm.get(n.pxm);
    // synth attaches a node's own CPUs by default: name the initiator only when it is another one.
    const byDefault = n.cpus.length > 0 ? n.pxm : undefined;
    if (attached !== undefined && attached !== byDefault && t.nodes.some((x) => x.pxm === attached)) node["initiator"] = attached;
    const gis = n.initiators.filter((x) => x.kind === "generic-initiator").flatMap((x): Json[] => {
      const h = x.handle;
      if (h.type === "pci") return [{ pci: `${h.segment.toString(16).padStart(4, "0")}:${h.bus.toString(16).padStart(2, "0")}:${h.device.toString(16).padStart(2, "0")}.${h.function}` }];
      if (h.type === "acpi" && /^[A-Z0-9]{7,8}$/.test(h.hid)) return [{ acpi: { hid: h.hid, uid: h.uid } }];
      notes.push(`node with PXM ${n.pxm}: a generic initiator with an unusable handle is left out`);
      return [];
    });
    if (gis.length > 0) node["generic_initiators"] = gis;
    return node;
  });
  const description: Json = gicc ? { machine: "virt", nodes } : { nodes };
  if (t.distances.source === "SLIT") description["distances"] = t.distances.matrix;
  const hmat = hmatJson(t, new Set(t.nodes.map((n) => n.pxm)));
  if (hmat !== undefined) description["hmat"] = hmat;
  return { description, notes };
}
