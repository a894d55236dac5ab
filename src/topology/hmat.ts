/**
 * HMAT, normalised as Linux does (drivers/acpi/numa/hmat.c): latencies in ns and bandwidths in
 * MB/s for every initiator→target pair, memory-side caches, and whether Linux uses the table.
 */
import { HMAT_ATTRIBUTES_LENGTH, HMAT_CACHE_ATTRIBUTES, HMAT_LOCALITY_FLAGS, hmatLocalityLength } from "../acpi/tables/hmat.js";
import { bitValue } from "../acpi/layout/types.js";
import type { EntryLocation, HmatCache, HmatEntry, HmatLocality, HmatMemoryAttributes } from "../acpi/views.js";
import { hex } from "../util/hex.js";

export const HMAT_DATA_KEYS = ["accessLatencyNs", "readLatencyNs", "writeLatencyNs", "accessBandwidthMBps", "readBandwidthMBps", "writeBandwidthMBps"] as const;
export type HmatDataKey = (typeof HMAT_DATA_KEYS)[number];

export interface HmatPair {
  initiatorPxm: number;
  targetPxm: number;
  /** Node ids under the topology's numbering (absent when the PXM has no node). */
  initiator?: number;
  target?: number;
  /** Memory hierarchy: 0 memory, 1..3 memory-side cache level (revision 2 meaning). */
  hierarchy: number;
  values: Partial<Record<HmatDataKey, number>>;
}

export interface HmatCacheInfo {
  memoryPxm: number;
  node?: number;
  size: bigint;
  totalLevels: number;
  level: number;
  associativity: string;
  writePolicy: string;
  lineSize: number;
  addressMode: number;
  smbiosHandles: number[];
  at: EntryLocation;
}

export interface HmatMemoryInfo {
  memoryPxm: number;
  node?: number;
  /** The attached initiator, when flags bit 0 says the field is valid. */
  initiatorPxm?: number;
  initiator?: number;
  at: EntryLocation;
}

export interface HmatModel {
  revision: number;
  memory: HmatMemoryInfo[];
  pairs: HmatPair[];
  caches: HmatCacheInfo[];
  /** Linux's verdict: it ignores the whole HMAT when one structure is invalid. */
  linuxUses: boolean;
  linuxReason?: string;
  /** What Linux's parser keeps of the table (not in the JSON: `memory`, `pairs`, `caches` say what the firmware wrote). */
  linux: HmatLinuxState;
}

/** drivers/acpi/numa/hmat.c's state after hmat_init() parsed the table. */
export interface HmatLinuxState {
  /**
   * target->processor_pxm per memory PXM (hmat_parse_proximity_domain(), 6.1–6.12): every
   * Memory Proximity Domain Attributes structure is parsed, all before any locality structure, and
   * the last one with a valid attached initiator sets it; a revision-1 structure whose Memory PD
   * Valid flag is clear looks no target up, so it sets nothing (and its initiator is not checked).
   */
  processorPxm: Map<number, number>;
  /**
   * localities_types[] (hmat_add_locality()), indexed by enum locality_types (WRITE_LATENCY,
   * READ_LATENCY, WRITE_BANDWIDTH, READ_BANDWIDTH): the last memory-hierarchy locality structure
   * of each kind; an access latency/bandwidth structure fills both of its slots. The best-initiator
   * search reads only these (hmat_initiator_perf()), not the union of every structure.
   */
  localityTypes: (HmatLocality | undefined)[];
  /**
   * target->coord[] of each memory PXM with a processor_pxm, as hmat_parse_locality() leaves it:
   * hmat_update_target() writes every cell of every memory-hierarchy structure from that
   * initiator, in table order, 0 ("no data") included, by the structure's data type.
   */
  attachedCoord: Map<number, HmatCoord>;
  /** Whether Linux's localities list has an entry: a memory-hierarchy locality structure of any data type. */
  hasMemoryLocalities: boolean;
  /** alloc_memory_initiator(): the initiator PXMs of every locality structure that have a node, ascending (initiator_cmp). */
  initiators: number[];
}

/** struct access_coordinate: 0 is "no value", as in Linux. */
export interface HmatCoord { readLatency: number; writeLatency: number; readBandwidth: number; writeBandwidth: number }

/** hmat_update_target_access(): a value of data type `dataType` into `c`. */
export function updateCoord(c: HmatCoord, dataType: number, value: number): void {
  switch (dataType) {
    case 0: c.readLatency = value; c.writeLatency = value; break;
    case 1: c.readLatency = value; break;
    case 2: c.writeLatency = value; break;
    case 3: c.readBandwidth = value; c.writeBandwidth = value; break;
    case 4: c.readBandwidth = value; break;
    case 5: c.writeBandwidth = value; break;
    default: break;
  }
}

