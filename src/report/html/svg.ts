/**
 * The host picture (inline SVG, or standalone like lstopo's SVG output): one group per node with
 * its memory as a bar, its CPUs as a compact grid (Linux CPU number in each cell's title), the
 * devices placed by `_PXM` (root bridges with the count of devices below) and generic initiators.
 * Memory-only, CPU-only, hot-plug, non-volatile and specific-purpose (CXL) nodes look different.
 * Every firmware string goes through escapeHtml.
 */
import { escapeHtml } from "../../util/escape.js";
import type { Cpu, Topology, TopologyNode } from "../../topology/model.js";
import { sratUnreadable } from "../../topology/unreadable.js";
import { formatBytes, handleText } from "../text.js";
import { bridgeLines } from "./devices.js";
import { hex } from "../../util/hex.js";
import { pluralWord } from "../../util/plural.js";

const BOX_W = 264;
const GAP = 16;
const PAD = 10;
const CELL = 10;
const CPU_COLS = Math.floor((BOX_W - 2 * PAD) / CELL);
const LINE = 14;
const MAX_LINES = 4;
const MAX_COLS = 4;

/** Colours and line styles; the HTML report embeds the same rules. */
export const SVG_CSS = [
  ".host text{font:12px system-ui,sans-serif;fill:#1d2733}",
  ".host rect.box{fill:#eef4fb;stroke:#4a78a8;stroke-width:1.5}",
  ".host .memory-only>rect.box{fill:#f4effb;stroke:#7a52a8;stroke-dasharray:6 3}",
  ".host .cpu-only>rect.box{fill:#fdf6e3;stroke:#b07a1a;stroke-dasharray:2 3}",
  ".host .specific-purpose>rect.box{fill:#eaf7ee;stroke:#2e8b57;stroke-width:3}",
  ".host .node.hl>rect.box{stroke:#d0342c;stroke-width:3}",
  ".host .label{font-weight:600;font-size:13px}",
  ".host .small,.host .badge{font-size:10.5px;fill:#4b5866}",
  ".host .badge{font-weight:600;fill:#7a52a8}",
  ".host .mem{fill:#4a78a8}.host .mem.hot{fill:url(#hatch)}.host .mem.nv{fill:#b07a1a}.host .mem.sp{fill:#2e8b57}",
  ".host .track{fill:#fff;stroke:#c9d3de}",
  ".host .cpu{fill:#6f9bc8}.host .cpu.off{fill:#fff;stroke:#6f9bc8}",
].join("\n");

export interface NodeKinds { memoryOnly: boolean; cpuOnly: boolean; hotPlug: boolean; nonVolatile: boolean; specificPurpose: boolean }

/** What kind of node this is, for the picture's classes and badges. */
export function nodeKinds(n: TopologyNode): NodeKinds {
  return {
    memoryOnly: n.cpus.length === 0 && n.memory.length > 0,
    cpuOnly: n.cpus.length > 0 && n.memory.length === 0,
    hotPlug: n.memory.some((r) => r.hotPluggable),
    nonVolatile: n.memory.some((r) => r.nonVolatile),
    specificPurpose: n.memory.some((r) => r.specificPurpose) || n.initiators.some((i) => i.kind === "generic-port"),
  };
}

function kindClasses(k: NodeKinds): string[] {
  return [k.memoryOnly ? "memory-only" : "", k.cpuOnly ? "cpu-only" : "", k.hotPlug ? "hot-plug" : "", k.nonVolatile ? "non-volatile" : "", k.specificPurpose ? "specific-purpose" : ""].filter((c) => c !== "");
}

function badges(k: NodeKinds): string[] {
  return [k.memoryOnly ? "memory only" : "", k.cpuOnly ? "CPU only" : "", k.hotPlug ? "hot-plug" : "", k.nonVolatile ? "NV" : "", k.specificPurpose ? "CXL / SP" : ""].filter((c) => c !== "");
}

