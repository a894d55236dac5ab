/**
 * What changed between two hosts' NUMA descriptions, in the terms the OS builds: nodes (matched
 * by PXM, then by content when PXMs were renumbered), CPUs moved, memory ranges added, removed,
 * resized or moved, distances cell by cell, HMAT values, findings, verdicts; then table headers.
 * A pure function of two analyses (schema/diff.schema.json).
 */
import type { Analysis } from "../analyse.js";
import type { Severity } from "../diagnostics.js";
import { HMAT_DATA_KEYS, HMAT_ROW_SPAN, indexHmatPairs, type HmatDataKey, type HmatPair } from "../topology/hmat.js";
import type { Cpu, CpuKind, DistanceSource, MemoryRange, Topology, TopologyNode } from "../topology/model.js";
import { hex } from "../util/hex.js";
import { plural } from "../util/plural.js";

export const DIFF_SCHEMA_VERSION = 1;

/** A node on one side: its id under the chosen numbering and its proximity domain. */
export interface NodeRef { id: number; pxm: number }
export interface NodeSummary extends NodeRef { cpus: number; memoryBytes: number }
export interface NodeRenumbered { a: NodeRef; b: NodeRef; matchedBy: "pxm" | "content" }
export interface CpuRef { kind: CpuKind; id: number }
/** `null`: the CPU has no SRAT entry (the OS guesses its node). */
export interface CpuMove { cpu: CpuRef; a: NodeRef | null; b: NodeRef | null }
export interface CpuPresence { cpu: CpuRef; node: NodeRef | null }
export interface RangeRef { base: string; length: string; node: NodeRef }
export interface RangeResize { base: string; a: string; b: string; node: NodeRef }
export interface RangeMove { base: string; length: string; a: NodeRef; b: NodeRef }
export interface DistanceChange { from: NodeRef; to: NodeRef; a: number; b: number }
/** HMAT nodes are named by the B side's PXM (A's mapped through the node matching). */
export interface HmatChange { initiatorPxm: number; targetPxm: number; hierarchy: number; key: HmatDataKey; a: number | null; b: number | null }
export interface FindingChange { code: string; severity: Severity; a: number; b: number }
export interface VerdictChange { os: "linux" | "xen"; field: "nodes" | "usesSrat" | "usesSlit" | "usesHmat"; a: number | boolean | null; b: number | boolean | null }
export interface TableChange { signature: string; field: "present" | "revision" | "oemId" | "oemTableId" | "oemRevision" | "checksum" | "length"; a: string | number | boolean; b: string | number | boolean }

export interface TopologyDiff {
  schemaVersion: typeof DIFF_SCHEMA_VERSION;
  a: string;
  b: string;
  /** No difference in what the OS builds (table headers may still differ). */
  identical: boolean;
  summary: string;
  nodes: { added: NodeSummary[]; removed: NodeSummary[]; renumbered: NodeRenumbered[] };
  cpus: { moved: CpuMove[]; added: CpuPresence[]; removed: CpuPresence[] };
  memory: { added: RangeRef[]; removed: RangeRef[]; resized: RangeResize[]; moved: RangeMove[] };
  distances: { source: { a: DistanceSource; b: DistanceSource } | null; changed: DistanceChange[] };
  hmat: { present: { a: boolean; b: boolean } | null; changed: HmatChange[] };
  findings: FindingChange[];
  verdicts: VerdictChange[];
  tables: TableChange[];
}

const ref = (n: TopologyNode): NodeRef => ({ id: n.id, pxm: n.pxm });
const cpuKey = (c: Cpu): string => `${c.kind}:${c.id}`;
const cpuRef = (c: Cpu): CpuRef => ({ kind: c.kind, id: c.id });

/** How much two nodes share: CPUs and memory ranges (by base address). */
function overlap(a: TopologyNode, b: TopologyNode): number {
  const cpus = new Set(a.cpus.map(cpuKey));
  const bases = new Set(a.memory.map((r) => r.base));
  return b.cpus.filter((c) => cpus.has(cpuKey(c))).length + b.memory.filter((r) => bases.has(r.base)).length;
}

const empty = (n: TopologyNode): boolean => n.cpus.length === 0 && n.memory.length === 0;

/**
 * Not a PXM only a Generic Port names (kind "generic-port"): numakit lists those so no firmware
 * fact is lost, but they are no node in Linux or Xen, so the diff neither matches nor counts them
 * (their HMAT values and findings still show).
 */
