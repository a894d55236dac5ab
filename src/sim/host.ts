/**
 * The simulator's view of a host: NUMA nodes with their RAM (as MFN ranges of 4 KiB pages), the
 * CPUs on each node, and the node distance matrix. This is deliberately small: the compact JSON
 * host spec of a scenario converts into it, and so does a decoded ACPI `Topology` (host-source.ts).
 *
 * Xen's own limits apply here because they shape what the hypervisor layer may assume:
 * node ids are `nodeid_t` (uint8) below MAX_NUMNODES (64, `CONFIG_NR_NUMA_NODES` default),
 * pages are 4 KiB (`PAGE_SHIFT` 12) and physical addresses have 52 bits (`PADDR_BITS`).
 */
import { UsageError, type Location } from "../errors.js";
import { slitMatrixRejection } from "../topology/distances.js";

import { PAGE_SHIFT, PAGE_SIZE, PAGES_PER_MIB } from "./units.js";
/** `CONFIG_NR_NUMA_NODES` default (xen/arch/Kconfig). */
export const MAX_NUMNODES = 64;
/** x86 `PADDR_BITS`; MFNs must stay below 2^(52-12). */
export const PADDR_BITS = 52;
export const MAX_MFN = 2 ** (PADDR_BITS - PAGE_SHIFT);
/** Xen's distance when there is no (valid) SLIT: 10 local, 20 remote (`__node_distance`). */
export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

/** A run of RAM pages [baseMfn, baseMfn + pages). */
export interface MemRange {
  baseMfn: number;
  pages: number;
}

export interface HostNode {
  /** Xen node id (dense, 0..nodes-1). */
  id: number;
  /** RAM ranges of this node, ascending, non-overlapping. May be empty (CPU-only node). */
  ranges: MemRange[];
  /** pCPU ids on this node. May be empty (memory-only node). */
  cpus: number[];
  /**
   * SMT threads per core (default 1). The node's CPUs are its cores' threads with siblings
   * adjacent (cpus[k] is thread k mod t of core ⌊k / t⌋), one socket per node: the compact
   * spec's convention, stated rather than guessed (docs/sim.md, "SMT").
   */
  threadsPerCore?: number;
}

export interface HostSpec {
  nodes: HostNode[];
  /** distances[i][j] = `__node_distance(i, j)`. */
  distances: number[][];
}

/** Pages of RAM present on a node. */
export function nodePresentPages(n: HostNode): number {
  return n.ranges.reduce((s, r) => s + r.pages, 0);
}

/**
 * Spanned pages of a node (`node_spanned_pages`): from the first range's start to the last
 * range's end, holes included. `numainfo.memsize` reports this, not present RAM.
 */
export function nodeSpannedPages(n: HostNode): number {
  const first = n.ranges[0];
  const last = n.ranges[n.ranges.length - 1];
  return first === undefined || last === undefined ? 0 : last.baseMfn + last.pages - first.baseMfn;
}

/** The pCPU -> node map, indexed by CPU id (undefined for ids that do not exist). */
export function cpuToNode(spec: HostSpec): (number | undefined)[] {
  const map: (number | undefined)[] = [];
  for (const n of spec.nodes) for (const c of n.cpus) map[c] = n.id;
  return map;
}


function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function uint(v: unknown, what: string, loc: Location, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new UsageError(`${what} must be an integer in 0..${max}`, loc, "E_SIM_HOST");
  }
  return v;
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], what: string, loc: Location): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new UsageError(`${what}: unknown field "${k}"`, loc, "E_SIM_HOST");
  }
}

/** Byte address/length of a range in the compact spec: a number or a "0x…" string (64-bit safe). */
function bytes(v: unknown, what: string, loc: Location): number {
  let n: number;
  if (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v)) n = Number.parseInt(v.slice(2), 16);
  else if (typeof v === "number") n = v;
  else throw new UsageError(`${what} must be a byte count (number or "0x…" string)`, loc, "E_SIM_HOST");
  if (!Number.isSafeInteger(n) || n < 0 || n % PAGE_SIZE !== 0) {
    throw new UsageError(`${what} must be a non-negative multiple of 4096`, loc, "E_SIM_HOST");
  }
  return n / PAGE_SIZE;
}