export function cpuTitle(c: Cpu): string {
  const linux = c.linuxCpu === undefined ? "no Linux number" : `CPU ${c.linuxCpu}`;
  const id = c.kind === "gicc" || c.kind === "rintc" ? `UID ${c.id}` : `${c.kind === "x2apic" ? "x2APIC" : c.kind === "loongarch" ? "core" : "APIC"} ${hex(c.id)}`;
  return `${linux} (${id}${c.madt === "enabled" ? "" : `, MADT: ${c.madt}`})`;
}

function cpuRows(n: number): number {
  return Math.ceil(n / CPU_COLS);
}

function textLines(n: TopologyNode): string[] {
  const bridges = bridgeLines(n.devices);
  const inits = n.initiators.map((i) => `${i.kind === "generic-port" ? "port" : "GI"} ${handleText(i.handle)}`);
  const all = [...bridges, ...inits];
  return all.length <= MAX_LINES ? all : [...all.slice(0, MAX_LINES - 1), `… and ${all.length - MAX_LINES + 1} more`];
}

function boxHeight(n: TopologyNode): number {
  const rows = cpuRows(n.cpus.length);
  return 62 + rows * CELL + (rows > 0 ? 6 : 0) + textLines(n).length * LINE + 4;
}

interface Box { x: number; y: number; w: number; h: number }

function memoryBar(n: TopologyNode, box: Box, maxBytes: bigint): string {
  const track = box.w - 2 * PAD;
  const scale = (b: bigint): number => (maxBytes === 0n ? 0 : Math.max(b > 0n ? 1 : 0, Math.round((Number(b) / Number(maxBytes)) * track)));
  const y = box.y + 36;
  const parts: string[] = [`<rect class="track" x="${box.x + PAD}" y="${y}" width="${track}" height="10"/>`];
  let x = box.x + PAD;
  for (const r of n.memory) {
    const w = scale(r.length);
    if (w === 0) continue;
    const cls = r.specificPurpose ? "mem sp" : r.nonVolatile ? "mem nv" : r.hotPluggable ? "mem hot" : "mem";
    const title = `${hex(r.base)} ${formatBytes(r.length)}${r.hotPluggable ? ", hot-pluggable" : ""}${r.nonVolatile ? ", non-volatile" : ""}${r.specificPurpose ? ", specific-purpose" : ""}`;
    parts.push(`<rect class="${cls}" x="${x}" y="${y}" width="${w}" height="10"><title>${escapeHtml(title)}</title></rect>`);
    x += w;
  }
  return parts.join("");
}

function nodeGroup(n: TopologyNode, box: Box, maxBytes: bigint): string {
  const k = nodeKinds(n);
  const hot = n.memoryBytesWithHotplug - n.memoryBytes;
  const summary = `${n.cpus.length} ${pluralWord(n.cpus.length, "CPU")} · ${formatBytes(n.memoryBytes)}${hot > 0n ? ` + ${formatBytes(hot)} hot-plug` : ""}`;
  const out = [
    `<g class="${["node", ...kindClasses(k)].join(" ")}" data-node="${n.id}" id="node-${n.id}">`,
    `<rect class="box" x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="6"/>`,
    `<text class="label" x="${box.x + PAD}" y="${box.y + 18}">node ${n.id}</text>`,
    `<text class="small" x="${box.x + PAD + 14 + 8 * String(n.id).length + 34}" y="${box.y + 18}">PXM ${n.pxm}</text>`,
    `<text class="badge" x="${box.x + box.w - PAD}" y="${box.y + 18}" text-anchor="end">${escapeHtml(badges(k).join(" · "))}</text>`,
    `<text class="small" x="${box.x + PAD}" y="${box.y + 31}">${escapeHtml(summary)}</text>`,
    memoryBar(n, box, maxBytes),
  ];
  const cpuY = box.y + 54;
  n.cpus.forEach((c, i) => {
    const cx = box.x + PAD + (i % CPU_COLS) * CELL;
    const cy = cpuY + Math.floor(i / CPU_COLS) * CELL;
    out.push(`<rect class="cpu${c.madt === "enabled" ? "" : " off"}" x="${cx}" y="${cy}" width="${CELL - 1}" height="${CELL - 1}"><title>${escapeHtml(cpuTitle(c))}</title></rect>`);
  });
  const rows = cpuRows(n.cpus.length);
  let ty = cpuY + rows * CELL + (rows > 0 ? 6 : 0) + 8;
  for (const line of textLines(n)) {
    out.push(`<text class="small" x="${box.x + PAD}" y="${ty}">${escapeHtml(line)}</text>`);
    ty += LINE;
  }
  out.push("</g>");
  return out.join("\n");
}