const isOsNode = (n: TopologyNode): boolean => n.kind !== "generic-port";

/**
 * Pairs A's nodes with B's (Generic-Port-only PXMs left out). First by PXM where the two share content (or either has none);
 * then by the most shared content (PXMs renumbered: shifted, swapped); then by PXM alone (a node
 * whose content all moved); what is left was added or removed.
 */
export function matchNodes(a: Topology, b: Topology): { pairs: [TopologyNode, TopologyNode, "pxm" | "content"][]; removed: TopologyNode[]; added: TopologyNode[] } {
  const pairs: [TopologyNode, TopologyNode, "pxm" | "content"][] = [];
  const freeA = new Set(a.nodes.filter(isOsNode));
  const freeB = new Set(b.nodes.filter(isOsNode));
  const take = (x: TopologyNode, y: TopologyNode, by: "pxm" | "content"): void => { pairs.push([x, y, by]); freeA.delete(x); freeB.delete(y); };
  const byPxm = (strict: boolean): void => {
    for (const x of [...freeA]) {
      const y = [...freeB].find((n) => n.pxm === x.pxm);
      if (y !== undefined && (!strict || empty(x) || empty(y) || overlap(x, y) > 0)) take(x, y, "pxm");
    }
  };
  byPxm(true);
  for (;;) {
    let best: [TopologyNode, TopologyNode, number] | undefined;
    for (const x of freeA) for (const y of freeB) {
      const s = overlap(x, y);
      if (s > 0 && (best === undefined || s > best[2])) best = [x, y, s];
    }
    if (best === undefined) break;
    take(best[0], best[1], "content");
  }
  byPxm(false);
  return { pairs, removed: [...freeA], added: [...freeB] };
}

function summaryOf(n: TopologyNode): NodeSummary {
  return { ...ref(n), cpus: n.cpus.length, memoryBytes: Number(n.memoryBytes) };
}

/** Every CPU with its node (null: not in the SRAT). */
function cpuHomes(t: Topology): Map<string, { cpu: Cpu; node: TopologyNode | null }> {
  const m = new Map<string, { cpu: Cpu; node: TopologyNode | null }>();
  for (const n of t.nodes) for (const c of n.cpus) m.set(cpuKey(c), { cpu: c, node: n });
  for (const c of t.unplacedCpus) if (!m.has(cpuKey(c))) m.set(cpuKey(c), { cpu: c, node: null });
  return m;
}

function rangeHomes(t: Topology): Map<bigint, { range: MemoryRange; node: TopologyNode }> {
  const m = new Map<bigint, { range: MemoryRange; node: TopologyNode }>();
  for (const n of t.nodes) for (const r of n.memory) if (!m.has(r.base)) m.set(r.base, { range: r, node: n });
  return m;
}

function diffCpus(a: Topology, b: Topology, match: Map<TopologyNode, TopologyNode>): TopologyDiff["cpus"] {
  const ha = cpuHomes(a);
  const hb = cpuHomes(b);
  const out: TopologyDiff["cpus"] = { moved: [], added: [], removed: [] };
  for (const [k, x] of ha) {
    const y = hb.get(k);
    if (y === undefined) { out.removed.push({ cpu: cpuRef(x.cpu), node: x.node === null ? null : ref(x.node) }); continue; }
    const expected = x.node === null ? null : match.get(x.node) ?? undefined;
    if (expected !== y.node) out.moved.push({ cpu: cpuRef(x.cpu), a: x.node === null ? null : ref(x.node), b: y.node === null ? null : ref(y.node) });
  }
  for (const [k, y] of hb) if (!ha.has(k)) out.added.push({ cpu: cpuRef(y.cpu), node: y.node === null ? null : ref(y.node) });
  return out;
}

function diffMemory(a: Topology, b: Topology, match: Map<TopologyNode, TopologyNode>): TopologyDiff["memory"] {
  const ha = rangeHomes(a);
  const hb = rangeHomes(b);
  const out: TopologyDiff["memory"] = { added: [], removed: [], resized: [], moved: [] };
  const rr = (r: MemoryRange, n: TopologyNode): RangeRef => ({ base: hex(r.base), length: hex(r.length), node: ref(n) });
  for (const [base, x] of ha) {
    const y = hb.get(base);
    if (y === undefined) { out.removed.push(rr(x.range, x.node)); continue; }
    if (match.get(x.node) !== y.node) out.moved.push({ base: hex(base), length: hex(y.range.length), a: ref(x.node), b: ref(y.node) });
    if (x.range.length !== y.range.length) out.resized.push({ base: hex(base), a: hex(x.range.length), b: hex(y.range.length), node: ref(y.node) });
  }
  for (const [base, y] of hb) if (!ha.has(base)) out.added.push(rr(y.range, y.node));
  return out;
}

