/**
 * The topology description (schema/desc.schema.json): one JSON file that describes a NUMA host for
 * `numakit synth` (→ SRAT/SLIT/HMAT/MADT) and for the simulator. The simulator's compact host spec
 * (`{"nodes": [{"mem_mib", "cpus"} | {"ranges", "cpus"}], "distances"}`, src/sim/host.ts) is a valid
 * description; everything else here is an optional extension.
 *
 * parseDescription() checks the JSON and returns the typed form, with bigint addresses; sizes
 * without addresses stay sizes until ./layout.ts places them.
 */
import { UsageError, type Location } from "../errors.js";

/** QEMU machines: x86 q35 and pc (APIC/x2APIC CPUs), arm64 virt (GICC CPUs). */
export type Machine = "q35" | "pc" | "virt";
export const MACHINES: readonly Machine[] = ["q35", "pc", "virt"];

export interface DescRange {
  base: bigint;
  length: bigint;
  hotplug: boolean;
  nonvolatile: boolean;
  specificPurpose: boolean;
}

export type DescHandle =
  | { pci: { segment: number; bus: number; device: number; function: number } }
  | { acpi: { hid: string; uid: number } };

export interface DescNode {
  pxm: number;
  /**
   * A CPU count (ids chosen the way QEMU numbers them) or explicit ids: APIC/x2APIC ids on x86,
   * ACPI Processor UIDs of GICC structures on arm64 (virt).
   */
  cpus: number | number[];
  /** Write x2APIC structures (SRAT type 2, MADT type 9) even for ids below 255. */
  x2apic: boolean;
  /** RAM size to lay out (MiB), or explicit ranges. */
  memMib?: number;
  ranges?: DescRange[];
  /** A hot-plug window (MiB) laid out above all RAM. */
  hotplugMib?: number;
  /** HMAT: the initiator attached to this memory (the node itself when it has CPUs). */
  initiator?: number;
  genericInitiators: DescHandle[];
}

export type HmatMatrixKey = "access_latency_ns" | "read_latency_ns" | "write_latency_ns" | "access_bandwidth_mbps" | "read_bandwidth_mbps" | "write_bandwidth_mbps";
/** HMAT data types 0..5 (ACPI 6.5 Table 5.161), in that order. */
export const HMAT_MATRIX_KEYS: readonly HmatMatrixKey[] = ["access_latency_ns", "read_latency_ns", "write_latency_ns", "access_bandwidth_mbps", "read_bandwidth_mbps", "write_bandwidth_mbps"];

export type CacheAssociativity = "none" | "direct" | "complex";
export type CacheWritePolicy = "none" | "write-back" | "write-through";

export interface DescCache {
  /** Memory proximity domain the cache sits in front of. */
  pxm: number;
  size: bigint;
  level: number;
  totalLevels: number;
  associativity: CacheAssociativity;
  writePolicy: CacheWritePolicy;
  lineSize: number;
}

export interface DescHmat {
  /** Initiator PXMs (matrix rows); default: nodes with CPUs or generic initiators. */
  initiators?: number[];
  /** Target PXMs (matrix columns); default: nodes with memory. */
  targets?: number[];
  /** Matrices [initiator][target]; null = no data. */
  matrices: Partial<Record<HmatMatrixKey, (number | null)[][]>>;
  caches: DescCache[];
}

export type DescDistances =
  | { matrix: number[][] }
  | { local: number; remote: number }
  | { local: number; sameSocket: number; remote: number; sockets: number[] };

export interface Description {
  description?: string;
  machine?: Machine;
  smp?: { sockets: number; cores: number; threads: number };
  nodes: DescNode[];
  distances?: DescDistances;
  hmat?: DescHmat;
}

