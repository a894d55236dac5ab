/** SRAT checks: fwts `srat` (acpi.md §9) plus the semantic rules no other tool makes. */
import type { DecodedTable } from "../acpi/index.js";
import { deviceHandleSpec, SRAT_SIZES, SRAT_TABLE_REVISION_OFFSET, sratRev1Pxm } from "../acpi/tables/srat.js";
import { fieldOffset } from "../acpi/layout/types.js";
import { entryPxm, isEnabled } from "../topology/srat-walk.js";
import { locationOf, sratEntries, type SratEntry, type SratGeneric } from "../acpi/views.js";
import { Findings } from "./findings.js";
import { hex } from "../util/hex.js";


/** Non-zero bytes in the handle's reserved tail (ACPI handle: 12..15, PCI handle: 4..15, from their specs). */
function deviceHandleReserved(e: SratGeneric): number[] {
  const handle = deviceHandleSpec(e.deviceHandleType);
  const from = handle === undefined ? e.deviceHandle.length : fieldOffset(handle, "reserved");
  return [...e.deviceHandle.subarray(from)].filter((b) => b !== 0);
}

function cpuKey(e: SratEntry): string | undefined {
  switch (e.type) {
    case 0: case 2: return `APIC id ${hex(e.type === 0 ? e.apicId : e.x2apicId)}`;
    case 3: return `GICC UID ${e.acpiProcessorUid}`;
    case 7: return `RINTC UID ${e.acpiProcessorUid}`;
    default: return undefined;
  }
}

export function checkSrat(t: DecodedTable, f: Findings): void {
  const tableRev = t.fixed?.values["tableRevision"];
  if (typeof tableRev === "number" && tableRev !== 1) {
    f.add("SRAT_TABLE_REVISION_FIELD", `SRAT 'Table Revision' field (offset ${SRAT_TABLE_REVISION_OFFSET}) is ${tableRev}, must be 1`, locationOf(t, SRAT_TABLE_REVISION_OFFSET));
  }
  for (const s of t.subtables) {
    if (s.type === undefined) continue;
    const want = SRAT_SIZES[s.type];
    if (want === undefined) f.add("SRAT_INVALID_TYPE", `structure type ${hex(s.type)} at ${hex(s.offset)} is not 0x00..0x07`, locationOf(t, s.offset));
    else if (s.declaredLength !== want && s.declaredLength !== 0) f.add("SRAT_BAD_STRUCTURE_LENGTH", `type ${s.type} structure at ${hex(s.offset)} has length ${hex(s.declaredLength)}, should be ${hex(want)}`, locationOf(t, s.offset));
  }
  const revision = typeof t.header.values["revision"] === "number" ? t.header.values["revision"] : 0;
  const entries = sratEntries(t);
  const cpus = new Map<string, SratEntry>();
  for (const e of entries) {
    if ((e.type === 5 || e.type === 6)) {
      const bad = deviceHandleReserved(e);
      if (bad.length > 0) f.add("SRAT_DEVICE_HANDLE_RESERVED", `${e.type === 5 ? "Generic Initiator" : "Generic Port"} device handle has ${bad.length} non-zero reserved byte(s)`, e.at);
    }
    if (revision <= 1 && e.type === 0 && (e.proximityDomainHigh24 ?? 0) !== 0) {
      f.add("SRAT_REV1_HIGH_PXM", `revision-1 SRAT: APIC ${hex(e.apicId)} has Proximity Domain High bytes ${hex(e.proximityDomainHigh24 ?? 0)}, which Linux and Xen ignore (PXM ${e.proximityDomainLow8})`, e.at);
    }
    if (revision <= 1 && e.type === 1 && e.proximityDomain > 0xff) {
      f.add("SRAT_REV1_HIGH_PXM", `revision-1 SRAT: memory PXM ${e.proximityDomain} is cut to 8 bits (${sratRev1Pxm(e.proximityDomain)}) by Linux and Xen`, e.at);
    }
    if (!isEnabled(e)) {
      if (e.type === 1 && e.addressLength !== 0n) f.add("SRAT_DISABLED_ENTRY_DATA", `disabled memory entry holds [mem ${hex(e.baseAddress)}+${hex(e.addressLength)}]; it is ignored`, e.at);
      continue;
    }
    const pxm = entryPxm(e, revision);
    if (pxm > 255) f.add("SRAT_PXM_ABOVE_255", `PXM ${pxm} ≥ 256: Linux built with fewer than ${pxm + 1} nodes (MAX_PXM_DOMAINS) rejects the SRAT`, e.at);
    if (e.type === 1) {
      if (e.addressLength === 0n) f.add("SRAT_MEMORY_ZERO_LENGTH", `enabled memory range at ${hex(e.baseAddress)} has length 0`, e.at);
      if (e.baseAddress + e.addressLength > 1n << 64n) f.add("SRAT_MEMORY_WRAPS", `memory range ${hex(e.baseAddress)}+${hex(e.addressLength)} runs past 2^64`, e.at);
    }
    const key = cpuKey(e);
    if (key === undefined) continue;
    const first = cpus.get(key);
    if (first === undefined) cpus.set(key, e);
    else f.add("SRAT_DUPLICATE_CPU", `${key} appears again (first at ${hex(first.at.offset)}, PXM ${entryPxm(first, revision)}; here PXM ${pxm})`, e.at);
  }
  const enabled = entries.filter(isEnabled);
  if (enabled.some((e) => e.type !== 1) && !enabled.some((e) => e.type === 1)) {
    f.add("SRAT_NO_MEMORY", "the SRAT places CPUs but no enabled memory range", locationOf(t, 48));
  }
}