function diffDistances(a: Topology, b: Topology, pairs: readonly [TopologyNode, TopologyNode, unknown][]): TopologyDiff["distances"] {
  const changed: DistanceChange[] = [];
  const ia = new Map(a.nodes.map((n, i) => [n, i]));
  const ib = new Map(b.nodes.map((n, i) => [n, i]));
  for (const [fa, fb] of pairs) for (const [ta, tb] of pairs) {
    const va = a.distances.matrix[ia.get(fa) ?? -1]?.[ia.get(ta) ?? -1];
    const vb = b.distances.matrix[ib.get(fb) ?? -1]?.[ib.get(tb) ?? -1];
    if (va !== undefined && vb !== undefined && va !== vb) changed.push({ from: ref(fb), to: ref(tb), a: va, b: vb });
  }
  changed.sort((x, y) => x.from.id - y.from.id || x.to.id - y.to.id);
  const source = a.distances.source === b.distances.source ? null : { a: a.distances.source, b: b.distances.source };
  return { source, changed };
}

function diffHmat(a: Topology, b: Topology, pxmMap: Map<number, number>): TopologyDiff["hmat"] {
  const present = (a.hmat !== undefined) === (b.hmat !== undefined) ? null : { a: a.hmat !== undefined, b: b.hmat !== undefined };
  // A's PXMs mapped to B's (indexHmatPairs: numeric keys; a string per pair made two 2048 × 2048 HMATs take 35 s).
  const pa = indexHmatPairs(a.hmat?.pairs ?? [], (x) => pxmMap.get(x) ?? x);
  const pb = indexHmatPairs(b.hmat?.pairs ?? []);
  const changed: HmatChange[] = [];
  const compare = (rowKey: number, targetPxm: number, x: HmatPair | undefined, y: HmatPair | undefined): void => {
    const hierarchy = Math.floor(rowKey / HMAT_ROW_SPAN);
    const initiatorPxm = rowKey % HMAT_ROW_SPAN;
    for (const dk of HMAT_DATA_KEYS) {
      const va = x?.values[dk] ?? null;
      const vb = y?.values[dk] ?? null;
      if (va !== vb) changed.push({ initiatorPxm, targetPxm, hierarchy, key: dk, a: va, b: vb });
    }
  };
  for (const [rowKey, row] of pa) {
    const other = pb.get(rowKey);
    for (const [t, x] of row) compare(rowKey, t, x, other?.get(t));
  }
  for (const [rowKey, row] of pb) {
    const other = pa.get(rowKey);
    for (const [t, y] of row) if (other?.get(t) === undefined) compare(rowKey, t, undefined, y);
  }
  changed.sort((x, y) => x.initiatorPxm - y.initiatorPxm || x.targetPxm - y.targetPxm || x.hierarchy - y.hierarchy || HMAT_DATA_KEYS.indexOf(x.key) - HMAT_DATA_KEYS.indexOf(y.key));
  return { present, changed };
}

