/** The text report: the numactl block, then a per-node tree, distances, HMAT, MSCT, findings, verdicts. */
import type { Diagnostic } from "../diagnostics.js";
import { formatDiagnosticLine } from "./diagnostic-line.js";
import { HMAT_DATA_KEYS, type HmatPair } from "../topology/hmat.js";
import type { Cpu, DeviceHandle, Initiator, MemoryRange, NodeDevice, Topology, TopologyNode } from "../topology/model.js";
import { SRAT_UNREADABLE, sratUnreadable } from "../topology/unreadable.js";
import type { Validation } from "../validate/index.js";
import { numactlBlock, numactlNote, rangeList } from "./numactl.js";
import { cxlText, nodeKindLines, tiersText } from "./cxl-text.js";
import { oneLineText } from "../util/escape.js";
import { hex } from "../util/hex.js";
import { plural } from "../util/plural.js";

/** PCI addresses as lspci writes them: lower case, no prefix. */
const pci = { lower: true, bare: true };


/** 1536 → "1.5 KiB"; exact powers print without decimals. */
export function formatBytes(n: bigint): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let u = 0;
  let scale = 1n;
  while (u < units.length - 1 && n >= scale * 1024n) { scale *= 1024n; u++; }
  const whole = n / scale;
  const tenth = ((n % scale) * 10n) / scale;
  return `${whole}${tenth === 0n ? "" : `.${tenth}`} ${units[u] ?? "B"}`;
}

/** Runs of CPUs whose id, UID and Linux number all step by one print as one line. */
function cpuLines(cpus: readonly Cpu[]): string[] {
  const out: string[] = [];
  let run: Cpu[] = [];
  const step = (a: number | undefined, b: number | undefined): boolean => (a === undefined ? b === undefined : b === a + 1);
  const flush = (): void => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first !== undefined && last !== undefined) {
      out.push(run.length < 3 ? run.map(cpuLine).join("\n") : `${cpuLine(first)}  ..  ${cpuLine(last)}  (${run.length} CPUs)`);
    }
    run = [];
  };
  for (const c of cpus) {
    const prev = run[run.length - 1];
    if (prev !== undefined && !(prev.kind === c.kind && prev.madt === c.madt && step(prev.id, c.id) && step(prev.uid, c.uid) && step(prev.linuxCpu, c.linuxCpu))) flush();
    run.push(c);
  }
  flush();
  return out.flatMap((l) => l.split("\n"));
}

function cpuLine(c: Cpu): string {
  const id = c.kind === "gicc" || c.kind === "rintc" ? `uid ${c.id}` : hex(c.id, 2);
  const uid = c.uid === undefined || c.kind === "gicc" || c.kind === "rintc" ? "" : ` uid ${c.uid}`;
  const linux = c.linuxCpu === undefined ? "" : `  cpu ${c.linuxCpu}`;
  const state = c.madt === "enabled" ? "" : `  (MADT: ${c.madt})`;
  return `${c.kind} ${id}${uid}${linux}${state}`;
}

function memoryLine(r: MemoryRange): string {
  const flags = [r.hotPluggable ? "hot-pluggable" : "", r.nonVolatile ? "non-volatile" : "", r.specificPurpose ? "specific-purpose" : ""].filter((x) => x !== "");
  const span = r.length === 0n ? `${hex(r.base, 16)} (empty)` : `${hex(r.base, 16)}-${hex(r.base + r.length - 1n, 16)}`;
  return `${span}  ${formatBytes(r.length)}${flags.length > 0 ? `  ${flags.join(", ")}` : ""}`;
}

export function handleText(h: DeviceHandle): string {
  switch (h.type) {
    case "acpi": return `ACPI ${oneLineText(h.hid)} uid ${h.uid}`;
    case "pci": return `PCI ${hex(h.segment, 4, pci)}:${hex(h.bus, 2, pci)}:${hex(h.device, 2, pci)}.${h.function}`;
    case "reserved": return `handle type ${h.value} (reserved)`;
  }
}

function initiatorLine(i: Initiator): string {
  return `${i.kind} ${handleText(i.handle)}${i.architecturalTransactions ? "  architectural transactions" : ""}`;
}

function section(title: string, lines: readonly string[], indent = "    "): string[] {
  return lines.length === 0 ? [] : [`  ${title}:`, ...lines.map((l) => `${indent}${l}`)];
}

/** Firmware lists a Processor object per possible CPU; the text report shows the first few. */
const MAX_DEVICE_LINES = 8;
function limited(lines: readonly string[]): string[] {
  return lines.length <= MAX_DEVICE_LINES ? [...lines] : [...lines.slice(0, MAX_DEVICE_LINES), `… and ${lines.length - MAX_DEVICE_LINES} more (--format json lists all)`];
}

/**
 * Devices with their own _PXM, each followed by those that inherit it (a root bridge carries the
 * _PXM for hundreds of devices below it: naming them all buries the bridges).
 */
