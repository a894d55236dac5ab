/**
 * The SRAT as each OS walks it. Linux (drivers/acpi/numa/srat.c `acpi_numa_init`, x86
 * arch/x86/mm/srat.c, arm64 arch/arm64/kernel/acpi_numa.c) and Xen (xen/arch/x86/srat.c) read the
 * same entries in different orders and reject different things; node numbers follow from the
 * order. Each walk yields the PXMs in the order the OS first meets them, and the reason it
 * rejects the SRAT (bad_srat / numa_fw_bad), if it does.
 */
import { SRAT_CPU_FLAGS, SRAT_GENERIC_FLAGS, SRAT_MEMORY_FLAGS, sratCpuProximityDomain, sratRev1Pxm, sratSize } from "../acpi/tables/srat.js";
import type { Diagnostic, Severity } from "../diagnostics.js";
import { PxmNodeMap } from "./numbering.js";
import type { EntryLocation, SratCpuApic, SratEntry, SratMemory } from "../acpi/views.js";
import { hex as hexOf } from "../util/hex.js";
import { isSet } from "../acpi/layout/types.js";

export interface SratWalk {
  os: "linux" | "xen";
  /** PXMs in order of first appearance (enabled entries the OS accepts). */
  order: number[];
  /** The OS's own map (with its limits); may be partial when `rejected`. */
  map: PxmNodeMap;
  /** First reason the SRAT is rejected. */
  rejected?: string;
  findings: Diagnostic[];
}

/** Linux/Xen: a type 0 PXM takes the high 24 bits only from SRAT revision 2 on. */
export function apicPxm(e: SratCpuApic, revision: number): number {
  return sratCpuProximityDomain(e.proximityDomainLow8, e.proximityDomainHigh24, revision);
}

/** Linux masks the memory PXM to 8 bits for SRAT revision ≤ 1 (Xen: < 2, the same). */
export function memoryPxm(e: SratMemory, revision: number): number {
  return revision <= 1 ? sratRev1Pxm(e.proximityDomain) : e.proximityDomain;
}

/** The PXM an entry names (as Linux reads it). */
export function entryPxm(e: SratEntry, revision: number): number {
  if (e.type === 0) return apicPxm(e, revision);
  if (e.type === 1) return memoryPxm(e, revision);
  return e.proximityDomain;
}

/** The entry's Enabled flag (GIC ITS entries have no flags: always in use). */
export function isEnabled(e: SratEntry): boolean {
  switch (e.type) {
    case 1: return isSet(e.flags, SRAT_MEMORY_FLAGS.enabled);
    case 4: return true;
    case 5: case 6: return isSet(e.flags, SRAT_GENERIC_FLAGS.enabled);
    default: return isSet(e.flags, SRAT_CPU_FLAGS.enabled);
  }
}

/** A memory entry's Hot Pluggable flag. */
export function isHotPluggable(e: SratMemory): boolean {
  return isSet(e.flags, SRAT_MEMORY_FLAGS.hotPluggable);
}

/** Linux and Xen log addresses in lower case. */
const hex = (n: number | bigint): string => hexOf(n, 0, { lower: true });

class Walker {
  readonly order: number[] = [];
  readonly findings: Diagnostic[] = [];
  rejected: string | undefined;

  constructor(readonly os: "linux" | "xen", readonly map: PxmNodeMap) {}

  note(severity: Severity, code: string, message: string, at: EntryLocation): void {
    this.findings.push({ code, severity, table: at.table, offset: at.offset, message, source: at.source });
  }

  /** bad_srat() / numa_fw_bad(): the OS drops the whole SRAT; later entries are not looked at. */
  reject(code: string, reason: string, at: EntryLocation): void {
    if (this.rejected !== undefined) return;
    this.rejected = reason;
    this.note("error", code, `${this.os === "linux" ? "Linux" : "Xen"} rejects the SRAT: ${reason}`, at);
  }

  visit(pxm: number, at: EntryLocation): boolean {
    if (this.rejected !== undefined) return false;
    const before = this.map.size;
    const node = this.map.map(pxm);
    if (node === undefined) {
      const why = pxm >= this.map.pxmLimit ? `PXM ${pxm} is not below ${this.map.pxmLimit}` : `more than ${this.map.maxNodes} proximity domains`;
      this.reject(this.os === "linux" ? "LINUX_TOO_MANY_PXM" : "XEN_TOO_MANY_PXM", `too many proximity domains (${why})`, at);
      return false;
    }
    if (this.map.size > before) this.order.push(pxm);
    return true;
  }

