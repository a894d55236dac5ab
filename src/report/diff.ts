/** `numakit diff` as text: the summary line first, then one section per kind of change. */
import type { CpuRef, DistanceChange, HmatChange, NodeRef, NodeSummary, TableChange, TopologyDiff } from "../diff/diff.js";
import { hex } from "../util/hex.js";
import { plural } from "../util/plural.js";
import { rangeList } from "./numactl.js";
import { oneLineText } from "../util/escape.js";
import { formatBytes } from "./text.js";
import { pushAll } from "../util/arrays.js";

const node = (n: NodeRef | null): string => (n === null ? "no node (not in the SRAT)" : `node ${n.id} (PXM ${n.pxm})`);
const KIND: Record<CpuRef["kind"], string> = { apic: "APIC", x2apic: "x2APIC", gicc: "GICC UID", rintc: "RINTC UID", loongarch: "core" };

/**
 * CPUs that changed the same way print as one line of id ranges ("APIC 32-47: node 2 (PXM 2) ->
 * node 1 (PXM 1)"), so a moved socket is one line, not sixteen.
 */
function cpuLines<T extends { cpu: CpuRef }>(items: readonly T[], how: (x: T) => string, prefix: string): string[] {
  const groups = new Map<string, number[]>();
  for (const x of items) {
    const k = `${KIND[x.cpu.kind]}\u0000${how(x)}`;
    const ids = groups.get(k);
    if (ids === undefined) groups.set(k, [x.cpu.id]); else ids.push(x.cpu.id);
  }
  return [...groups].map(([k, ids]) => {
    const [kind, text] = k.split("\u0000");
    return `${prefix} ${kind ?? ""} ${rangeList(ids)}${text ?? ""}`;
  });
}

/** HMAT changes grouped by initiator/target pair: one line each. */
function hmatLines(changes: readonly HmatChange[]): string[] {
  const groups = new Map<string, HmatChange[]>();
  for (const c of changes) {
    const k = `PXM ${c.initiatorPxm} -> PXM ${c.targetPxm}${c.hierarchy === 0 ? "" : ` (memory-side cache level ${c.hierarchy})`}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [c]); else g.push(c);
  }
  return [...groups].map(([k, g]) => {
    if (g.every((c) => c.b === null)) return `- ${k} (B has no values)`;
    if (g.every((c) => c.a === null)) return `+ ${k}: ${g.map((c) => `${c.key} ${value(c.b)}`).join(", ")}`;
    return `~ ${k}: ${g.map((c) => `${c.key} ${value(c.a)} -> ${value(c.b)}`).join(", ")}`;
  });
}

function tableValue(t: TableChange, v: string | number | boolean): string {
  return typeof v === "number" && (t.field === "checksum" || t.field === "oemRevision") ? hex(v) : value(v);
}
const bytes = (h: string): string => formatBytes(BigInt(h));
const nodeSummary = (n: NodeSummary): string => `${node(n)}: ${plural(n.cpus, "CPU")}, ${formatBytes(BigInt(n.memoryBytes))}`;

function section(out: string[], title: string, lines: string[]): void {
  if (lines.length === 0) return;
  out.push("", `${title}:`);
  pushAll(out, lines.map((l) => `  ${l}`));
}

function value(v: string | number | boolean | null): string {
  // Quoted once: control characters, tab and newline as \xNN (JSON.stringify after that doubled the backslash: "NK4NODE\\x00").
  if (typeof v === "string") return `"${oneLineText(v).replace(/"/g, "\\x22")}"`;
  if (v === null) return "none";
  return String(v);
}

/**
 * A changed distance in B's node ids, with A's beside them when a node was renumbered (A may have
 * no node of that id, or another node under it).
 */
function distanceLine(c: DistanceChange, inA: ReadonlyMap<string, NodeRef>): string {
  const key = (n: NodeRef): string => `${n.id}:${n.pxm}`;
  const from = inA.get(key(c.from)) ?? c.from;
  const to = inA.get(key(c.to)) ?? c.to;
  const a = from.id === c.from.id && to.id === c.to.id ? "" : ` (A: node ${from.id} -> node ${to.id})`;
  return `node ${c.from.id} -> node ${c.to.id}${a}: ${c.a} -> ${c.b}`;
}

export function diffText(d: TopologyDiff): string {
  const inA = new Map(d.nodes.renumbered.map((r) => [`${r.b.id}:${r.b.pxm}`, r.a]));
  const out = [d.summary, `  A: ${oneLineText(d.a)}`, `  B: ${oneLineText(d.b)}`];
  section(out, "nodes", [
    ...d.nodes.removed.map((n) => `- ${nodeSummary(n)}`),
    ...d.nodes.added.map((n) => `+ ${nodeSummary(n)}`),
    ...d.nodes.renumbered.map((r) => `~ ${node(r.a)} is now ${node(r.b)} (matched by ${r.matchedBy === "pxm" ? "PXM" : "its CPUs and memory"})`),
  ]);
  section(out, "CPUs", [
    ...cpuLines(d.cpus.moved, (m) => `: ${node(m.a)} -> ${node(m.b)}`, "~"),
    ...cpuLines(d.cpus.removed, (m) => ` (${node(m.node)})`, "-"),
    ...cpuLines(d.cpus.added, (m) => ` (${node(m.node)})`, "+"),
  ]);
  section(out, "memory", [
    ...d.memory.removed.map((r) => `- ${r.base} ${bytes(r.length)} (${node(r.node)})`),
    ...d.memory.added.map((r) => `+ ${r.base} ${bytes(r.length)} (${node(r.node)})`),
    ...d.memory.resized.map((r) => `~ ${r.base}: ${bytes(r.a)} -> ${bytes(r.b)} (${node(r.node)})`),
    ...d.memory.moved.map((r) => `~ ${r.base} ${bytes(r.length)}: ${node(r.a)} -> ${node(r.b)}`),
  ]);
  section(out, "distances", [
    ...(d.distances.source === null ? [] : [`from ${d.distances.source.a} -> from ${d.distances.source.b}`]),
    ...d.distances.changed.map((c) => distanceLine(c, inA)),
  ]);
  section(out, "HMAT", [
    ...(d.hmat.present === null ? [] : [d.hmat.present.b ? "+ HMAT (B has one, A has none)" : "- HMAT (A has one, B has none)"]),
    ...hmatLines(d.hmat.changed),
  ]);
  section(out, "findings", d.findings.map((f) => `${f.b > f.a ? "+" : "-"} ${f.code} (${f.severity}): ${f.a} -> ${f.b}`));
  section(out, "verdicts", d.verdicts.map((v) => `${v.os === "linux" ? "Linux" : "Xen"} ${v.field}: ${value(v.a)} -> ${value(v.b)}`));
  section(out, "tables", d.tables.map((t) => (t.field === "present" ? `${t.b === true ? "+" : "-"} ${t.signature}` : `${t.signature} ${t.field}: ${tableValue(t, t.a)} -> ${tableValue(t, t.b)}`)));
  return `${out.join("\n")}\n`;
}