/** Limits that keep every table and search bounded (SLIT is N² bytes, APIC ids are 32-bit). */
export const MAX_NODES = 256;
export const MAX_PXM = 1023;
export const MAX_CPUS = 4096;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Reader {
  constructor(readonly loc: Location) {}

  fail(what: string, msg: string): never {
    throw new UsageError(`${what}: ${msg}`, this.loc, "E_DESC");
  }

  obj(v: unknown, what: string, allowed: readonly string[]): Obj {
    if (!isObj(v)) this.fail(what, "must be an object");
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(what, `unknown field "${k}" (allowed: ${allowed.join(", ")})`);
    return v;
  }

  uint(v: unknown, what: string, max: number, min = 0): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) this.fail(what, `must be an integer in ${min}..${max}`);
    return v;
  }

  bool(v: unknown, what: string): boolean {
    if (v === undefined) return false;
    if (typeof v !== "boolean") this.fail(what, "must be true or false");
    return v;
  }

  /** A byte address or size: a number or a "0x…" string (64-bit). */
  bytes(v: unknown, what: string): bigint {
    let n: bigint;
    if (typeof v === "string" && /^0x[0-9a-f]{1,16}$/i.test(v)) n = BigInt(v);
    else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
    else this.fail(what, "must be a byte count (a non-negative integer or a \"0x…\" string of at most 64 bits)");
    return n;
  }

  array(v: unknown, what: string, max: number): unknown[] {
    if (!Array.isArray(v)) this.fail(what, "must be an array");
    if (v.length > max) this.fail(what, `has ${v.length} entries, at most ${max} are allowed`);
    return v;
  }

  choice<T extends string>(v: unknown, what: string, choices: readonly T[]): T {
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) this.fail(what, `must be one of ${choices.join(", ")}`);
    return v as T;
  }
}

function parseRange(r: Reader, v: unknown, what: string): DescRange {
  const o = r.obj(v, what, ["base", "length", "hotplug", "nonvolatile", "specific_purpose"]);
  const base = r.bytes(o["base"], `${what}.base`);
  const length = r.bytes(o["length"], `${what}.length`);
  if (base + length > 1n << 64n) r.fail(what, "ends above 2^64");
  return { base, length, hotplug: r.bool(o["hotplug"], `${what}.hotplug`), nonvolatile: r.bool(o["nonvolatile"], `${what}.nonvolatile`), specificPurpose: r.bool(o["specific_purpose"], `${what}.specific_purpose`) };
}