  result(): SratWalk {
    const r: SratWalk = { os: this.os, order: this.order, map: this.map, findings: this.findings };
    if (this.rejected !== undefined) r.rejected = this.rejected;
    return r;
  }
}

interface Block { start: bigint; end: bigint; pxm: number; hotplug: boolean; at: EntryLocation }

function overlaps(a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Linux compares lengths with the C structs' sizes, which are the specs' sizes (16, 40, 24, 18, 20). */
const LINUX_EXPECTED_LENGTH: Record<number, { min: number; exact?: boolean }> = {
  // x86 acpi_numa_processor_affinity_init: `length != sizeof` ; x2APIC and memory: `length < sizeof`.
  0: { min: sratSize(0), exact: true }, 1: { min: sratSize(1) }, 2: { min: sratSize(2) },
  // arm64 acpi_numa_gicc_affinity_init ("SRAT: Invalid SRAT header length"); RISC-V likewise.
  3: { min: sratSize(3) }, 7: { min: sratSize(7) },
};

/** Linux: pass 1 = CPU and generic-initiator entries in table order, pass 2 = memory. */
export function walkLinux(entries: readonly SratEntry[], revision: number, maxNumnodes: number): SratWalk {
  // MAX_PXM_DOMAINS = max(256, MAX_NUMNODES) (include/acpi/acpi_numa.h).
  const w = new Walker("linux", new PxmNodeMap("linux", maxNumnodes, Math.max(256, maxNumnodes)));
  const lengthOk = (e: SratEntry): boolean => {
    const want = LINUX_EXPECTED_LENGTH[e.type];
    if (want === undefined) return true;
    const bad = want.exact === true ? e.declaredLength !== want.min : e.declaredLength < want.min;
    if (bad) w.reject("LINUX_SRAT_BAD_LENGTH", `SRAT type ${e.type} entry has length ${e.declaredLength}, expected ${want.exact === true ? "" : "at least "}${want.min}`, e.at);
    return !bad;
  };
  for (const e of entries) {
    if (e.type === 1 || e.type === 4 || e.type === 6) continue;
    if (!lengthOk(e) || !isEnabled(e)) continue;
    if (e.type === 2 && e.x2apicId === 0xffffffff) {
      w.note("info", "LINUX_X2APIC_IGNORED", `SRAT: PXM ${e.proximityDomain} -> X2APIC ${hex(e.x2apicId)} ignored (invalid x2APIC id)`, e.at);
      continue;
    }
    w.visit(entryPxm(e, revision), e.at);
  }
  // NR_NODE_MEMBLKS = MAX_NUMNODES * 2 (mm/numa_memblks.c numa_add_memblk).
  const maxBlocks = maxNumnodes * 2;
  let blocks = 0;
  for (const e of entries) {
    if (e.type !== 1 || !lengthOk(e) || !isEnabled(e)) continue;
    if (!w.visit(memoryPxm(e, revision), e.at)) continue;
    if (e.addressLength === 0n) continue; // numa_add_memblk_to() ignores zero-length blocks
    if (++blocks > maxBlocks) w.reject("LINUX_TOO_MANY_MEMBLKS", `more than ${maxBlocks} memory ranges (NR_NODE_MEMBLKS)`, e.at);
  }
  if (w.rejected === undefined) linuxOverlaps(w, memoryBlocks(entries, revision));
  if (w.rejected === undefined && w.map.size === 0 && entries.length > 0) {
    w.rejected = "no enabled CPU or memory entry";
  }
  return w.result();
}

function memoryBlocks(entries: readonly SratEntry[], revision: number): Block[] {
  return entries.flatMap((e) => (e.type === 1 && isEnabled(e) && e.addressLength > 0n
    ? [{ start: e.baseAddress, end: e.baseAddress + e.addressLength, pxm: memoryPxm(e, revision), hotplug: isHotPluggable(e), at: e.at }]
    : []));
}

/**
 * numa_cleanup_meminfo(): blocks without present RAM (hot-plug windows) are set aside before the
 * overlap check, so only overlaps between boot-present ranges of different nodes are fatal. The
 * tables do not say which ranges hold RAM; we take "not hot-pluggable" to mean present.
 */
function linuxOverlaps(w: Walker, blocks: readonly Block[]): void {
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const a = blocks[i];
      const b = blocks[j];
      if (a === undefined || b === undefined || a.pxm === b.pxm || !overlaps(a, b)) continue;
      const what = `PXM ${a.pxm} [mem ${hex(a.start)}-${hex(a.end - 1n)}] overlaps with PXM ${b.pxm} [mem ${hex(b.start)}-${hex(b.end - 1n)}]`;
      if (a.hotplug || b.hotplug) w.note("warning", "LINUX_MEMORY_OVERLAP_HOTPLUG", `${what}; one is a hot-plug range, which Linux sets aside while it holds no RAM`, b.at);
      else w.reject("LINUX_MEMORY_OVERLAP", `${what} (numa_cleanup_meminfo)`, b.at);
    }
  }
}

