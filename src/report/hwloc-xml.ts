/**
 * hwloc XML v2 (version="2.0", hwloc/hwloc2.dtd) of a topology, so lstopo, hwloc-calc and the MPI
 * runtimes built on hwloc can use what numakit derives from the tables:
 * `lstopo -i machine.xml`, `hwloc-calc -i machine.xml --nodeset pu:3`.
 *
 * Layout: Machine → one Group per node with CPUs, holding that node's NUMANode (a memory child)
 * and its PUs. Not Package: the SRAT names proximity domains, not sockets, and a node may be a
 * part of a package (Magny-Cours' two dies per socket, sub-NUMA clustering) or span several; a
 * Group is hwloc's object for "these PUs belong together" without a hardware claim, and it is
 * what hwloc itself inserts when a NUMA node's cpuset matches no existing object. A flat layout
 * (every NUMANode and PU under Machine) would lose the node→PU locality, since a memory child's
 * cpuset is its parent's. A node whose cpuset is the whole machine needs no Group. CPU-less nodes
 * go where ./hwloc-view.ts says hwloc would put them (next to their initiator, else at Machine
 * level). What was exported from where is said in Machine `info` lines (`lstopo -v` shows them).
 *
 * Formats (checked against hwloc 2.9's own export): bitmaps as hwloc_bitmap_snprintf() prints
 * them; `distances2` with indexes and values 10 per element, each element's `length` being the
 * character length of its text; memattr initiators as cpusets.
 */
import { hwlocView, type HwlocNumaNode, type HwlocView } from "./hwloc-view.js";
import type { Topology } from "../topology/model.js";
import { hex } from "../util/hex.js";
import { pushAll } from "../util/arrays.js";

