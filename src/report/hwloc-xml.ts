/**
 * hwloc XML v2 (version="2.0", hwloc/hwloc2.dtd) of a topology, so lstopo, hwloc-calc and the MPI
 * runtimes built on hwloc can use what numakit derives from the tables:
 * `lstopo -i machine.xml`, `hwloc-calc -i machine.xml --nodeset pu:3`.
 *
 * Layout: the objects hwloc 2.9's Linux backend and core build from the sysfs tree Linux shows for
 * these tables (./hwloc-view.ts reads it as topology-linux.c does, ./hwloc-tree.ts builds the
 * tree as topology.c and distances.c do): Machine, PUs, NUMANodes in their MemCaches, the memory
 * Groups (kind 1001) hwloc inserts where a node's cpuset matches no object, and the distance
 * Groups (kind 900). Not Package or Core: the SRAT names proximity domains, not sockets. What was
 * exported from where is said in Machine `info` lines (`lstopo -v` shows them).
 *
 * Formats (checked against hwloc 2.9's own export): bitmaps as hwloc_bitmap_snprintf() prints
 * them; `distances2` with indexes and values 10 per element, each element's `length` being the
 * character length of its text; memattr initiators as cpusets.
 */
import { hwlocView, type HwlocNumaNode, type HwlocView } from "./hwloc-view.js";
import { hwlocTree, type HwlocMemoryTree, type HwlocObj, type HwlocTreeInput } from "./hwloc-tree.js";
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

/** hwloc's objects for the view: Linux backend (./hwloc-view.ts) into hwloc's core (./hwloc-tree.ts). */
function buildTree(v: HwlocView): { root: HwlocObj; numa: Map<number, HwlocObj> } {
  const allPus = [...v.nodes.flatMap((n) => n.pus), ...v.loosePus].sort((a, b) => a - b);
  const numa = new Map<number, HwlocObj>();
  const memoryTree = (n: HwlocNumaNode): HwlocMemoryTree => {
    const node: HwlocObj = { type: "NUMANode", os: n.os, cpuset: n.cpuset, nodeset: [n.os], infos: n.pxm === undefined ? [] : [["ACPIProximityDomain", String(n.pxm)]], memory: [], children: [] };
    if (n.localMemory !== undefined) node.localMemory = n.localMemory;
    if (n.subtype !== undefined) node.subtype = n.subtype;
    numa.set(n.os, node);
    const caches = [...n.caches].reverse().map((c): HwlocObj => ({ type: "MemCache", cpuset: n.cpuset, nodeset: [n.os], cache: c, infos: [], memory: [], children: [] }));
    return { node, caches };
  };
  // look_sysfsnode(): nodes with CPUs first, then CPU-less ones, each in os_index order.
  const trees = [...v.nodes.filter((n) => n.pus.length > 0), ...v.nodes.filter((n) => n.pus.length === 0)].map(memoryTree);
  const input: HwlocTreeInput = { machineInfos: v.notes, pus: allPus, memoryTrees: trees };
  if (v.distances !== undefined) input.distances = { nodes: v.nodes.flatMap((n) => { const o = numa.get(n.os); return o === undefined ? [] : [o]; }), matrix: v.distances.matrix };
  return { root: hwlocTree(input), numa };
}

function attrs(pairs: [string, string | number | bigint | undefined][]): string {
  return pairs.flatMap(([k, val]) => (val === undefined ? [] : [` ${k}="${xmlEscape(String(val))}"`])).join("");
}

function renderObj(o: HwlocObj, indent: string, out: string[], gp: Map<HwlocObj, number>): void {
  gp.set(o, gp.size + 1);
  const cpus = hwlocBitmap(o.cpuset);
  const nodes = hwlocBitmap(o.nodeset);
  const machine = o.type === "Machine";
  const c = o.cache;
  const a = attrs([
    ["type", o.type], ["os_index", o.os], ["cpuset", cpus], ["complete_cpuset", cpus], ["allowed_cpuset", machine ? cpus : undefined],
    ["nodeset", nodes], ["complete_nodeset", nodes], ["allowed_nodeset", machine ? nodes : undefined],
    // hwloc's export order (topology-xml.c hwloc__xml_export_object_contents()): gp_index, name,
    // subtype, then the type's attributes; local_memory only when not 0.
    ["gp_index", gp.get(o)], ["subtype", o.subtype], ["local_memory", o.localMemory === 0n ? undefined : o.localMemory],
    ["cache_size", c?.size], ["depth", c?.depth], ["cache_linesize", c?.linesize], ["cache_associativity", c?.associativity], ["cache_type", c === undefined ? undefined : 0],
    ["kind", o.kind], ["subkind", o.subkind],
  ]);
  const kids = [...o.memory, ...o.children];
  if (o.infos.length === 0 && kids.length === 0) { out.push(`${indent}<object${a}/>`); return; }
  out.push(`${indent}<object${a}>`);
  for (const [name, value] of o.infos) out.push(`${indent}  <info${attrs([["name", name], ["value", value]])}/>`);
  for (const k of kids) renderObj(k, `${indent}  `, out, gp);
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
  const { root, numa } = buildTree(v);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE topology SYSTEM "hwloc2.dtd">', '<topology version="2.0">'];
  const gp = new Map<HwlocObj, number>();
  renderObj(root, "  ", out, gp);
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
        ["target_obj_type", "NUMANode"], ["target_obj_gp_index", gp.get(numa.get(x.target) ?? root)], ["value", x.value],
        ["initiator_cpuset", hwlocBitmap(x.initiator)],
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