/**
 * Xen (xen/arch/x86/srat.c): x2APIC entries, then LAPIC entries, then memory (via
 * acpi_table_parse_srat per type). numa_update_node_memblks() rejects any overlap with another
 * node's block, a same-node overlap whose hot-plug flags differ, and interleaved node spans.
 */
export function walkXen(entries: readonly SratEntry[], revision: number, maxNumnodes: number): SratWalk {
  const w = new Walker("xen", new PxmNodeMap("xen", maxNumnodes));
  const badLength = (e: SratEntry, want: number, exact: boolean): boolean => {
    const bad = exact ? e.declaredLength !== want : e.declaredLength < want;
    if (bad) w.reject("XEN_SRAT_BAD_LENGTH", `SRAT type ${e.type} entry has length ${e.declaredLength}, expected ${want}`, e.at);
    return bad;
  };
  for (const e of entries) {
    if (e.type !== 2 || badLength(e, sratSize(2), false) || !isEnabled(e)) continue;
    w.visit(e.proximityDomain, e.at);
  }
  for (const e of entries) {
    if (e.type !== 0 || badLength(e, sratSize(0), true) || !isEnabled(e)) continue;
    w.visit(apicPxm(e, revision), e.at);
  }
  const maxBlocks = maxNumnodes * 2;
  const blocks: Block[] = [];
  const span = new Map<number, { start: bigint; end: bigint }>();
  for (const e of entries) {
    if (e.type !== 1 || badLength(e, sratSize(1), true) || !isEnabled(e)) continue;
    const pxm = memoryPxm(e, revision);
    if (!w.visit(pxm, e.at) || e.addressLength === 0n) continue;
    if (blocks.length >= maxBlocks) { w.reject("XEN_TOO_MANY_MEMBLKS", `more than ${maxBlocks} memory ranges (NR_NODE_MEMBLKS)`, e.at); continue; }
    const b: Block = { start: e.baseAddress, end: e.baseAddress + e.addressLength, pxm, hotplug: isHotPluggable(e), at: e.at };
    xenConflict(w, blocks, span, b);
    blocks.push(b);
    if (!b.hotplug) {
      const s = span.get(pxm);
      span.set(pxm, s === undefined ? { start: b.start, end: b.end } : { start: s.start < b.start ? s.start : b.start, end: s.end > b.end ? s.end : b.end });
    }
  }
  if (w.rejected === undefined && w.map.size === 0 && entries.length > 0) w.rejected = "no enabled CPU or memory entry";
  return w.result();
}

function xenConflict(w: Walker, blocks: readonly Block[], span: Map<number, { start: bigint; end: bigint }>, b: Block): void {
  const range = `[${hex(b.start)}, ${hex(b.end - 1n)}]`;
  for (const o of blocks) {
    if (!overlaps(o, b)) continue;
    if (o.pxm !== b.pxm) {
      w.reject("XEN_MEMORY_OVERLAP", `PXM ${b.pxm} ${range} overlaps with PXM ${o.pxm} [${hex(o.start)}, ${hex(o.end - 1n)}]`, b.at);
      return;
    }
    if (o.hotplug !== b.hotplug) {
      w.reject("XEN_MEMORY_OVERLAP", `PXM ${b.pxm} ${range} overlaps a range of the same node with different hot-plug flags`, b.at);
      return;
    }
    w.note("warning", "XEN_MEMORY_OVERLAP_SAME_NODE", `PXM ${b.pxm} ${range} overlaps another range of the same node`, b.at);
  }
  if (b.hotplug) return;
  const s = span.get(b.pxm);
  const grown = s === undefined ? { start: b.start, end: b.end } : { start: s.start < b.start ? s.start : b.start, end: s.end > b.end ? s.end : b.end };
  const other = blocks.find((o) => o.pxm !== b.pxm && overlaps(grown, o));
  if (other !== undefined) {
    w.reject("XEN_MEMORY_INTERLEAVE", `PXM ${b.pxm} ${range} would make its node span [${hex(grown.start)}, ${hex(grown.end - 1n)}] contain PXM ${other.pxm}'s [${hex(other.start)}, ${hex(other.end - 1n)}] (interleaved nodes)`, b.at);
  }
}