/** Legend entries are "key" groups, never "node" ones: a node group is a node. */
const LEGEND: [string, string][] = [["key", "CPUs and memory"], ["key memory-only", "memory only"], ["key cpu-only", "CPUs only"], ["key specific-purpose", "CXL / specific-purpose"]];

function legend(y: number): string {
  return [`<g class="legend">`, ...LEGEND.map(([cls, label], i) => {
    const x = i * 170;
    return `<g class="${cls}"><rect class="box" x="${x}" y="${y}" width="14" height="12" rx="2"/><text class="small" x="${x + 20}" y="${y + 10}">${label}</text></g>`;
  }), "</g>"].join("");
}

/** Without an SRAT the OS runs one node 0 with every CPU: draw that node. */
function fallbackNode(t: Topology): TopologyNode {
  const cpus = [...t.nodes.flatMap((n) => n.cpus), ...t.unplacedCpus];
  // The fallback node holds every CPU and all memory: a DRAM node.
  return { id: 0, pxm: 0, kind: "dram", kinds: ["dram"], cpus, memory: [], memoryBytes: 0n, memoryBytesWithHotplug: 0n, devices: [], initiators: [], itsIds: [] };
}

export interface SvgOptions {
  /** A standalone .svg file: XML prolog, namespace and its own style sheet. */
  standalone?: boolean;
}

export function hostSvg(t: Topology, opts: SvgOptions = {}): string {
  const fallback = !t.verdicts.linux.usesSrat;
  const nodes = fallback ? [fallbackNode(t)] : t.nodes;
  // At most four boxes a row: the picture fits a laptop screen and large hosts grow downwards.
  const cols = Math.min(MAX_COLS, Math.max(1, Math.ceil(Math.sqrt(nodes.length))));
  const h = Math.max(...nodes.map(boxHeight), 70);
  const maxBytes = nodes.reduce((m, n) => (n.memoryBytesWithHotplug > m ? n.memoryBytesWithHotplug : m), 0n);
  const rows = Math.ceil(nodes.length / cols);
  const width = Math.max(cols * (BOX_W + GAP) - GAP, 4 * 170) + 2;
  const caption = fallback
    ? (t.tables.includes("SRAT") ? "Linux rejects the SRAT: one node 0 with every CPU"
      : sratUnreadable(t) ? "the SRAT is unreadable (a damaged dump): nodes not known; one node 0 as without an SRAT" : "no SRAT: Linux and Xen run one node 0 with every CPU")
    : `${nodes.length} ${pluralWord(nodes.length, "node")}, ${nodes.reduce((s, n) => s + n.cpus.length, 0)} CPUs (numbering: ${t.numbering})`;
  const top = 22;
  const height = top + rows * (h + GAP) + 20;
  const groups = nodes.map((n, i) => nodeGroup(n, { x: 1 + (i % cols) * (BOX_W + GAP), y: top + Math.floor(i / cols) * (h + GAP), w: BOX_W, h }, maxBytes));
  const head = opts.standalone === true
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" class="host" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n<style>${SVG_CSS}</style>`
    : `<svg class="host" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="host topology">`;
  return [
    head,
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#cfdcec"/><line x1="0" y1="0" x2="0" y2="6" stroke="#4a78a8" stroke-width="2"/></pattern></defs>',
    `<text class="small" x="1" y="14">${escapeHtml(caption)}</text>`,
    ...groups,
    legend(height - 16),
    "</svg>",
    "",
  ].join("\n");
}