function deviceLines(devices: readonly NodeDevice[]): string[] {
  const below = new Map<string, string[]>();
  for (const d of devices) if (d.inheritedFrom !== undefined) below.set(d.inheritedFrom, [...(below.get(d.inheritedFrom) ?? []), oneLineText(d.path)]);
  const tail = (paths: readonly string[] | undefined): string => {
    if (paths === undefined) return "";
    return paths.length <= 2 ? `, and below it ${paths.join(", ")}` : `, and ${paths.length} devices below it`;
  };
  const own = devices.filter((d) => d.inheritedFrom === undefined);
  const listed = new Set(own.map((d) => d.path));
  return [
    ...own.map((d) => `${oneLineText(d.path)}${d.hid === undefined ? "" : ` (${oneLineText(d.hid)})`}${tail(below.get(d.path))}`),
    // An ancestor whose _PXM is on another node's list (or not a Device) still explains its descendants.
    ...[...below].filter(([from]) => !listed.has(from)).map(([from, paths]) => `${paths.length <= 2 ? paths.join(", ") : `${paths.length} devices`} (the _PXM of ${oneLineText(from)})`),
  ];
}

function nodeTree(n: TopologyNode): string[] {
  const hot = n.memoryBytesWithHotplug - n.memoryBytes;
  const head = `node ${n.id} (PXM ${n.pxm}): ${plural(n.cpus.length, "CPU")}, ${formatBytes(n.memoryBytes)}${hot > 0n ? ` + ${formatBytes(hot)} hot-pluggable` : ""}`;
  return [
    head,
    ...nodeKindLines(n, formatBytes),
    ...section("cpus", cpuLines(n.cpus)),
    ...section("memory", n.memory.map(memoryLine)),
    ...section("devices", limited(deviceLines(n.devices))),
    ...section("initiators", n.initiators.map(initiatorLine)),
    ...section("GIC ITS", n.itsIds.length === 0 ? [] : [n.itsIds.join(", ")]),
  ];
}

const DATA_LABEL: Record<(typeof HMAT_DATA_KEYS)[number], string> = {
  accessLatencyNs: "access latency", readLatencyNs: "read latency", writeLatencyNs: "write latency",
  accessBandwidthMBps: "access bandwidth", readBandwidthMBps: "read bandwidth", writeBandwidthMBps: "write bandwidth",
};

function pairLine(p: HmatPair): string {
  const who = (node: number | undefined, pxm: number): string => (node === undefined ? `PXM ${pxm}` : `node ${node}`);
  const vals = HMAT_DATA_KEYS.flatMap((k) => {
    const v = p.values[k];
    return v === undefined ? [] : [`${DATA_LABEL[k]} ${v} ${k.endsWith("Ns") ? "ns" : "MB/s"}`];
  });
  const level = p.hierarchy === 0 ? "" : ` [cache level ${p.hierarchy}]`;
  return `${who(p.initiator, p.initiatorPxm)} -> ${who(p.target, p.targetPxm)}${level}: ${vals.length > 0 ? vals.join(", ") : "no data"}`;
}

function hmatText(t: Topology): string[] {
  const h = t.hmat;
  if (h === undefined) return [];
  const caches = h.caches.map((c) => `${c.node === undefined ? `PXM ${c.memoryPxm}` : `node ${c.node}`}: level ${c.level} of ${c.totalLevels}, ${formatBytes(c.size)}, ${c.associativity}, ${c.writePolicy}, ${c.lineSize}-byte lines`);
  return [
    "",
    `HMAT (revision ${h.revision}; Linux ${h.linuxUses ? "uses it" : `ignores it: ${h.linuxReason ?? ""}`}):`,
    ...h.pairs.map((p) => `  ${pairLine(p)}`),
    ...(caches.length > 0 ? ["  memory-side caches:", ...caches.map((c) => `    ${c}`)] : []),
  ];
}

/**
 * What an OS that falls back builds, when the SRAT is there (without one, the line above says it):
 * one node 0 with every CPU and all memory.
 */
function fallbackText(t: Topology): string[] {
  if (!t.tables.includes("SRAT")) return [];
  return [t.fallback.linux, t.fallback.xen].flatMap((f) => (f === undefined ? [] : [
    `fallback: ${f.os === "linux" ? "Linux" : "Xen"} runs one node 0 with every CPU (${f.cpus.length}) and all memory, because ${f.reason}`,
  ]));
}

function distancesText(t: Topology): string[] {
  const d = t.distances;
  if (!t.tables.includes("SRAT")) return ["", "distances: none (one node)"];
  const src = d.source === "SLIT" ? "from the SLIT" : d.source === "_SLI" ? `from _SLI (${d.reason ?? ""})` : `default 10/20: ${d.reason ?? ""}`;
  return ["", `distances: ${src}`, ...unusedSli(t)];
}