function diffFindings(a: Analysis, b: Analysis): FindingChange[] {
  const count = (x: Analysis): Map<string, { severity: Severity; n: number }> => {
    const m = new Map<string, { severity: Severity; n: number }>();
    for (const d of x.validation.diagnostics) {
      const e = m.get(d.code);
      if (e === undefined) m.set(d.code, { severity: d.severity, n: 1 }); else e.n++;
    }
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const out: FindingChange[] = [];
  for (const code of [...new Set([...ca.keys(), ...cb.keys()])].sort()) {
    const x = ca.get(code);
    const y = cb.get(code);
    const na = x?.n ?? 0;
    const nb = y?.n ?? 0;
    if (na !== nb) out.push({ code, severity: (y ?? x)?.severity ?? "info", a: na, b: nb });
  }
  return out;
}

function diffVerdicts(a: Topology, b: Topology): VerdictChange[] {
  const out: VerdictChange[] = [];
  for (const os of ["linux", "xen"] as const) {
    const va = a.verdicts[os];
    const vb = b.verdicts[os];
    for (const field of ["nodes", "usesSrat", "usesSlit", "usesHmat"] as const) {
      const x = va[field] ?? null;
      const y = vb[field] ?? null;
      if (x !== y) out.push({ os, field, a: x, b: y });
    }
  }
  return out;
}

const HEADER_FIELDS = [["revision", "revision"], ["oemId", "oemId"], ["oemTableId", "oemTableId"], ["oemRevision", "oemRevision"], ["checksum", "checksum"], ["length", "tableLength"]] as const;

/** Header changes of the tables both have (the first of each signature), and tables only one has. */
function diffTables(a: Analysis, b: Analysis): TableChange[] {
  const first = (x: Analysis): Map<string, Record<string, unknown>> => {
    const m = new Map<string, Record<string, unknown>>();
    for (const t of x.tables) if (!m.has(t.signature)) m.set(t.signature, t.header.values);
    return m;
  };
  const fa = first(a);
  const fb = first(b);
  const out: TableChange[] = [];
  for (const sig of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const x = fa.get(sig);
    const y = fb.get(sig);
    if (x === undefined || y === undefined) { out.push({ signature: sig, field: "present", a: x !== undefined, b: y !== undefined }); continue; }
    for (const [field, k] of HEADER_FIELDS) {
      const vx = x[k];
      const vy = y[k];
      if ((typeof vx === "string" || typeof vx === "number") && (typeof vy === "string" || typeof vy === "number") && vx !== vy) out.push({ signature: sig, field, a: vx, b: vy });
    }
  }
  return out;
}

function summarise(d: Omit<TopologyDiff, "summary" | "identical" | "schemaVersion" | "a" | "b">): string[] {
  const parts: string[] = [];
  const add = (n: number, noun: string, verb: string): void => { if (n > 0) parts.push(`${plural(n, noun)} ${verb}`); };
  add(d.nodes.added.length, "node", "added");
  add(d.nodes.removed.length, "node", "removed");
  add(d.nodes.renumbered.length, "node", "renumbered");
  add(d.cpus.moved.length, "CPU", "moved");
  add(d.cpus.added.length, "CPU", "added");
  add(d.cpus.removed.length, "CPU", "removed");
  add(d.memory.added.length, "memory range", "added");
  add(d.memory.removed.length, "memory range", "removed");
  add(d.memory.resized.length, "memory range", "resized");
  add(d.memory.moved.length, "memory range", "moved");
  if (d.distances.source !== null) parts.push(`distances from ${d.distances.source.a} -> ${d.distances.source.b}`);
  add(d.distances.changed.length, "distance", "changed");
  if (d.hmat.present !== null) parts.push(d.hmat.present.b ? "HMAT added" : "HMAT removed");
  add(d.hmat.changed.length, "HMAT value", "changed");
  add(d.findings.length, "finding count", "changed");
  add(d.verdicts.length, "verdict", "changed");
  return parts;
}

export function diffAnalyses(a: Analysis, b: Analysis, names: { a: string; b: string }): TopologyDiff {
  const ta = a.topology;
  const tb = b.topology;
  const m = matchNodes(ta, tb);
  const match = new Map(m.pairs.map(([x, y]) => [x, y]));
  const pxmMap = new Map(m.pairs.map(([x, y]) => [x.pxm, y.pxm]));
  const body = {
    nodes: {
      added: m.added.map(summaryOf),
      removed: m.removed.map(summaryOf),
      renumbered: m.pairs.filter(([x, y]) => x.pxm !== y.pxm || x.id !== y.id).sort(([x], [y]) => x.id - y.id)
        .map(([x, y, by]): NodeRenumbered => ({ a: ref(x), b: ref(y), matchedBy: by })),
    },
    cpus: diffCpus(ta, tb, match),
    memory: diffMemory(ta, tb, match),
    distances: diffDistances(ta, tb, m.pairs),
    hmat: diffHmat(ta, tb, pxmMap),
    findings: diffFindings(a, b),
    verdicts: diffVerdicts(ta, tb),
    tables: diffTables(a, b),
  };
  const parts = summarise(body);
  const identical = parts.length === 0;
  const tableNote = body.tables.length === 0 ? "" : `; ${plural(body.tables.length, "table header change")}`;
  const summary = identical ? `identical topology${tableNote}` : `different: ${parts.join(", ")}${tableNote}`;
  return { schemaVersion: DIFF_SCHEMA_VERSION, a: names.a, b: names.b, identical, summary, ...body };
}
