/**
 * Typed views over decoded tables. The decoding engine hands out untyped `FieldValues`; these
 * views name the fields the topology and the validator need (keys and kinds from
 * src/acpi/tables/*.ts, checked by `readView` and by a test), so no one else indexes by string.
 */
import type { DecodedSubtable, DecodedTable } from "./index.js";
import { describeProvenance } from "./raw.js";
import { defineView, readView, type ViewOf } from "./layout/view.js";
import { isSet, type BitSpec, type StructSpec } from "./layout/types.js";
import { headerSpec } from "./tables/header.js";
import { HMAT_MEMORY_FLAGS, HMAT_REV1_MEMORY_FLAGS, hmatRev1Type0, hmatSubtables } from "./tables/hmat.js";
import { MADT_CORE_PIC_FLAGS, MADT_GICC_FLAGS, MADT_LAPIC_FLAGS, MADT_RINTC_FLAGS, madtSubtables } from "./tables/madt.js";
import { msct, msctDomainSpec } from "./tables/msct.js";
import { slit } from "./tables/slit.js";
import { acpiDeviceHandleSpec, pciDeviceHandleSpec, sratSubtables } from "./tables/srat.js";
import { HEADER_SIZE } from "./tables/header.js";
import { SLIT_LOCALITIES_OFFSET } from "./tables/slit.js";

/** Where an entry sits: table signature, byte offset, and the table's source file. */
export interface EntryLocation {
  table: string;
  offset: number;
  source: string;
}

interface Located { at: EntryLocation; declaredLength: number }

/**
 * What each view reads, and from which specs: the field keys with their kinds. `readView` checks
 * them at run time and test/acpi/views.test.ts checks them against the specs.
 */
const srat = sratSubtables as Readonly<Record<number, StructSpec>>;
const spec = (table: Readonly<Record<number, StructSpec>>, type: number): StructSpec[] => (table[type] === undefined ? [] : [table[type]]);
export const VIEWS = {
  sratCpuApic: defineView("SRAT type 0", spec(srat, 0), { proximityDomainLow8: "u8", apicId: "u8", flags: "u32" }),
  sratCpuApicTail: defineView("SRAT type 0 (revision 2 tail)", spec(srat, 0), { localSapicEid: "u8", proximityDomainHigh24: "u24" }),
  sratMemory: defineView("SRAT type 1", spec(srat, 1), { proximityDomain: "u32", baseAddress: "u64", addressLength: "u64", flags: "u32" }),
  sratX2apic: defineView("SRAT type 2", spec(srat, 2), { proximityDomain: "u32", x2apicId: "u32", flags: "u32" }),
  sratGicc: defineView("SRAT type 3", spec(srat, 3), { proximityDomain: "u32", acpiProcessorUid: "u32", flags: "u32" }),
  sratGicIts: defineView("SRAT type 4", spec(srat, 4), { proximityDomain: "u32", itsId: "u32" }),
  sratGeneric: defineView("SRAT types 5, 6", [...spec(srat, 5), ...spec(srat, 6)], { deviceHandleType: "u8", proximityDomain: "u32", deviceHandle: "bytes", flags: "u32" }),
  sratRintc: defineView("SRAT type 7", spec(srat, 7), { proximityDomain: "u32", acpiProcessorUid: "u32", flags: "u32" }),
  acpiHandle: defineView("ACPI Device Handle", [acpiDeviceHandleSpec], { hid: "ascii", uid: "u32" }),
  pciHandle: defineView("PCI Device Handle", [pciDeviceHandleSpec], { segment: "u16", bus: "u8", devfn: "u8" }),
  madtLapic: defineView("MADT Local APIC", spec(madtSubtables, 0x00), { processorId: "u8", localApicId: "u8", flags: "u32" }),
  madtX2apic: defineView("MADT x2APIC", spec(madtSubtables, 0x09), { x2apicId: "u32", flags: "u32", processorUid: "u32" }),
  madtGicc: defineView("MADT GICC", spec(madtSubtables, 0x0b), { processorUid: "u32", flags: "u32" }),
  madtCorePic: defineView("MADT CORE_PIC", spec(madtSubtables, 0x11), { processorId: "u32", coreId: "u32", flags: "u32" }),
  madtRintc: defineView("MADT RINTC", spec(madtSubtables, 0x18), { processorUid: "u32", flags: "u32" }),
  slit: defineView("SLIT", [slit.fixed], { localityCount: "u64", entries: "array" }),
  hmatMemory: defineView("HMAT type 0", spec(hmatSubtables, 0), { flags: "u16", attachedInitiatorProximityDomain: "u32", memoryProximityDomain: "u32" }),
  hmatRev1Memory: defineView("HMAT revision 1 type 0", [hmatRev1Type0], { flags: "u16", processorProximityDomain: "u32", memoryProximityDomain: "u32" }),
  hmatLocality: defineView("HMAT type 1", spec(hmatSubtables, 1), {
    flags: "u8", dataType: "u8", minimumTransferSize: "u8", initiatorProximityDomainsCount: "u32", targetProximityDomainsCount: "u32", entryBaseUnit: "u64",
    initiatorProximityDomainList: "array", targetProximityDomainList: "array", entries: "array",
  }),
  hmatCache: defineView("HMAT type 2", spec(hmatSubtables, 2), {
    memoryProximityDomain: "u32", memorySideCacheSize: "u64", cacheAttributes: "u32", addressMode: "u16", smbiosHandleCount: "u16", smbiosHandles: "array",
  }),
  msct: defineView("MSCT", [msct.fixed], { proximityOffset: "u32", maxProximityDomains: "u32", maxClockDomains: "u32", maxPhysicalAddress: "u64" }),
  msctDomain: defineView("MSCT domain", [msctDomainSpec], { revision: "u8", length: "u8", domainRangeStart: "u32", domainRangeEnd: "u32", processorCapacity: "u32", memoryCapacity: "u64" }),
  header: defineView("table header", [headerSpec], { tableLength: "u32", revision: "u8" }),
} as const;