/** enum locality_types slots a data type fills (hmat_add_locality()). */
const LOCALITY_SLOTS: Record<number, number[]> = { 0: [0, 1], 1: [1], 2: [0], 3: [2, 3], 4: [3], 5: [2] };

/** The memory-hierarchy locality structures' part of HmatLinuxState, once processor_pxm is known (Linux parses every type-0 structure first). */
function linuxLocalities(localities: readonly HmatLocality[], revision: number, processorPxm: ReadonlyMap<number, number>, nodeOf: (pxm: number) => number | undefined): Omit<HmatLinuxState, "processorPxm"> {
  const localityTypes: (HmatLocality | undefined)[] = [undefined, undefined, undefined, undefined];
  const attachedCoord = new Map<number, HmatCoord>();
  const initiators = new Set<number>();
  let hasMemoryLocalities = false;
  for (const l of localities) {
    for (const p of l.initiatorProximityDomainList) if (nodeOf(p) !== undefined) initiators.add(p);
    if (bitValue(l.flags, HMAT_LOCALITY_FLAGS.memoryHierarchy) !== 0) continue;
    hasMemoryLocalities = true;
    for (const slot of LOCALITY_SLOTS[l.dataType] ?? []) localityTypes[slot] = l;
    const inits = l.initiatorProximityDomainList;
    const targets = l.targetProximityDomainList;
    for (let j = 0; j < targets.length; j++) {
      const tpxm = targets[j] as number;
      const p = processorPxm.get(tpxm);
      if (p === undefined) continue;
      for (let i = 0; i < inits.length; i++) {
        if (inits[i] !== p) continue;
        const raw = l.entries[i * targets.length + j];
        if (raw === undefined) continue;
        let c = attachedCoord.get(tpxm);
        if (c === undefined) { c = { readLatency: 0, writeLatency: 0, readBandwidth: 0, writeBandwidth: 0 }; attachedCoord.set(tpxm, c); }
        updateCoord(c, l.dataType, hmatNormalize(raw, l.entryBaseUnit, l.dataType, revision) ?? 0);
      }
    }
  }
  return { localityTypes, attachedCoord, hasMemoryLocalities, initiators: [...initiators].sort((a, b) => a - b) };
}

/**
 * hmat_normalize(): 0 and 0xFFFF mean "no data"; a product above u32 is dropped; revision 1 is in
 * 10-unit steps for both kinds; revision 2 latencies are picoseconds → ns (rounded up),
 * bandwidths already MB/s. Returns undefined for "no data".
 */
export function hmatNormalize(entry: number, base: bigint, dataType: number, revision: number): number | undefined {
  if (entry === 0 || entry === 0xffff) return undefined;
  // Linux's `base > UINT_MAX / entry` is entry × base > UINT_MAX: any base of 2^32 or more, and
  // below that the product (under 2^48) is exact as a double, with no BigInt per cell (the 4 M
  // cells of a 2048 × 2048 structure spent seconds in them).
  if (base > 0xffffffffn) return undefined;
  let value = entry * Number(base);
  if (value > 0xffffffff) return undefined;
  if (revision === 1) {
    if (value < 10) return undefined;
    value = Math.ceil(value / 10);
  } else if (revision === 2 && dataType <= 2) {
    value = Math.ceil(value / 1000);
  }
  return value;
}

const ASSOCIATIVITY: Record<number, string> = { 0: "none", 1: "direct-mapped", 2: "complex" };
const WRITE_POLICY: Record<number, string> = { 0: "none", 1: "write-back", 2: "write-through" };

function cacheInfo(c: HmatCache): HmatCacheInfo {
  const a = c.cacheAttributes;
  const assoc = bitValue(a, HMAT_CACHE_ATTRIBUTES.cacheAssociativity);
  const policy = bitValue(a, HMAT_CACHE_ATTRIBUTES.writePolicy);
  return {
    memoryPxm: c.memoryProximityDomain, size: c.memorySideCacheSize,
    totalLevels: bitValue(a, HMAT_CACHE_ATTRIBUTES.totalCacheLevels), level: bitValue(a, HMAT_CACHE_ATTRIBUTES.cacheLevel),
    associativity: ASSOCIATIVITY[assoc] ?? `reserved (${assoc})`,
    writePolicy: WRITE_POLICY[policy] ?? `reserved (${policy})`,
    lineSize: bitValue(a, HMAT_CACHE_ATTRIBUTES.cacheLineSize), addressMode: c.addressMode, smbiosHandles: c.smbiosHandles, at: c.at,
  };
}