function parseHandle(r: Reader, v: unknown, what: string): DescHandle {
  const o = r.obj(v, what, ["pci", "acpi"]);
  if (typeof o["pci"] === "string") {
    const m = /^(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i.exec(o["pci"]);
    if (m === null) r.fail(`${what}.pci`, "must be a PCI address \"[segment:]bus:device.function\" in hex, e.g. \"0000:01:00.0\"");
    const device = Number.parseInt(m[3] ?? "0", 16);
    if (device > 31) r.fail(`${what}.pci`, "device must be 00..1f");
    return { pci: { segment: Number.parseInt(m[1] ?? "0", 16), bus: Number.parseInt(m[2] ?? "0", 16), device, function: Number(m[4]) } };
  }
  if (o["acpi"] !== undefined) {
    const a = r.obj(o["acpi"], `${what}.acpi`, ["hid", "uid"]);
    const hid = a["hid"];
    if (typeof hid !== "string" || !/^[A-Z0-9]{7,8}$/.test(hid)) r.fail(`${what}.acpi.hid`, "must be an ACPI or PNP id of 7 or 8 upper-case letters and digits, e.g. \"ACPI0016\"");
    return { acpi: { hid, uid: r.uint(a["uid"] ?? 0, `${what}.acpi.uid`, 0xffffffff) } };
  }
  return r.fail(what, "give \"pci\": \"bus:device.function\" or \"acpi\": {\"hid\", \"uid\"}");
}

function parseNode(r: Reader, v: unknown, i: number): DescNode {
  const what = `nodes[${i}]`;
  const o = r.obj(v, what, ["pxm", "cpus", "x2apic", "mem_mib", "ranges", "hotplug_mib", "initiator", "generic_initiators"]);
  const node: DescNode = { pxm: r.uint(o["pxm"] ?? i, `${what}.pxm`, MAX_PXM), cpus: 0, x2apic: r.bool(o["x2apic"], `${what}.x2apic`), genericInitiators: [] };
  const cpus = o["cpus"] ?? 0;
  if (Array.isArray(cpus)) {
    node.cpus = r.array(cpus, `${what}.cpus`, MAX_CPUS).map((c, k) => r.uint(c, `${what}.cpus[${k}]`, 0xfffffffe));
  } else node.cpus = r.uint(cpus, `${what}.cpus`, MAX_CPUS);
  if (o["mem_mib"] !== undefined && o["ranges"] !== undefined) r.fail(what, "give mem_mib or ranges, not both");
  if (o["ranges"] !== undefined) node.ranges = r.array(o["ranges"], `${what}.ranges`, 64).map((x, k) => parseRange(r, x, `${what}.ranges[${k}]`));
  if (o["mem_mib"] !== undefined) node.memMib = r.uint(o["mem_mib"], `${what}.mem_mib`, 2 ** 32);
  if (o["hotplug_mib"] !== undefined) node.hotplugMib = r.uint(o["hotplug_mib"], `${what}.hotplug_mib`, 2 ** 32, 1);
  if (o["initiator"] !== undefined) node.initiator = r.uint(o["initiator"], `${what}.initiator`, MAX_PXM);
  if (o["generic_initiators"] !== undefined) node.genericInitiators = r.array(o["generic_initiators"], `${what}.generic_initiators`, 64).map((x, k) => parseHandle(r, x, `${what}.generic_initiators[${k}]`));
  return node;
}

function parseDistances(r: Reader, v: unknown, n: number): DescDistances {
  if (Array.isArray(v)) {
    const rows = r.array(v, "distances", n);
    if (rows.length !== n) r.fail("distances", `must be a ${n}x${n} matrix (one row per node, in node order)`);
    return {
      matrix: rows.map((row, i) => {
        const cells = r.array(row, `distances[${i}]`, n);
        if (cells.length !== n) r.fail(`distances[${i}]`, `must have ${n} entries`);
        return cells.map((d, j) => r.uint(d, `distances[${i}][${j}]`, 255, 10));
      }),
    };
  }
  const o = r.obj(v, "distances", ["local", "remote", "same_socket", "sockets"]);
  const local = r.uint(o["local"] ?? 10, "distances.local (a node's distance to itself is 10)", 10, 10);
  const remote = r.uint(o["remote"] ?? 20, "distances.remote", 255, 11);
  if (o["sockets"] === undefined) {
    if (o["same_socket"] !== undefined) r.fail("distances", "same_socket needs sockets (the socket of each node)");
    return { local, remote };
  }
  const sockets = r.array(o["sockets"], "distances.sockets", n).map((s, i) => r.uint(s, `distances.sockets[${i}]`, 4095));
  if (sockets.length !== n) r.fail("distances.sockets", `must name the socket of each of the ${n} nodes`);
  return { local, sameSocket: r.uint(o["same_socket"] ?? remote, "distances.same_socket", 255, 11), remote, sockets };
}

function parseCache(r: Reader, v: unknown, i: number): DescCache {
  const what = `hmat.caches[${i}]`;
  const o = r.obj(v, what, ["node", "size", "level", "total_levels", "associativity", "write_policy", "line_size"]);
  const level = r.uint(o["level"] ?? 1, `${what}.level`, 3, 1);
  return {
    pxm: r.uint(o["node"], `${what}.node (a memory PXM)`, MAX_PXM),
    size: r.bytes(o["size"], `${what}.size`),
    level,
    totalLevels: r.uint(o["total_levels"] ?? level, `${what}.total_levels`, 3, level),
    associativity: r.choice(o["associativity"] ?? "direct", `${what}.associativity`, ["none", "direct", "complex"] as const),
    writePolicy: r.choice(o["write_policy"] ?? "write-back", `${what}.write_policy`, ["none", "write-back", "write-through"] as const),
    lineSize: r.uint(o["line_size"] ?? 64, `${what}.line_size`, 0xffff),
  };
}

function parseHmat(r: Reader, v: unknown): DescHmat {
  const o = r.obj(v, "hmat", ["initiators", "targets", "caches", ...HMAT_MATRIX_KEYS]);
  const pxms = (x: unknown, what: string): number[] => r.array(x, what, MAX_NODES).map((p, i) => r.uint(p, `${what}[${i}]`, MAX_PXM));
  const h: DescHmat = { matrices: {}, caches: [] };
  if (o["initiators"] !== undefined) h.initiators = pxms(o["initiators"], "hmat.initiators");
  if (o["targets"] !== undefined) h.targets = pxms(o["targets"], "hmat.targets");
  for (const key of HMAT_MATRIX_KEYS) {
    if (o[key] === undefined) continue;
    h.matrices[key] = r.array(o[key], `hmat.${key}`, MAX_NODES).map((row, i) =>
      r.array(row, `hmat.${key}[${i}]`, MAX_NODES).map((x, j) => (x === null ? null : r.uint(x, `hmat.${key}[${i}][${j}]`, 0xffffffff, 1))));
  }
  if (o["caches"] !== undefined) h.caches = r.array(o["caches"], "hmat.caches", 64).map((c, i) => parseCache(r, c, i));
  return h;
}

function parseSmp(r: Reader, v: unknown): { sockets: number; cores: number; threads: number } {
  const o = r.obj(v, "smp", ["sockets", "cores", "threads"]);
  return { sockets: r.uint(o["sockets"] ?? 1, "smp.sockets", MAX_CPUS, 1), cores: r.uint(o["cores"] ?? 1, "smp.cores", MAX_CPUS, 1), threads: r.uint(o["threads"] ?? 1, "smp.threads", 64, 1) };
}

/** Check a description's JSON and return its typed form (UsageError naming the field otherwise). */
export function parseDescription(json: unknown, loc: Location = {}): Description {
  const r = new Reader(loc);
  const o = r.obj(json, "description", ["$schema", "description", "machine", "smp", "nodes", "distances", "hmat"]);
  const nodesJson = r.array(o["nodes"], "nodes", MAX_NODES);
  if (nodesJson.length === 0) r.fail("nodes", "must list at least one node");
  const d: Description = { nodes: nodesJson.map((n, i) => parseNode(r, n, i)) };
  if (o["description"] !== undefined) {
    const text = o["description"];
    d.description = typeof text === "string" ? text : r.fail("description", "must be a string");
  }
  if (o["machine"] !== undefined) d.machine = r.choice(o["machine"], "machine", MACHINES);
  if (o["smp"] !== undefined) d.smp = parseSmp(r, o["smp"]);
  if (o["distances"] !== undefined) d.distances = parseDistances(r, o["distances"], d.nodes.length);
  if (o["hmat"] !== undefined) d.hmat = parseHmat(r, o["hmat"]);
  checkConsistency(r, d);
  return d;
}

function checkConsistency(r: Reader, d: Description): void {
  const pxms = new Set<number>();
  d.nodes.forEach((n, i) => {
    if (pxms.has(n.pxm)) r.fail(`nodes[${i}].pxm`, `proximity domain ${n.pxm} is used by two nodes`);
    pxms.add(n.pxm);
  });
  d.nodes.forEach((n, i) => {
    const cpus = typeof n.cpus === "number" ? n.cpus : n.cpus.length;
    const memory = (n.memMib ?? 0) > 0 || (n.ranges ?? []).some((x) => x.length > 0n) || n.hotplugMib !== undefined;
    if (cpus === 0 && !memory && n.genericInitiators.length === 0) r.fail(`nodes[${i}]`, "has no CPUs, memory or generic initiators: the SRAT would not name proximity domain " + String(n.pxm));
  });
  const ids = new Set<number>();
  let count = 0;
  d.nodes.forEach((n, i) => {
    if (typeof n.cpus === "number") { count += n.cpus; return; }
    count += n.cpus.length;
    for (const id of n.cpus) {
      if (ids.has(id)) r.fail(`nodes[${i}].cpus`, `${d.machine === "virt" ? "GICC ACPI Processor UID" : "APIC id"} ${id} is listed twice`);
      ids.add(id);
    }
  });
  if (count > MAX_CPUS) r.fail("nodes", `describe ${count} CPUs, at most ${MAX_CPUS} are allowed`);
  const counted = d.nodes.some((n) => typeof n.cpus === "number" && n.cpus > 0);
  if (counted && ids.size > 0) r.fail("nodes", `give every node's cpus as a count or every node's as ${d.machine === "virt" ? "GICC ACPI Processor UIDs" : "APIC ids"}, not a mix`);
  const known = (p: number, what: string): void => { if (!pxms.has(p)) r.fail(what, `proximity domain ${p} is not a node`); };
  d.nodes.forEach((n, i) => { if (n.initiator !== undefined) known(n.initiator, `nodes[${i}].initiator`); });
  if (d.distances !== undefined && "matrix" in d.distances) {
    d.distances.matrix.forEach((row, i) => { row.forEach((x, j) => {
      if ((i === j) !== (x === 10)) r.fail(`distances[${i}][${j}]`, i === j ? "a node's distance to itself must be 10" : "a distance between two nodes must be more than 10 (Linux and Xen reject the SLIT otherwise)");
    }); });
  }
  const h = d.hmat;
  if (h === undefined) return;
  h.initiators?.forEach((p, i) => { known(p, `hmat.initiators[${i}]`); });
  h.targets?.forEach((p, i) => { known(p, `hmat.targets[${i}]`); });
  h.caches.forEach((c, i) => { known(c.pxm, `hmat.caches[${i}].node`); });
}