/** `_SLI` the OS does not use (the SLIT wins): one line, so its values are not mistaken for the ones in force. */
function unusedSli(t: Topology): string[] {
  const sli = t.distances.sources.find((s) => s.source === "_SLI");
  if (sli === undefined || sli.used) return [];
  const differ: string[] = [];
  sli.matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      const used = t.distances.matrix[i]?.[j];
      if (v !== null && v !== used) differ.push(`node ${t.nodes[i]?.id ?? i} -> node ${t.nodes[j]?.id ?? j}: ${v} (used: ${used ?? "none"})`);
    });
  });
  const what = differ.length === 0 ? "the same values" : `other values at ${plural(differ.length, "pair")}, e.g. ${differ[0] ?? ""}`;
  return [`  _SLI of ${plural(sli.objects.length, "device")} is not used while the SLIT is: ${what}`];
}

export function diagnosticLine(d: Diagnostic): string {
  return formatDiagnosticLine(d, "report");
}

function unplacedText(t: Topology): string[] {
  // Without an SRAT nothing has a node by design: the numactl block shows the OS's single node.
  if (!t.tables.includes("SRAT")) return [];
  const lines = [
    ...t.unplacedCpus.map((c) => `MADT CPU without SRAT entry: ${cpuLine(c)}`),
    ...t.unplacedInitiators.map((i) => `initiator on PXM ${i.pxm} (no node): ${initiatorLine(i)}`),
    ...limited(t.unplacedDevices.map((d) => `device on PXM ${d.pxm} (no node): ${oneLineText(d.path)}`)),
  ];
  return lines.length === 0 ? [] : ["", "not placed:", ...lines.map((l) => `  ${l}`)];
}

export function verdictLines(t: Topology): string[] {
  return [`  ${t.verdicts.linux.sentence}`, `  ${t.verdicts.xen.sentence}`];
}

/**
 * Findings that differ only in offset (28 unknown MADT subtables of one type) print as one line
 * with the count and the last offset; --format json keeps every one.
 */
function groupedLines(ds: readonly Diagnostic[]): string[] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of ds) {
    const key = JSON.stringify([d.severity, d.code, d.source, d.table, d.message]);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()].map((g) => {
    const [first] = g;
    const last = g[g.length - 1];
    if (first === undefined || last === undefined) return "";
    if (g.length === 1) return diagnosticLine(first);
    const upTo = last.offset === undefined ? "" : `, up to offset ${hex(last.offset)}`;
    return `${diagnosticLine(first)} (and ${g.length - 1} more like it${upTo})`;
  });
}

export function findingsText(v: Validation, all: boolean): string[] {
  const shown = all ? v.diagnostics : v.diagnostics.filter((d) => d.severity !== "info");
  const { error, warning, info } = v.counts;
  const hidden = !all && info > 0 ? " (numakit validate lists the info ones)" : "";
  return [
    `findings: ${plural(error, "error")}, ${plural(warning, "warning")}, ${info} info${hidden}`,
    ...groupedLines(shown).map((l) => `  ${l}`),
  ];
}

export function topologyText(t: Topology, v: Validation): string {
  const lines = [
    numactlBlock(t).slice(0, -1),
    numactlNote(t),
    "",
    `numbering: ${t.numbering}; PXM -> node: ${t.pxmMap.entries().map(([p, n]) => `${p}->${n}`).join(" ") || "(none)"}`,
    `tables: ${t.tables.join(" ") || "(none)"}${t.sratRevision === undefined ? "" : `; SRAT revision ${t.sratRevision}`}`,
    "",
    ...t.nodes.flatMap((n) => [...nodeTree(n), ""]),
    t.tables.includes("SRAT")
      ? `nodes with CPUs: ${rangeList(t.nodes.filter((n) => n.cpus.length > 0).map((n) => n.id)) || "none"}; with memory: ${rangeList(t.nodes.filter((n) => n.memory.length > 0).map((n) => n.id)) || "none"}`
      : sratUnreadable(t) ? `${SRAT_UNREADABLE}: the nodes Linux and Xen build cannot be told; shown as one node 0, as without an SRAT`
        : "no SRAT: Linux and Xen run one node 0 with every CPU and all memory",
    ...fallbackText(t),
    ...distancesText(t),
    ...hmatText(t),
    ...tiersText(t),
    ...cxlText(t, formatBytes),
    ...(t.msct === undefined ? [] : ["", `MSCT: up to ${t.msct.maxProximityDomains} proximity domains, ${t.msct.maxClockDomains} clock domains, max address ${hex(t.msct.maxPhysicalAddress)}`]),
    ...unplacedText(t),
    "",
    ...findingsText(v, false),
    "",
    "verdicts:",
    ...verdictLines(t),
  ];
  return `${lines.join("\n")}\n`;
}

export function validationText(t: Topology, v: Validation): string {
  return `${[...findingsText(v, true), "", "verdicts:", ...verdictLines(t)].join("\n")}\n`;
}
