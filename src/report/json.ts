/**
 * The JSON report (schema/topology.schema.json, schemaVersion 1). 64-bit addresses and lengths
 * are "0x…" strings; byte totals are numbers (exact below 8 PiB).
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Cpu, Distances, Initiator, MemoryRange, Topology } from "../topology/model.js";
import type { FallbackNode } from "../topology/fallback.js";
import type { EntryLocation } from "../acpi/views.js";
import type { Validation } from "../validate/index.js";
import { cxlJson, memoryTierJson } from "./cxl-json.js";
import { hex } from "../util/hex.js";

export const SCHEMA_VERSION = 1;


function location(at: EntryLocation): { table: string; offset: number } {
  return { table: at.table, offset: at.offset };
}

/** Distances with every source beside the used one; locations as everywhere else in the report. */
function distancesJson(d: Distances): Record<string, unknown> {
  const sources = d.sources.map((s) => {
    switch (s.source) {
      case "SLIT": return { ...s, at: location(s.at) };
      case "_SLI": return { ...s, objects: s.objects.map((o) => ({ path: o.path, at: location(o.at) })) };
      case "default": return s;
    }
  });
  return { ...d, sources };
}

function cpuJson(c: Cpu): Record<string, unknown> {
  return {
    kind: c.kind, id: c.id, ...(c.uid === undefined ? {} : { uid: c.uid }), enabled: c.enabled, madt: c.madt,
    ...(c.linuxCpu === undefined ? {} : { linuxCpu: c.linuxCpu }), at: location(c.at),
  };
}

function memoryJson(r: MemoryRange): Record<string, unknown> {
  return { base: hex(r.base), length: hex(r.length), hotPluggable: r.hotPluggable, nonVolatile: r.nonVolatile, specificPurpose: r.specificPurpose, at: location(r.at) };
}

function initiatorJson(i: Initiator): Record<string, unknown> {
  return { kind: i.kind, handle: i.handle, architecturalTransactions: i.architecturalTransactions, at: location(i.at) };
}

export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return { code: d.code, severity: d.severity, table: d.table, ...(d.offset === undefined ? {} : { offset: d.offset }), message: d.message, ...(d.source === undefined ? {} : { source: d.source }) };
}

/** The OS's single fallback node (every CPU, all memory), or null when it builds nodes from the SRAT. */
function fallbackJson(f: FallbackNode | undefined): Record<string, unknown> | null {
  return f === undefined ? null : { node: f.id, reason: f.reason, cpus: f.cpus.map(cpuJson), memory: "all" };
}

function hmatJson(t: Topology): Record<string, unknown> | null {
  const h = t.hmat;
  if (h === undefined) return null;
  return {
    revision: h.revision, linuxUses: h.linuxUses, ...(h.linuxReason === undefined ? {} : { linuxReason: h.linuxReason }),
    memory: h.memory.map(({ at, ...m }) => ({ ...m, at: location(at) })),
    pairs: h.pairs.map(({ values, ...p }) => ({ ...p, ...values })),
    caches: h.caches.map(({ at, size, ...c }) => ({ ...c, size: hex(size), at: location(at) })),
  };
}

export function topologyJson(t: Topology, v: Validation): Record<string, unknown> {
  return {
    schemaVersion: SCHEMA_VERSION,
    numbering: t.numbering,
    tables: t.tables,
    ...(t.sratRevision === undefined ? {} : { sratRevision: t.sratRevision }),
    pxmMap: t.pxmMap.entries().map(([pxm, node]) => ({ pxm, node })),
    nodes: t.nodes.map((n) => ({
      id: n.id, pxm: n.pxm,
      cpus: n.cpus.map(cpuJson),
      memory: n.memory.map(memoryJson),
      memoryBytes: Number(n.memoryBytes),
      memoryBytesWithHotplug: Number(n.memoryBytesWithHotplug),
      // `uid` joins CXL host bridges to the CEDT; the device list keeps its documented shape.
      devices: n.devices.map(({ uid: _uid, ...d }) => d),
      initiators: n.initiators.map(initiatorJson),
      itsIds: n.itsIds,
      kind: n.kind,
      kinds: n.kinds,
      ...(n.memoryTier === undefined ? {} : { memoryTier: memoryTierJson(n.memoryTier) }),
      ...(n.cxlWindow === undefined ? {} : { cxlWindow: { ...n.cxlWindow, base: hex(n.cxlWindow.base), size: hex(n.cxlWindow.size) } }),
    })),
    fallback: { linux: fallbackJson(t.fallback.linux), xen: fallbackJson(t.fallback.xen) },
    unplaced: {
      cpus: t.unplacedCpus.map(cpuJson),
      initiators: t.unplacedInitiators.map((i) => ({ ...initiatorJson(i), pxm: i.pxm })),
      devices: t.unplacedDevices,
    },
    dynamicPxmDevices: t.dynamicPxmDevices,
    distances: distancesJson(t.distances),
    hmat: hmatJson(t),
    msct: t.msct === undefined ? null : { ...t.msct, maxPhysicalAddress: hex(t.msct.maxPhysicalAddress), domains: t.msct.domains.map((d) => ({ ...d, memoryCapacity: hex(d.memoryCapacity) })) },
    kernel: t.kernel,
    cxl: t.cxl === undefined ? null : cxlJson(t.cxl),
    memoryTiers: t.memoryTiers === undefined ? null : t.memoryTiers,
    verdicts: t.verdicts,
    counts: v.counts,
    diagnostics: v.diagnostics.map(diagnosticJson),
  };
}

export function validationJson(t: Topology, v: Validation): Record<string, unknown> {
  return { schemaVersion: SCHEMA_VERSION, verdicts: t.verdicts, counts: v.counts, diagnostics: v.diagnostics.map(diagnosticJson) };
}