type V<K extends keyof typeof VIEWS> = ViewOf<(typeof VIEWS)[K]["shape"]>;

export interface SratCpuApic extends Located, V<"sratCpuApic"> { type: 0; localSapicEid: number; proximityDomainHigh24: number | undefined }
export interface SratMemory extends Located, V<"sratMemory"> { type: 1 }
export interface SratX2apic extends Located, V<"sratX2apic"> { type: 2 }
export interface SratGicc extends Located, V<"sratGicc"> { type: 3 }
export interface SratGicIts extends Located, V<"sratGicIts"> { type: 4 }
export interface SratGeneric extends Located, V<"sratGeneric"> { type: 5 | 6 }
export interface SratRintc extends Located, V<"sratRintc"> { type: 7 }

export type SratEntry = SratCpuApic | SratMemory | SratX2apic | SratGicc | SratGicIts | SratGeneric | SratRintc;

export interface MadtCpu extends Located {
  /** MADT structure type: 0 LAPIC, 9 x2APIC, 0xB GICC, 0x11 LoongArch CORE_PIC, 0x18 RINTC. */
  type: 0 | 9 | 0x0b | 0x11 | 0x18;
  /** The id SRAT matches on: APIC id, x2APIC id, LoongArch core id (x86/LoongArch), or the processor UID. */
  matchId: number;
  uid: number;
  flags: number;
  /** The structure's Enabled flag. */
  enabled: boolean;
  /** Its Online Capable flag (LAPIC/x2APIC "Runtime Online Capable", GICC, RINTC): can be brought online later. */
  onlineCapable: boolean;
}

export interface SlitView {
  at: EntryLocation; localities: bigint; entries: readonly number[]; tableLength: number;
  /** The decoder stopped the matrix at MAX_ARRAY_ELEMENTS (ARRAY_TOO_LARGE), with more of it present. */
  capped: boolean;
}

export interface HmatMemoryAttributes extends Located {
  type: 0; flags: number; attachedInitiatorProximityDomain: number; memoryProximityDomain: number;
  /** Flags say the attached initiator field holds a domain (bit 0 in both revisions). */
  initiatorValid: boolean;
  /** Flags say the memory domain field holds one: always in revision 2, bit 1 in revision 1. */
  memoryValid: boolean;
}
export interface HmatLocality extends Located, V<"hmatLocality"> { type: 1 }
export interface HmatCache extends Located, V<"hmatCache"> { type: 2 }
export type HmatEntry = HmatMemoryAttributes | HmatLocality | HmatCache;

export interface MsctDomain extends Located, V<"msctDomain"> {}
export interface MsctView extends V<"msct"> {
  at: EntryLocation; tableLength: number; revision: number;
  domains: MsctDomain[];
}

export function locationOf(t: DecodedTable, offset: number): EntryLocation {
  return { table: t.signature, offset, source: describeProvenance(t.source) };
}

/** A subtable is usable only when every field its spec lists was present (not cut short). */
function complete(s: DecodedSubtable): boolean {
  return s.known && s.missing.length === 0;
}

function located(t: DecodedTable, s: DecodedSubtable): Located {
  return { at: locationOf(t, s.offset), declaredLength: s.declaredLength };
}

