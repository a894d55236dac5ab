/**
 * Typed views over decoded tables. The decoding engine hands out untyped `FieldValues`; these
 * interfaces name the fields the topology needs (keys from src/acpi/tables/*.ts) and are applied
 * with one cast at this boundary, so the builder never indexes by string.
 */
import type { DecodedSubtable, DecodedTable } from "./index.js";
import { describeProvenance } from "./raw.js";
import { HEADER_SIZE } from "./tables/header.js";
import { SLIT_LOCALITIES_OFFSET } from "./tables/slit.js";

/** Where an entry sits: table signature, byte offset, and the table's source file. */
export interface EntryLocation {
  table: string;
  offset: number;
  source: string;
}

interface Located { at: EntryLocation; declaredLength: number }

export interface SratCpuApic extends Located { type: 0; proximityDomainLow8: number; apicId: number; flags: number; localSapicEid: number; proximityDomainHigh24: number | undefined }
export interface SratMemory extends Located { type: 1; proximityDomain: number; baseAddress: bigint; addressLength: bigint; flags: number }
export interface SratX2apic extends Located { type: 2; proximityDomain: number; x2apicId: number; flags: number }
export interface SratGicc extends Located { type: 3; proximityDomain: number; acpiProcessorUid: number; flags: number }
export interface SratGicIts extends Located { type: 4; proximityDomain: number; itsId: number }
export interface SratGeneric extends Located { type: 5 | 6; deviceHandleType: number; proximityDomain: number; deviceHandle: Uint8Array; flags: number }
export interface SratRintc extends Located { type: 7; proximityDomain: number; acpiProcessorUid: number; flags: number }

export type SratEntry = SratCpuApic | SratMemory | SratX2apic | SratGicc | SratGicIts | SratGeneric | SratRintc;

export interface MadtCpu extends Located {
  /** MADT structure type: 0 LAPIC, 9 x2APIC, 0xB GICC, 0x11 LoongArch CORE_PIC, 0x18 RINTC. */
  type: 0 | 9 | 0x0b | 0x11 | 0x18;
  /** The id SRAT matches on: APIC id, x2APIC id, LoongArch core id (x86/LoongArch), or the processor UID. */
  matchId: number;
  uid: number;
  flags: number;
  /** Flags bit 0. */
  enabled: boolean;
  /** Flags bit 1 (LAPIC/x2APIC/RINTC) or bit 3 (GICC): can be brought online later. */
  onlineCapable: boolean;
}

export interface SlitView { at: EntryLocation; localities: bigint; entries: readonly number[]; tableLength: number }

export interface HmatMemoryAttributes extends Located { type: 0; flags: number; attachedInitiatorProximityDomain: number; memoryProximityDomain: number }
export interface HmatLocality extends Located {
  type: 1; flags: number; dataType: number; minimumTransferSize: number;
  initiatorProximityDomainsCount: number; targetProximityDomainsCount: number; entryBaseUnit: bigint;
  initiatorProximityDomainList: number[]; targetProximityDomainList: number[]; entries: number[];
}
export interface HmatCache extends Located {
  type: 2; memoryProximityDomain: number; memorySideCacheSize: bigint; cacheAttributes: number; addressMode: number;
  smbiosHandleCount: number; smbiosHandles: number[];
}
export type HmatEntry = HmatMemoryAttributes | HmatLocality | HmatCache;

export interface MsctDomain extends Located { revision: number; length: number; domainRangeStart: number; domainRangeEnd: number; processorCapacity: number; memoryCapacity: bigint }
export interface MsctView {
  at: EntryLocation; tableLength: number; revision: number;
  proximityOffset: number; maxProximityDomains: number; maxClockDomains: number; maxPhysicalAddress: bigint;
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
export function sratEntries(t: DecodedTable): SratEntry[] {
  const out: SratEntry[] = [];
  for (const s of t.subtables) {
    const v = s.values;
    if (s.type === 0 && s.known && v["flags"] !== undefined && v["apicId"] !== undefined) {
      out.push({ ...(v as unknown as Omit<SratCpuApic, keyof Located>), ...located(t, s), type: 0, proximityDomainHigh24: v["proximityDomainHigh24"] as number | undefined, localSapicEid: (v["localSapicEid"] as number | undefined) ?? 0 });
    } else if (s.type !== undefined && s.type <= 7 && complete(s)) {
      out.push({ ...(v as unknown as SratEntry), ...located(t, s) });
    }
  }
  return out;
}

function cpuFromMadt(t: DecodedTable, s: DecodedSubtable): MadtCpu | undefined {
  const v = s.values as Record<string, number | bigint | undefined>;
  const flags = v["flags"];
  if (typeof flags !== "number") return undefined;
  const num = (k: string): number | undefined => (typeof v[k] === "number" ? v[k] : undefined);
  let matchId: number | undefined;
  let uid: number | undefined;
  let onlineBit = 1;
  switch (s.type) {
    case 0x00: matchId = num("localApicId"); uid = num("processorId"); break;
    case 0x09: matchId = num("x2apicId"); uid = num("processorUid"); break;
    case 0x0b: uid = num("processorUid"); matchId = uid; onlineBit = 3; break;
    case 0x11: matchId = num("coreId"); uid = num("processorId"); onlineBit = -1; break;
    case 0x18: uid = num("processorUid"); matchId = uid; break;
    default: return undefined;
  }
  if (matchId === undefined || uid === undefined) return undefined;
  return {
    ...located(t, s), type: s.type, matchId, uid, flags,
    enabled: (flags & 1) !== 0,
    onlineCapable: onlineBit >= 0 && ((flags >>> onlineBit) & 1) !== 0,
  };
}

/** MADT processor entries (LAPIC, x2APIC, GICC, CORE_PIC, RINTC) in table order. */
export function madtCpus(t: DecodedTable): MadtCpu[] {
  return t.subtables.flatMap((s) => {
    const c = s.known ? cpuFromMadt(t, s) : undefined;
    return c === undefined ? [] : [c];
  });
}

export function slitView(t: DecodedTable): SlitView | undefined {
  const f = t.fixed?.values;
  if (f === undefined || typeof f["localityCount"] !== "bigint") return undefined;
  const entries = Array.isArray(f["entries"]) ? f["entries"] : [];
  return { at: locationOf(t, SLIT_LOCALITIES_OFFSET), localities: f["localityCount"], entries, tableLength: t.header.values["tableLength"] as number };
}

export function hmatEntries(t: DecodedTable): HmatEntry[] {
  return t.subtables.filter((s) => s.type !== undefined && s.type <= 2 && complete(s))
    .map((s) => ({ ...(s.values as unknown as HmatEntry), ...located(t, s) }));
}

export function msctView(t: DecodedTable): MsctView | undefined {
  const f = t.fixed?.values;
  if (f === undefined || t.fixed === undefined || t.fixed.missing.length > 0) return undefined;
  return {
    ...(f as unknown as Pick<MsctView, "proximityOffset" | "maxProximityDomains" | "maxClockDomains" | "maxPhysicalAddress">),
    at: locationOf(t, HEADER_SIZE), tableLength: t.header.values["tableLength"] as number, revision: t.header.values["revision"] as number,
    domains: t.subtables.filter(complete).map((s) => ({ ...(s.values as unknown as MsctDomain), ...located(t, s) })),
  };
}

/** The table revision from the common header (0 when the header is damaged). */
export function revisionOf(t: DecodedTable): number {
  const r = t.header.values["revision"];
  return typeof r === "number" ? r : 0;
}