/**
 * The most (hierarchy, initiator, target) pairs the model keeps: 2^20, a 1024 × 1024 matrix
 * (Linux has at most MAX_NUMNODES = 1024 nodes). Each pair is an object a report, a diff and JSON
 * carry, and a 256 MiB HMAT may list 128 M cells: past the limit they are counted, not kept
 * (HMAT_TOO_MANY_PAIRS), so memory stays bounded.
 */
export const MAX_HMAT_PAIRS = 1 << 20;

/**
 * HMAT pairs are found by a row key, hierarchy × 2^32 + initiator PXM (hierarchy < 16, 4 flag
 * bits; PXMs u32: exact below 2^36), then by target PXM: numeric keys, no string per cell (a
 * 2048 × 2048 structure built 4 M key strings, most of its 39 s; the report and diff alike).
 */
export const HMAT_ROW_SPAN = 0x100000000;
export type HmatPairRows = Map<number, Map<number, HmatPair>>;

export function hmatRowKey(hierarchy: number, initiatorPxm: number): number {
  return hierarchy * HMAT_ROW_SPAN + initiatorPxm;
}

/** The row of `rowKey` in `rows`, made on first sight. */
function rowOf(rows: HmatPairRows, rowKey: number): Map<number, HmatPair> {
  let row = rows.get(rowKey);
  if (row === undefined) { row = new Map(); rows.set(rowKey, row); }
  return row;
}

/** `pairs` by row key, then target PXM, each PXM through `pxm` (another host's numbering); a later pair replaces an earlier one. */
export function indexHmatPairs(pairs: readonly HmatPair[], pxm: (p: number) => number = (p) => p): HmatPairRows {
  const rows: HmatPairRows = new Map();
  for (const p of pairs) rowOf(rows, hmatRowKey(p.hierarchy, pxm(p.initiatorPxm))).set(pxm(p.targetPxm), p);
  return rows;
}

/** The pairs of every locality structure, in first-seen order, each with its node ids. */
class PairIndex {
  readonly list: HmatPair[] = [];
  /** Cells of locality structures whose pair would have passed MAX_HMAT_PAIRS. */
  dropped = 0;
  private readonly rows: HmatPairRows = new Map();

  constructor(private readonly nodeOf: (pxm: number) => number | undefined) {}

  /** The pair, made (and listed) on first sight; undefined past MAX_HMAT_PAIRS (counted in `dropped`). */
  get(hierarchy: number, ipxm: number, tpxm: number): HmatPair | undefined {
    const row = rowOf(this.rows, hmatRowKey(hierarchy, ipxm));
    let p = row.get(tpxm);
    if (p === undefined) {
      if (this.list.length === MAX_HMAT_PAIRS) { this.dropped++; return undefined; }
      p = withNodes(ipxm, tpxm, hierarchy, this.nodeOf(ipxm), this.nodeOf(tpxm));
      row.set(tpxm, p);
      this.list.push(p);
    }
    return p;
  }
}

function localityPairs(l: HmatLocality, revision: number, into: PairIndex): void {
  const key = HMAT_DATA_KEYS[l.dataType];
  if (key === undefined) return;
  const hierarchy = bitValue(l.flags, HMAT_LOCALITY_FLAGS.memoryHierarchy);
  const inits = l.initiatorProximityDomainList;
  const targets = l.targetProximityDomainList;
  const t = targets.length;
  // Only initiators whose row of entries is present (the engine clamps lying counts to the bytes).
  const rows = t === 0 ? 0 : Math.min(inits.length, Math.ceil(l.entries.length / t));
  for (let i = 0; i < rows; i++) {
    const ipxm = inits[i] as number;
    for (let j = 0; j < t; j++) {
      const raw = l.entries[i * t + j];
      if (raw === undefined) continue;
      const v = hmatNormalize(raw, l.entryBaseUnit, l.dataType, revision);
      const p = into.get(hierarchy, ipxm, targets[j] as number);
      if (p !== undefined && v !== undefined) p.values[key] = v;
    }
  }
}