/**
 * SRAT entries in table order. A truncated entry keeps the fields that fit; entries missing a
 * field the topology needs are left out (the decoder has already reported them). Type 0 of an
 * SRAT cut to 12 bytes lacks `proximityDomainHigh24`, which is optional here.
 */
export function sratEntries(t: DecodedTable): readonly SratEntry[] {
  const cached = sratCache.get(t);
  if (cached !== undefined) return cached;
  const out: SratEntry[] = [];
  for (const s of t.subtables) {
    const e = s.known ? sratEntry(t, s) : undefined;
    if (e !== undefined) out.push(e);
  }
  sratCache.set(t, out);
  return out;
}

/**
 * The views of a decoded table, made once: topology and validation each ask for the SRAT's entries
 * and the MADT's CPUs of the same table. A decoded table is not changed after decoding.
 */
const sratCache = new WeakMap<DecodedTable, readonly SratEntry[]>();
const madtCache = new WeakMap<DecodedTable, readonly MadtCpu[]>();

/**
 * A view with its location and type. readView's object is fresh and nobody else's: the fields are
 * added to it, in the order `{ ...view, ...located(t, s), type }` gives them (that spread cost ten
 * times the rest of the view).
 */
function locatedView<T extends object, N extends number>(view: T, t: DecodedTable, s: DecodedSubtable, type: N): T & Located & { type: N };
function locatedView<T extends object, N extends number>(view: T | undefined, t: DecodedTable, s: DecodedSubtable, type: N): (T & Located & { type: N }) | undefined;
function locatedView<T extends object, N extends number>(view: T | undefined, t: DecodedTable, s: DecodedSubtable, type: N): (T & Located & { type: N }) | undefined {
  if (view === undefined) return undefined;
  const e = view as T & Located & { type: N };
  e.at = locationOf(t, s.offset);
  e.declaredLength = s.declaredLength;
  e.type = type;
  return e;
}

function sratEntry(t: DecodedTable, s: DecodedSubtable): SratEntry | undefined {
  const v = s.values;
  if (s.type === 0) {
    const cpu = readView(v, VIEWS.sratCpuApic);
    if (cpu === undefined) return undefined;
    const high = v["proximityDomainHigh24"];
    const eid = v["localSapicEid"];
    const e = locatedView(cpu, t, s, 0 as const);
    return Object.assign(e, { proximityDomainHigh24: typeof high === "number" ? high : undefined, localSapicEid: typeof eid === "number" ? eid : 0 });
  }
  if (!complete(s)) return undefined;
  switch (s.type) {
    case 1: return locatedView(readView(v, VIEWS.sratMemory), t, s, 1 as const);
    case 2: return locatedView(readView(v, VIEWS.sratX2apic), t, s, 2 as const);
    case 3: return locatedView(readView(v, VIEWS.sratGicc), t, s, 3 as const);
    case 4: return locatedView(readView(v, VIEWS.sratGicIts), t, s, 4 as const);
    case 5: case 6: return locatedView(readView(v, VIEWS.sratGeneric), t, s, s.type);
    case 7: return locatedView(readView(v, VIEWS.sratRintc), t, s, 7 as const);
    default: return undefined;
  }
}

/** One MADT CPU, its fields in this order (a literal: spreading the location into it cost more than the rest of the view). */
function madtCpu(t: DecodedTable, s: DecodedSubtable, type: MadtCpu["type"], matchId: number, uid: number, flags: number, enabled: BitSpec, online: BitSpec | undefined): MadtCpu {
  return {
    at: locationOf(t, s.offset), declaredLength: s.declaredLength, type, matchId, uid, flags,
    enabled: isSet(flags, enabled), onlineCapable: online !== undefined && isSet(flags, online),
  };
}

/** The MADT's id, UID and flag names for each processor structure type. */
function cpuFromMadt(t: DecodedTable, s: DecodedSubtable): MadtCpu | undefined {
  const v = s.values;
  const cpu = (type: MadtCpu["type"], matchId: number, uid: number, flags: number, enabled: BitSpec, online: BitSpec | undefined): MadtCpu =>
    madtCpu(t, s, type, matchId, uid, flags, enabled, online);
  switch (s.type) {
    case 0x00: { const c = readView(v, VIEWS.madtLapic); return c && cpu(0x00, c.localApicId, c.processorId, c.flags, MADT_LAPIC_FLAGS.processorEnabled, MADT_LAPIC_FLAGS.runtimeOnlineCapable); }
    case 0x09: { const c = readView(v, VIEWS.madtX2apic); return c && cpu(0x09, c.x2apicId, c.processorUid, c.flags, MADT_LAPIC_FLAGS.processorEnabled, MADT_LAPIC_FLAGS.runtimeOnlineCapable); }
    case 0x0b: { const c = readView(v, VIEWS.madtGicc); return c && cpu(0x0b, c.processorUid, c.processorUid, c.flags, MADT_GICC_FLAGS.processorEnabled, MADT_GICC_FLAGS.onlineCapable); }
    // LoongArch CORE_PIC has no online-capable flag.
    case 0x11: { const c = readView(v, VIEWS.madtCorePic); return c && cpu(0x11, c.coreId, c.processorId, c.flags, MADT_CORE_PIC_FLAGS.enabled, undefined); }
    case 0x18: { const c = readView(v, VIEWS.madtRintc); return c && cpu(0x18, c.processorUid, c.processorUid, c.flags, MADT_RINTC_FLAGS.processorEnabled, MADT_RINTC_FLAGS.onlineCapable); }
    default: return undefined;
  }
}