/** hwloc_bitmap_snprintf(): 32-bit words, most significant first; zero words print empty, a zero last word "0x0". */
export function hwlocBitmap(bits: Iterable<number>): string {
  const words: number[] = [];
  for (const b of bits) {
    const w = Math.floor(b / 32);
    while (words.length <= w) words.push(0);
    words[w] = ((words[w] ?? 0) | (1 << (b % 32))) >>> 0;
  }
  while (words.length > 0 && words[words.length - 1] === 0) words.pop();
  if (words.length === 0) return "0x0";
  const word = (w: number): string => hex(w, 8, { lower: true });
  return words.map((w, i) => (i === words.length - 1 ? word(w) : w === 0 ? (i === 0 ? "0x0" : "") : word(w))).reverse().join(",");
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

type ObjType = "Machine" | "Group" | "NUMANode" | "PU";

interface Obj {
  type: ObjType;
  os?: number;
  gp: number;
  cpuset: number[];
  nodeset: number[];
  localMemory?: bigint;
  /** hwloc's memory kind ("DRAM", "NVM", "SPM", "CXL-DRAM"): NUMANode.subtype. */
  subtype?: string;
  infos: [string, string][];
  memory: Obj[];
  children: Obj[];
}

/** The object tree; gp_index values are unique, Machine = 1 as in hwloc's own exports. */
function buildTree(v: HwlocView): { root: Obj; numa: Map<number, Obj>; cpusetOf: Map<number, number[]> } {
  let gp = 0;
  const obj = (type: ObjType, cpuset: number[], extra: Partial<Obj> = {}): Obj => ({ type, gp: ++gp, cpuset, nodeset: [], infos: [], memory: [], children: [], ...extra });
  const allPus = [...v.nodes.flatMap((n) => n.pus), ...v.loosePus].sort((a, b) => a - b);
  const root = obj("Machine", allPus, { os: 0, infos: v.notes });
  const numa = new Map<number, Obj>();
  const numaObj = (n: HwlocNumaNode, cpuset: number[]): Obj => {
    const o = obj("NUMANode", cpuset, { os: n.os, nodeset: [n.os], infos: n.pxm === undefined ? [] : [["ACPIProximityDomain", String(n.pxm)]] });
    if (n.localMemory !== undefined) o.localMemory = n.localMemory;
    if (n.subtype !== undefined) o.subtype = n.subtype;
    numa.set(n.os, o);
    return o;
  };
  // Containers: a Group per CPU node unless it is the whole machine.
  const container = new Map<number, Obj>();
  const cpusetOf = new Map<number, number[]>();
  for (const n of v.nodes) {
    if (n.pus.length === 0) continue;
    cpusetOf.set(n.os, n.pus);
    container.set(n.os, n.pus.length === allPus.length ? root : obj("Group", n.pus));
  }
  for (const n of v.nodes) {
    const parent = (n.pus.length > 0 ? container.get(n.os) : n.near === undefined ? undefined : container.get(n.near)) ?? root;
    parent.memory.push(numaObj(n, parent.cpuset));
  }
  const pu = (os: number): Obj => obj("PU", [os], { os });
  for (const n of v.nodes) { const c = container.get(n.os); if (c !== undefined) pushAll(c.children, n.pus.map(pu)); }
  const groups = [...container.values()].filter((g) => g !== root);
  pushAll(root.children, v.loosePus.map(pu));
  pushAll(root.children, groups);
  // hwloc keeps normal children ordered by their first PU.
  root.children.sort((a, b) => (a.cpuset[0] ?? 0) - (b.cpuset[0] ?? 0));
  setNodesets(root, []);
  return { root, numa, cpusetOf };
}

/** A normal object's nodeset: memory attached to it or its ancestors, and to its descendants. */
function setNodesets(o: Obj, above: number[]): number[] {
  const here = [...above, ...o.memory.flatMap((m) => m.nodeset)];
  const below = o.children.flatMap((c) => setNodesets(c, here));
  o.nodeset = [...new Set([...here, ...below])].sort((a, b) => a - b);
  return [...o.memory.flatMap((m) => m.nodeset), ...below];
}

function attrs(pairs: [string, string | number | bigint | undefined][]): string {
  return pairs.flatMap(([k, val]) => (val === undefined ? [] : [` ${k}="${xmlEscape(String(val))}"`])).join("");
}

function renderObj(o: Obj, indent: string, out: string[]): void {
  const cpus = hwlocBitmap(o.cpuset);
  const nodes = hwlocBitmap(o.nodeset);
  const machine = o.type === "Machine";
  const a = attrs([
    ["type", o.type], ["os_index", o.os], ["cpuset", cpus], ["complete_cpuset", cpus], ["allowed_cpuset", machine ? cpus : undefined],
    ["nodeset", nodes], ["complete_nodeset", nodes], ["allowed_nodeset", machine ? nodes : undefined],
    // hwloc's export order (topology-xml.c): gp_index, name, subtype, then the NUMANode's local_memory.
    ["gp_index", o.gp], ["subtype", o.subtype], ["local_memory", o.localMemory],
  ]);
  const kids = [...o.memory, ...o.children];
  if (o.infos.length === 0 && kids.length === 0) { out.push(`${indent}<object${a}/>`); return; }
  out.push(`${indent}<object${a}>`);
  for (const [name, value] of o.infos) out.push(`${indent}  <info${attrs([["name", name], ["value", value]])}/>`);
  for (const k of kids) renderObj(k, `${indent}  `, out);
  out.push(`${indent}</object>`);
}

/** `<tag length="N">v v v </tag>` lines, 10 values each, as hwloc writes them. */
function chunked(tag: string, values: readonly (number | bigint)[], indent: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += 10) {
    const text = values.slice(i, i + 10).map((x) => `${x} `).join("");
    lines.push(`${indent}<${tag} length="${text.length}">${text}</${tag}>`);
  }
  return lines;
}

export function hwlocXmlOfView(v: HwlocView): string {
  const { root, numa, cpusetOf } = buildTree(v);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE topology SYSTEM "hwloc2.dtd">', '<topology version="2.0">'];
  renderObj(root, "  ", out);
  if (v.distances !== undefined) {
    const n = v.nodes.length;
    out.push(`  <distances2${attrs([["type", "NUMANode"], ["nbobjs", n], ["kind", 5], ["name", "NUMALatency"], ["indexing", "os"]])}>`);
    pushAll(out, chunked("indexes", v.nodes.map((x) => x.os), "    "));
    pushAll(out, chunked("u64values", v.distances.matrix.flat(), "    "));
    out.push("  </distances2>");
  }
  for (const m of v.memattrs) {
    out.push(`  <memattr${attrs([["name", m.name], ["flags", m.flags]])}>`);
    for (const x of m.values) {
      out.push(`    <memattr_value${attrs([
        ["target_obj_type", "NUMANode"], ["target_obj_gp_index", numa.get(x.target)?.gp], ["value", x.value],
        ["initiator_cpuset", hwlocBitmap(cpusetOf.get(x.initiator) ?? [])],
      ])}/>`);
    }
    out.push("  </memattr>");
  }
  out.push("</topology>");
  return `${out.join("\n")}\n`;
}

/** Topology → hwloc v2 XML text (throws InputError when hwloc could not load it: no PU, huge ids). */
export function hwlocXml(t: Topology): string {
  return hwlocXmlOfView(hwlocView(t));
}