/**
 * Convert the compact host spec of a scenario:
 * `{"nodes": [{"mem_mib": n, "cpus": n} | {"ranges": [{"base", "length"}], "cpus": n}, …], "distances"?: [[…]]}`.
 * Node 0's memory starts at address 0 and each `mem_mib` node follows the previous node's end;
 * CPUs are numbered in node order. Missing distances default to Xen's 10/20.
 */
export function hostSpecFromCompact(json: unknown, loc: Location = {}): HostSpec {
  if (!isObject(json)) throw new UsageError("host must be an object", loc, "E_SIM_HOST");
  checkKeys(json, ["nodes", "distances"], "host", loc);
  const nodesJson = json["nodes"];
  if (!Array.isArray(nodesJson) || nodesJson.length === 0 || nodesJson.length > MAX_NUMNODES) {
    throw new UsageError(`host.nodes must be an array of 1..${MAX_NUMNODES} nodes`, loc, "E_SIM_HOST");
  }
  const nodes: HostNode[] = [];
  let nextMfn = 0;
  let nextCpu = 0;
  nodesJson.forEach((nj: unknown, id) => {
    const what = `host.nodes[${id}]`;
    if (!isObject(nj)) throw new UsageError(`${what} must be an object`, loc, "E_SIM_HOST");
    checkKeys(nj, ["mem_mib", "ranges", "cpus", "threads_per_core"], what, loc);
    const cpus = uint(nj["cpus"] ?? 0, `${what}.cpus`, loc, 4096);
    const tpc = nj["threads_per_core"] === undefined ? undefined : uint(nj["threads_per_core"], `${what}.threads_per_core`, loc, 8);
    if (tpc !== undefined && (tpc === 0 || cpus % tpc !== 0)) {
      throw new UsageError(`${what}.threads_per_core must be 1..8 and divide cpus (${cpus})`, loc, "E_SIM_HOST");
    }
    const ranges: MemRange[] = [];
    if (nj["ranges"] !== undefined) {
      if (nj["mem_mib"] !== undefined) throw new UsageError(`${what}: give mem_mib or ranges, not both`, loc, "E_SIM_HOST");
      const rj = nj["ranges"];
      if (!Array.isArray(rj)) throw new UsageError(`${what}.ranges must be an array`, loc, "E_SIM_HOST");
      rj.forEach((r: unknown, i) => {
        const rw = `${what}.ranges[${i}]`;
        if (!isObject(r)) throw new UsageError(`${rw} must be an object`, loc, "E_SIM_HOST");
        checkKeys(r, ["base", "length"], rw, loc);
        const base = bytes(r["base"], `${rw}.base`, loc);
        const pages = bytes(r["length"], `${rw}.length`, loc);
        if (pages > 0) ranges.push({ baseMfn: base, pages });
      });
      ranges.sort((a, b) => a.baseMfn - b.baseMfn);
    } else {
      const mib = uint(nj["mem_mib"] ?? 0, `${what}.mem_mib`, loc, 2 ** 32);
      if (mib > 0) ranges.push({ baseMfn: nextMfn, pages: mib * PAGES_PER_MIB });
    }
    const last = ranges[ranges.length - 1];
    if (last !== undefined) nextMfn = Math.max(nextMfn, last.baseMfn + last.pages);
    const node: HostNode = { id, ranges, cpus: Array.from({ length: cpus }, (_, k) => nextCpu + k) };
    if (tpc !== undefined && tpc > 1) node.threadsPerCore = tpc;
    nodes.push(node);
    nextCpu += cpus;
  });
  const spec: HostSpec = { nodes, distances: parseDistances(json["distances"], nodes.length, loc) };
  validateHostSpec(spec, loc);
  return spec;
}

/** Xen's distances without a (valid) SLIT: `__node_distance()` with `acpi_slit` NULL. */
function defaultDistances(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
}

