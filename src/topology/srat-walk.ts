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
import { plural } from "../util/plural.js";

export interface SratWalk {
  os: "linux" | "xen";
  /** PXMs in order of first appearance (enabled entries the OS accepts). */
  order: number[];
  /** The OS's own map (with its limits); may be partial when `rejected`. */
  map: PxmNodeMap;
  /** First reason the SRAT is rejected. */
  rejected?: string;
  findings: Diagnostic[];
  /** Enabled entries the OS never reads (Linux: CPU and initiator entries after a refused Generic Initiator). */
  unread: ReadonlySet<SratEntry>;
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

  /** Maps the PXM to a node without rejecting the SRAT when it gets none; false then. */
  tryMap(pxm: number): boolean {
    const before = this.map.size;
    if (this.map.map(pxm) === undefined) return false;
    if (this.map.size > before) this.order.push(pxm);
    return true;
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

  readonly unread = new Set<SratEntry>();

  result(): SratWalk {
    const r: SratWalk = { os: this.os, order: this.order, map: this.map, findings: this.findings, unread: this.unread };
    if (this.rejected !== undefined) r.rejected = this.rejected;
    return r;
  }
}

interface Block { start: bigint; end: bigint; pxm: number; hotplug: boolean; at: EntryLocation }

/** Linux's view of a range: `setAside` when it holds no RAM at boot (not in memblock.memory, ./online.ts). */
interface LinuxBlock extends Block { setAside: boolean }

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

/**
 * Linux: pass 1 = CPU and generic-initiator entries in table order, pass 2 = memory.
 * `genericInitiators`: whether the kernel has a handler for type 5 entries (5.10 on).
 */
export function walkLinux(entries: readonly SratEntry[], revision: number, maxNumnodes: number, genericInitiators = true): SratWalk {
  // MAX_PXM_DOMAINS = max(256, MAX_NUMNODES) (include/acpi/acpi_numa.h).
  const w = new Walker("linux", new PxmNodeMap("linux", maxNumnodes, Math.max(256, maxNumnodes)));
  const lengthOk = (e: SratEntry): boolean => {
    const want = LINUX_EXPECTED_LENGTH[e.type];
    if (want === undefined) return true;
    const bad = want.exact === true ? e.declaredLength !== want.min : e.declaredLength < want.min;
    if (bad) w.reject("LINUX_SRAT_BAD_LENGTH", `SRAT type ${e.type} entry has length ${e.declaredLength}, expected ${want.exact === true ? "" : "at least "}${want.min}`, e.at);
    return !bad;
  };
  // acpi_parse_entries_array() (drivers/acpi/tables.c; lib/fw_table.c from 6.7) calls a handler
  // only while no earlier handler of the pass failed (`!errs && handler(...)`). Of pass 1's
  // handlers only acpi_parse_gi_affinity() fails: -EINVAL for a disabled entry or a PXM that gets
  // no node, with no bad_srat(). Every later CPU and initiator entry is then left unread.
  let stopped: { at: EntryLocation; why: string } | undefined;
  let unread = 0;
  for (const e of entries) {
    if (e.type === 1 || e.type === 4 || e.type === 6 || (e.type === 5 && !genericInitiators)) continue;
    if (stopped !== undefined) { unread++; if (isEnabled(e)) w.unread.add(e); continue; }
    if (e.type === 5) {
      if (!isEnabled(e)) stopped = { at: e.at, why: "it is disabled" };
      else if (w.rejected === undefined && !w.tryMap(e.proximityDomain)) stopped = { at: e.at, why: `PXM ${e.proximityDomain} gets no node ("SRAT: Too many proximity domains")` };
      continue;
    }
    if (!lengthOk(e) || !isEnabled(e)) continue;
    if (e.type === 2 && e.x2apicId === 0xffffffff) {
      w.note("info", "LINUX_X2APIC_IGNORED", `SRAT: PXM ${e.proximityDomain} -> X2APIC ${hex(e.x2apicId)} ignored (invalid x2APIC id)`, e.at);
      continue;
    }
    w.visit(entryPxm(e, revision), e.at);
  }
  if (stopped !== undefined && unread > 0) {
    w.note("warning", "LINUX_SRAT_CPU_PASS_STOPPED", `Linux reads no processor or initiator entry after this Generic Initiator entry (acpi_parse_gi_affinity fails: ${stopped.why}): the ${plural(unread, "later entry", "later entries")} place no CPU or initiator (Linux puts those CPUs on nodes itself: round-robin over the online nodes in numa_init_array, or by last-level cache on AMD, which the tables cannot say), and a PXM only they name gets no node from them`, stopped.at);
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

/**
 * Which enabled memory ranges are presumed RAM at boot (in the e820 map, so in memblock.memory).
 * The tables do not say; the flags stand for it: not hot-pluggable, not non-volatile (e820 PMEM),
 * not specific-purpose (soft-reserved). When no range qualifies, the host's RAM must still be
 * somewhere: firmware that marks every range hot-pluggable (seen on real servers) has its RAM in
 * them, and Linux uses them at boot (checked by booting such an SRAT under the oracle harness).
 */
export function presumedRamRule(entries: readonly SratEntry[]): (flags: MemoryFlags) => boolean {
  const byFlags = (f: MemoryFlags): boolean => !f.hotPluggable && !f.nonVolatile && !f.specificPurpose;
  const anyRam = entries.some((e) => e.type === 1 && isEnabled(e) && e.addressLength > 0n && byFlags(memoryFlags(e)));
  return anyRam ? byFlags : (f) => !f.nonVolatile && !f.specificPurpose;
}

/** The three flags that decide whether a range is presumed RAM. */
export interface MemoryFlags { hotPluggable: boolean; nonVolatile: boolean; specificPurpose: boolean }

export function memoryFlags(e: SratMemory): MemoryFlags {
  return { hotPluggable: isHotPluggable(e), nonVolatile: isSet(e.flags, SRAT_MEMORY_FLAGS.nonVolatile), specificPurpose: isSet(e.flags, SRAT_MEMORY_FLAGS.specificPurpose) };
}

function memoryBlocks(entries: readonly SratEntry[], revision: number): LinuxBlock[] {
  const isRam = presumedRamRule(entries);
  const blocks = entries.flatMap((e) => (e.type === 1 && isEnabled(e) && e.addressLength > 0n
    ? [{ start: e.baseAddress, end: e.baseAddress + e.addressLength, pxm: memoryPxm(e, revision), hotplug: isHotPluggable(e), at: e.at, setAside: !isRam(memoryFlags(e)) }]
    : []));
  // A range that is not RAM is set aside only when it overlaps no RAM at all
  // (memblock_overlaps_region(&memblock.memory, ...)); one that reaches into RAM stays a block.
  const ram = blocks.filter((b) => !b.setAside);
  for (const b of blocks) if (b.setAside && ram.some((r) => overlaps(r, b))) b.setAside = false;
  return blocks;
}

/**
 * numa_cleanup_meminfo(): blocks that overlap no RAM at boot (hot-plug windows; non-volatile and
 * specific-purpose ranges, which the e820 map has as PMEM or soft-reserved, not RAM) are set aside
 * before the overlap check, so only overlaps between blocks that reach RAM of different nodes are
 * fatal (a hot-plug or non-volatile range overlapping another node's RAM included: booted under
 * the oracle harness, Linux 6.1 then fakes one node). See presumedRamRule for what is RAM.
 */
function linuxOverlaps(w: Walker, blocks: readonly LinuxBlock[]): void {
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const a = blocks[i];
      const b = blocks[j];
      if (a === undefined || b === undefined || a.pxm === b.pxm || !overlaps(a, b)) continue;
      const what = `PXM ${a.pxm} [mem ${hex(a.start)}-${hex(a.end - 1n)}] overlaps with PXM ${b.pxm} [mem ${hex(b.start)}-${hex(b.end - 1n)}]`;
      if (a.setAside || b.setAside) w.note("warning", "LINUX_MEMORY_OVERLAP_HOTPLUG", `${what}; one is a hot-plug, non-volatile or specific-purpose range that reaches no RAM, which Linux sets aside`, b.at);
      else w.reject("LINUX_MEMORY_OVERLAP", `${what} (numa_cleanup_meminfo)`, b.at);
    }
  }
}

/** Xen's limits the walk needs (xen/include/xen/numa.h, xen/arch/x86/include/asm/acpi.h). */
export interface XenWalkLimits {
  /** MAX_NUMNODES (CONFIG_NR_NUMA_NODES, default 64); NR_NODE_MEMBLKS is twice it. */
  maxNumnodes: number;
  /** CONFIG_NR_CPUS (x86 default 256): MAX_LOCAL_APIC = MAX(256, 4 * NR_CPUS). */
  nrCpus: number;
  /** The MADT's CPUs are GICC, RINTC or LoongArch cores: not an x86 host (Xen reads no SRAT there). */
  notX86?: boolean;
}

/**
 * Xen (xen/arch/x86/srat.c, xen/common/numa.c; xen-project/xen c447b7308b13): x2APIC entries, then
 * LAPIC entries, then memory, each type by its own acpi_table_parse_srat() (acpi_numa_init in
 * xen/drivers/acpi/numa.c). numa_update_node_memblks() rejects any overlap with another node's
 * block, a same-node overlap whose hot-plug flags differ, and interleaved node spans; then
 * numa_process_nodes() gives up on NUMA when no CPU entry set acpi_numa (arch_numa_unavailable) or
 * when RAM is left without a node (nodes_cover_memory).
 */
export function walkXen(entries: readonly SratEntry[], revision: number, limits: XenWalkLimits): SratWalk {
  const w = new Walker("xen", new PxmNodeMap("xen", limits.maxNumnodes));
  const badLength = (e: SratEntry, want: number, exact: boolean): boolean => {
    const bad = exact ? e.declaredLength !== want : e.declaredLength < want;
    if (bad) w.reject("XEN_SRAT_BAD_LENGTH", `SRAT type ${e.type} entry has length ${e.declaredLength}, expected ${want}`, e.at);
    return bad;
  };
  const maxLocalApic = Math.max(256, 4 * limits.nrCpus);
  // acpi_numa = 1 is set only by a CPU entry that reaches setup_node().
  let acpiNuma = false;
  for (const e of entries) {
    if (e.type !== 2 || badLength(e, sratSize(2), false) || !isEnabled(e) || w.rejected !== undefined) continue;
    // acpi_numa_x2apic_affinity_init(): an id at or above MAX_LOCAL_APIC is ignored before setup_node().
    if (e.x2apicId >= maxLocalApic) {
      w.note("info", "XEN_X2APIC_IGNORED", `SRAT: APIC ${hexOf(e.x2apicId, 8, { lower: true })} ignored (x2APIC id not below MAX_LOCAL_APIC, ${maxLocalApic} with NR_CPUS ${limits.nrCpus}): PXM ${e.proximityDomain} gets no CPU from it`, e.at);
      continue;
    }
    if (w.visit(e.proximityDomain, e.at)) acpiNuma = true;
  }
  for (const e of entries) {
    if (e.type !== 0 || badLength(e, sratSize(0), true) || !isEnabled(e) || w.rejected !== undefined) continue;
    if (w.visit(apicPxm(e, revision), e.at)) acpiNuma = true;
  }
  const memory = xenMemoryPass(w, entries, revision, limits.maxNumnodes * 2);
  const first = entries[0];
  if (w.rejected !== undefined || first === undefined) return w.result();
  if (limits.notX86 === true || (!entries.some((e) => e.type === 0 || e.type === 2) && entries.some((e) => e.type === 3 || e.type === 7))) {
    // Only x86 selects ACPI_NUMA (xen/arch/x86/Kconfig); xen/arch/arm and riscv have no SRAT reader.
    // Said by the verdict alone: a finding on every Arm dump would be noise, not a firmware fault.
    w.rejected = "Xen reads the SRAT only on x86 (only xen/arch/x86 selects ACPI_NUMA), and these tables describe an Arm, RISC-V or LoongArch host";
    return w.result();
  }
  // Without any memory range Linux falls back as well, for that reason (./fallback.ts).
  if (!acpiNuma && entries.some((e) => e.type === 1 && isEnabled(e) && e.addressLength > 0n)) {
    w.reject("XEN_SRAT_NO_CPU", "no enabled processor entry Xen accepts, so acpi_numa stays 0 (arch_numa_unavailable)", first.at);
    return w.result();
  }
  xenCoverage(w, entries, revision, memory.span, first.at);
  return w.result();
}

/** A memory block as numa_update_node_memblks() keeps it; `bootRam`: presumed RAM present at boot. */
interface XenBlock extends Block { bootRam: boolean }

/** The memory pass's blocks, and each node's span (numa_nodes[]: non-hot-plug blocks only) by PXM. */
interface XenMemory { blocks: XenBlock[]; span: Map<number, { start: bigint; end: bigint }> }

/**
 * The memory pass. acpi_parse_entries() calls the handler for the first NR_NODE_MEMBLKS type 1
 * entries only, disabled ones included (xen/drivers/acpi/tables.c; acpi_numa_init passes
 * NR_NODE_MEMBLKS as max_entries), so "too many ranges" is never reached: later entries are
 * dropped with a warning. A zero-length enabled range is a block too: it counts, and it conflicts
 * when it lies strictly inside another block. Hot-plug blocks are checked for overlap and
 * interleave like the others but do not grow the node's span (nd->start/end).
 */
function xenMemoryPass(w: Walker, entries: readonly SratEntry[], revision: number, maxBlocks: number): XenMemory {
  const blocks: XenBlock[] = [];
  // numa_nodes[node] start/end per PXM; absent or empty (start == end): the node has no memory yet.
  const span = new Map<number, { start: bigint; end: bigint }>();
  let seen = 0;
  let ignored: SratMemory | undefined;
  let ignoredCount = 0;
  for (const e of entries) {
    if (e.type !== 1) continue;
    if (++seen > maxBlocks) {
      ignored ??= e;
      ignoredCount++;
      continue;
    }
    if (w.rejected !== undefined) continue;
    const bad = e.declaredLength !== sratSize(1);
    if (bad) { w.reject("XEN_SRAT_BAD_LENGTH", `SRAT type 1 entry has length ${e.declaredLength}, expected ${sratSize(1)}`, e.at); continue; }
    if (!isEnabled(e)) continue;
    const pxm = memoryPxm(e, revision);
    if (!w.visit(pxm, e.at)) continue;
    const b: XenBlock = { start: e.baseAddress, end: e.baseAddress + e.addressLength, pxm, hotplug: isHotPluggable(e), at: e.at, bootRam: isBootRam(e) };
    const s = span.get(pxm);
    const grown = s === undefined || s.start === s.end ? { start: b.start, end: b.end } : { start: s.start < b.start ? s.start : b.start, end: s.end > b.end ? s.end : b.end };
    if (!xenConflict(w, blocks, grown, b)) continue;
    blocks.push(b);
    if (!b.hotplug) span.set(pxm, grown);
  }
  if (ignored !== undefined) {
    w.note("warning", "XEN_TOO_MANY_MEMBLKS", `Xen reads only the first ${maxBlocks} memory entries (NR_NODE_MEMBLKS, acpi_parse_entries' max_entries): it ignores ${ignoredCount} of ${seen}, from this one on`, ignored.at);
  }
  return { blocks, span };
}

/** Presumed RAM at boot: the tables do not say; an enabled range neither hot-pluggable nor non-volatile. */
function isBootRam(e: SratMemory): boolean {
  return isEnabled(e) && e.addressLength > 0n && !isHotPluggable(e) && !isSet(e.flags, SRAT_MEMORY_FLAGS.nonVolatile);
}

/**
 * conflicting_memblks() for block `b` whose node span would become `grown`: false (and the SRAT
 * rejected) on OVERLAP with another node or with different hot-plug flags, or on INTERLEAVE.
 * Zero-length recorded blocks are skipped, as Xen skips them.
 */
function xenConflict(w: Walker, blocks: readonly XenBlock[], grown: { start: bigint; end: bigint }, b: XenBlock): boolean {
  // Xen prints [start, end - 1], which for an empty range reads backwards: say so.
  const range = `[${hex(b.start)}, ${hex(b.end - 1n)}]${b.start === b.end ? " (length 0)" : ""}`;
  for (const o of blocks) {
    if (o.start === o.end || !overlaps(o, b)) continue;
    if (o.pxm !== b.pxm) {
      w.reject("XEN_MEMORY_OVERLAP", `PXM ${b.pxm} ${range} overlaps with PXM ${o.pxm} [${hex(o.start)}, ${hex(o.end - 1n)}]`, b.at);
      return false;
    }
    if (o.hotplug !== b.hotplug) {
      w.reject("XEN_MEMORY_OVERLAP", `PXM ${b.pxm} ${range} overlaps a range of the same node with different hot-plug flags`, b.at);
      return false;
    }
    w.note("warning", "XEN_MEMORY_OVERLAP_SAME_NODE", `PXM ${b.pxm} ${range} overlaps another range of the same node`, b.at);
  }
  const other = blocks.find((o) => o.start !== o.end && o.pxm !== b.pxm && o.start >= grown.start && o.end <= grown.end);
  if (other !== undefined) {
    w.reject("XEN_MEMORY_INTERLEAVE", `PXM ${b.pxm} ${range}${b.hotplug ? " (hot-pluggable)" : ""} would make its node span [${hex(grown.start)}, ${hex(grown.end - 1n)}] contain PXM ${other.pxm}'s [${hex(other.start)}, ${hex(other.end - 1n)}] (interleaved nodes)`, b.at);
    return false;
  }
  return true;
}

/**
 * nodes_cover_memory(): every RAM range of the e820 map must lie in the span of a node with
 * (non-hot-plug) memory. The map is not in the tables: the presumed RAM is every enabled range
 * neither hot-pluggable nor non-volatile in the whole SRAT (the ones Xen did not read included), and
 * when there is none at all the host's RAM is somewhere no node covers.
 */
function xenCoverage(w: Walker, entries: readonly SratEntry[], revision: number, spans: XenMemory["span"], at: EntryLocation): void {
  const memory = entries.filter((e): e is SratMemory => e.type === 1 && isEnabled(e) && e.addressLength > 0n);
  const ram = memory.filter(isBootRam);
  if (memory.length > 0 && ram.length === 0) {
    w.reject("XEN_RAM_NOT_COVERED", "every memory range is hot-pluggable or non-volatile, so no node has boot memory and nodes_cover_memory() finds no node for the host's RAM", at);
    return;
  }
  for (const e of ram) {
    let start = e.baseAddress;
    let end = e.baseAddress + e.addressLength;
    // The same trimming loop as nodes_cover_memory().
    for (let found = true; found && start < end;) {
      found = false;
      for (const s of spans.values()) {
        if (start < s.end && end > s.start) {
          if (start >= s.start) { start = s.end; found = true; }
          if (end <= s.end) { end = s.start; found = true; }
        }
      }
    }
    if (start < end) {
      w.reject("XEN_RAM_NOT_COVERED", `no node for RAM range [${hex(start)}, ${hex(end - 1n)}] of PXM ${memoryPxm(e, revision)}'s entry (nodes_cover_memory)`, e.at);
      return;
    }
  }
}