/** MADT processor entries (LAPIC, x2APIC, GICC, CORE_PIC, RINTC) in table order. */
export function madtCpus(t: DecodedTable): readonly MadtCpu[] {
  const cached = madtCache.get(t);
  if (cached !== undefined) return cached;
  const out = t.subtables.flatMap((s) => {
    const c = s.known ? cpuFromMadt(t, s) : undefined;
    return c === undefined ? [] : [c];
  });
  madtCache.set(t, out);
  return out;
}

export function slitView(t: DecodedTable): SlitView | undefined {
  const f = t.fixed?.values;
  const count = f?.["localityCount"];
  if (f === undefined || typeof count !== "bigint") return undefined;
  const entries = f["entries"];
  return {
    at: locationOf(t, SLIT_LOCALITIES_OFFSET), localities: count, entries: Array.isArray(entries) ? (entries as number[]) : [], tableLength: tableLengthOf(t),
    capped: t.fixed?.capped.some((c) => c.key === "entries") ?? false,
  };
}

/**
 * HMAT structures in table order. Revision 1's type 0 (ACPI 6.2) names the attached initiator
 * "Processor Proximity Domain" and says with flag bit 1 whether the memory domain is valid; Linux
 * (hmat_parse_proximity_domain) reads both by revision, and so does this view.
 */
export function hmatEntries(t: DecodedTable): HmatEntry[] {
  const out: HmatEntry[] = [];
  for (const s of t.subtables) {
    if (!complete(s)) continue;
    const at = located(t, s);
    if (s.type === 0 && s.spec === hmatRev1Type0) {
      const m = readView(s.values, VIEWS.hmatRev1Memory);
      if (m !== undefined) {
        out.push({
          ...at, type: 0, flags: m.flags, attachedInitiatorProximityDomain: m.processorProximityDomain, memoryProximityDomain: m.memoryProximityDomain,
          initiatorValid: isSet(m.flags, HMAT_REV1_MEMORY_FLAGS.processorProximityDomainValid), memoryValid: isSet(m.flags, HMAT_REV1_MEMORY_FLAGS.memoryProximityDomainValid),
        });
      }
    } else if (s.type === 0) {
      const m = readView(s.values, VIEWS.hmatMemory);
      if (m !== undefined) out.push({ ...m, ...at, type: 0, initiatorValid: isSet(m.flags, HMAT_MEMORY_FLAGS.processorProximityDomainValid), memoryValid: true });
    } else if (s.type === 1) {
      const e = locatedView(readView(s.values, VIEWS.hmatLocality), t, s, 1 as const);
      if (e !== undefined) out.push(e);
    } else if (s.type === 2) {
      const e = locatedView(readView(s.values, VIEWS.hmatCache), t, s, 2 as const);
      if (e !== undefined) out.push(e);
    }
  }
  return out;
}

export function msctView(t: DecodedTable): MsctView | undefined {
  if (t.fixed === undefined || t.fixed.missing.length > 0) return undefined;
  const f = readView(t.fixed.values, VIEWS.msct);
  if (f === undefined) return undefined;
  const domains: MsctDomain[] = [];
  for (const s of t.subtables) {
    const d = complete(s) ? readView(s.values, VIEWS.msctDomain) : undefined;
    if (d !== undefined) domains.push({ ...d, ...located(t, s) });
  }
  return { ...f, at: locationOf(t, HEADER_SIZE), tableLength: tableLengthOf(t), revision: revisionOf(t), domains };
}

function tableLengthOf(t: DecodedTable): number {
  return readView(t.header.values, VIEWS.header)?.tableLength ?? 0;
}

/** The table revision from the common header (0 when the header is damaged). */
export function revisionOf(t: DecodedTable): number {
  const r = t.header.values["revision"];
  return typeof r === "number" ? r : 0;
}