/**
 * The compact spec's `distances` are the host's SLIT, bytes as the firmware gives them; the result
 * is what Xen makes of them (`__node_distance()`), as for a host built from ACPI tables:
 * `acpi_numa_slit_init()` keeps the SLIT only when `slit_valid()` holds (every diagonal entry 10,
 * every other one above 10; xen/arch/x86/srat.c), else Xen prints "SLIT table looks invalid. Not
 * used." and every distance is 10/20. A kept SLIT has no entry 0..9, so `__node_distance()`'s
 * NUMA_NO_DISTANCE comes only from 0xff (unreachable), which numainfo reports as ~0U.
 */
function parseDistances(v: unknown, n: number, loc: Location): number[][] {
  if (v === undefined) return defaultDistances(n);
  if (!Array.isArray(v) || v.length !== n) throw new UsageError(`host.distances must be a ${n}x${n} matrix`, loc, "E_SIM_HOST");
  const slit = v.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new UsageError(`host.distances must be a ${n}x${n} matrix`, loc, "E_SIM_HOST");
    return row.map((d: unknown, j) => uint(d, `host.distances[${i}][${j}]`, loc, 255));
  });
  return slitMatrixRejection(n, (i, j) => slit[i]?.[j] ?? 0) === undefined ? slit : defaultDistances(n);
}

/** Checks every HostSpec must pass, whatever its source: the hypervisor layer relies on them. */
export function validateHostSpec(spec: HostSpec, loc: Location = {}): void {
  const all: { node: number; r: MemRange }[] = [];
  const cpus = new Set<number>();
  spec.nodes.forEach((n, i) => {
    if (n.id !== i) throw new UsageError(`host node ${i} has id ${n.id}; node ids must be dense from 0`, loc, "E_SIM_HOST");
    for (const r of n.ranges) {
      if (!Number.isSafeInteger(r.baseMfn) || !Number.isSafeInteger(r.pages) || r.baseMfn < 0 || r.pages <= 0 || r.baseMfn + r.pages > MAX_MFN) {
        throw new UsageError(`host node ${i}: memory range outside the 52-bit physical address space`, loc, "E_SIM_HOST");
      }
      all.push({ node: i, r });
    }
    for (const c of n.cpus) {
      if (cpus.has(c)) throw new UsageError(`host: CPU ${c} is on two nodes`, loc, "E_SIM_HOST");
      cpus.add(c);
    }
  });
  // NR_NODE_MEMBLKS: Xen keeps at most 2 × MAX_NUMNODES memory blocks.
  if (all.length > 2 * MAX_NUMNODES) throw new UsageError(`host: more than ${2 * MAX_NUMNODES} memory ranges`, loc, "E_SIM_HOST");
  all.sort((a, b) => a.r.baseMfn - b.r.baseMfn);
  for (let k = 1; k < all.length; k++) {
    const p = all[k - 1];
    const c = all[k];
    if (p !== undefined && c !== undefined && p.r.baseMfn + p.r.pages > c.r.baseMfn) {
      throw new UsageError(`host: memory of node ${p.node} overlaps memory of node ${c.node}`, loc, "E_SIM_HOST");
    }
  }
  if (cpus.size === 0) throw new UsageError("host: at least one node needs CPUs", loc, "E_SIM_HOST");
  if (all.length === 0) throw new UsageError("host: no memory on any node", loc, "E_SIM_HOST");
}


/** One entry of XEN_SYSCTL_cputopoinfo (`xen_sysctl_cputopo`): core and socket ids, node. */
export interface CpuTopo {
  core: number;
  socket: number;
  node: number;
}

/**
 * Per pCPU id (dense array; CPUs not on any node are absent as `undefined`): its core, socket and
 * node under the HostNode convention (siblings adjacent, one socket per node). Core ids count
 * within the socket, as Xen's `cpu_core_id` does.
 */
export function cpuTopology(spec: HostSpec): (CpuTopo | undefined)[] {
  const out: (CpuTopo | undefined)[] = [];
  for (const n of spec.nodes) {
    const t = n.threadsPerCore ?? 1;
    n.cpus.forEach((cpu, k) => { out[cpu] = { core: Math.floor(k / t), socket: n.id, node: n.id }; });
  }
  return out;
}