/** Linux's acceptance of one structure (hmat_parse_proximity_domain / _locality / _cache). */
function linuxRejects(e: HmatEntry, revision: number, memoryPxms: ReadonlySet<number>, hasNode: (pxm: number) => boolean): string | undefined {
  if (e.type === 0) {
    if (e.declaredLength !== HMAT_ATTRIBUTES_LENGTH) return `Memory Proximity Domain Attributes at ${hex(e.at.offset, 0, { lower: true })} has length ${e.declaredLength}, not ${HMAT_ATTRIBUTES_LENGTH}`;
    if (e.memoryValid && !memoryPxms.has(e.memoryProximityDomain)) return `memory proximity domain ${e.memoryProximityDomain} has no enabled SRAT memory range`;
    // Revision 1 without Memory PD Valid: no target, so the initiator is not checked either.
    if (e.memoryValid && e.initiatorValid && !hasNode(e.attachedInitiatorProximityDomain)) return `initiator proximity domain ${e.attachedInitiatorProximityDomain} has no node`;
  } else if (e.type === 1) {
    const need = hmatLocalityLength(e.initiatorProximityDomainsCount, e.targetProximityDomainsCount);
    if (e.declaredLength < need) return `locality structure at ${hex(e.at.offset, 0, { lower: true })} has length ${e.declaredLength}, needs ${need}`;
  }
  return undefined;
}

/**
 * `dropped`: told the number of cells whose pair was not kept (past MAX_HMAT_PAIRS), if any.
 */
export function buildHmat(entries: readonly HmatEntry[], revision: number, memoryPxms: ReadonlySet<number>, nodeOf: (pxm: number) => number | undefined, sratUsable: boolean,
  dropped?: (cells: number) => void): HmatModel {
  const pairs = new PairIndex(nodeOf);
  const memory: HmatMemoryInfo[] = [];
  const caches: HmatCacheInfo[] = [];
  let linuxReason: string | undefined = revision === 1 || revision === 2 ? undefined : `unknown revision ${revision} (Linux knows 1 and 2)`;
  if (!sratUsable) linuxReason ??= "Linux does not use the SRAT, and HMAT needs it";
  const processorPxm = new Map<number, number>();
  const localities: HmatLocality[] = [];
  for (const e of entries) {
    linuxReason ??= linuxRejects(e, revision, memoryPxms, (p) => nodeOf(p) !== undefined);
    if (e.type === 0) {
      memory.push(memoryInfo(e, nodeOf));
      // memoryValid is the revision-1 flag (always true from revision 2): `(hmat_revision == 1 &&
      // p->flags & ACPI_HMAT_MEMORY_PD_VALID) || hmat_revision > 1`.
      if (e.memoryValid && e.initiatorValid && memoryPxms.has(e.memoryProximityDomain)) processorPxm.set(e.memoryProximityDomain, e.attachedInitiatorProximityDomain);
    }
    else if (e.type === 1) { localityPairs(e, revision, pairs); localities.push(e); }
    else caches.push(withNode(cacheInfo(e), nodeOf(e.memoryProximityDomain)));
  }
  const model: HmatModel = {
    revision, memory, caches, linuxUses: linuxReason === undefined,
    pairs: pairs.list, linux: { processorPxm, ...linuxLocalities(localities, revision, processorPxm, nodeOf) },
  };
  if (linuxReason !== undefined) model.linuxReason = linuxReason;
  if (pairs.dropped > 0) dropped?.(pairs.dropped);
  return model;
}

/**
 * A new pair with its node ids, keys in the order the JSON has them (initiator, target, then the
 * PXMs). Made so once: copying each pair with its node ids added after the walk (three spreads a
 * pair) took 245 ms of a 256-node HMAT's 131 072 pairs.
 */
function withNodes(initiatorPxm: number, targetPxm: number, hierarchy: number, i: number | undefined, t: number | undefined): HmatPair {
  const values = {};
  if (i !== undefined && t !== undefined) return { initiator: i, target: t, initiatorPxm, targetPxm, hierarchy, values };
  if (i !== undefined) return { initiator: i, initiatorPxm, targetPxm, hierarchy, values };
  if (t !== undefined) return { target: t, initiatorPxm, targetPxm, hierarchy, values };
  return { initiatorPxm, targetPxm, hierarchy, values };
}

function withNode<T extends object>(x: T, node: number | undefined): T & { node?: number } {
  return node === undefined ? x : { ...x, node };
}

function memoryInfo(e: HmatMemoryAttributes, nodeOf: (pxm: number) => number | undefined): HmatMemoryInfo {
  const m: HmatMemoryInfo = withNode({ memoryPxm: e.memoryProximityDomain, at: e.at }, nodeOf(e.memoryProximityDomain));
  if (e.initiatorValid) {
    m.initiatorPxm = e.attachedInitiatorProximityDomain;
    const n = nodeOf(e.attachedInitiatorProximityDomain);
    if (n !== undefined) m.initiator = n;
  }
  return m;
}
