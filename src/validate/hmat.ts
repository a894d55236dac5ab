/** HMAT checks: fwts `hmat` plus Linux's acceptance rules (drivers/acpi/numa/hmat.c). */
import type { DecodedTable } from "../acpi/index.js";
import { HMAT_ATTRIBUTES_LENGTH, HMAT_CACHE_ATTRIBUTES, hmatCacheLength, hmatLocalityLength } from "../acpi/tables/hmat.js";
import { HEADER_OFFSET } from "../acpi/tables/header.js";
import { bitValue } from "../acpi/layout/types.js";
import type { HmatModel } from "../topology/hmat.js";
import { hmatEntries, locationOf, revisionOf } from "../acpi/views.js";
import { Findings } from "./findings.js";
import { hex } from "../util/hex.js";

export function checkHmat(t: DecodedTable, f: Findings, model: HmatModel | undefined, sratPxms: ReadonlySet<number>, memoryPxms: ReadonlySet<number>): void {
  const revision = revisionOf(t);
  if (revision !== 1 && revision !== 2) f.add("HMAT_REVISION", `HMAT revision ${revision}: Linux accepts only 1 and 2 ("acpi/hmat: Ignoring: Unknown revision")`, locationOf(t, HEADER_OFFSET.revision));
  for (const s of t.subtables) {
    if (s.type !== undefined && s.type > 2) f.add("HMAT_INVALID_TYPE", `structure type ${s.type} at ${hex(s.offset)} is not 0..2`, locationOf(t, s.offset));
  }
  for (const e of hmatEntries(t)) {
    if (e.type === 0) {
      if (e.declaredLength !== HMAT_ATTRIBUTES_LENGTH) f.add("HMAT_BAD_STRUCTURE_LENGTH", `Memory Proximity Domain Attributes has length ${e.declaredLength}, expected ${HMAT_ATTRIBUTES_LENGTH}`, e.at);
      if (sratPxms.size > 0 && !memoryPxms.has(e.memoryProximityDomain)) f.add("HMAT_PXM_NOT_IN_SRAT", `memory proximity domain ${e.memoryProximityDomain} has no enabled SRAT memory range`, e.at);
      if (e.initiatorValid && sratPxms.size > 0 && !sratPxms.has(e.attachedInitiatorProximityDomain)) f.add("HMAT_PXM_NOT_IN_SRAT", `attached initiator proximity domain ${e.attachedInitiatorProximityDomain} is not in the SRAT`, e.at);
    } else if (e.type === 1) {
      const s = e.initiatorProximityDomainsCount;
      const n = e.targetProximityDomainsCount;
      const need = hmatLocalityLength(s, n);
      if (e.declaredLength !== need) f.add("HMAT_BAD_STRUCTURE_LENGTH", `locality structure with ${s} initiators and ${n} targets has length ${e.declaredLength}, expected ${need}`, e.at);
      if (e.dataType > 5) f.add("HMAT_DATA_TYPE_INVALID", `locality data type is ${hex(e.dataType)}, must be 0..5`, e.at);
      if (e.entryBaseUnit === 0n) f.add("HMAT_BASE_UNIT_ZERO", "locality Entry Base Unit must be non-zero", e.at);
      if (e.minimumTransferSize !== 0) f.add("HMAT_MIN_TRANSFER_SIZE", `Minimum Transfer Size is ${e.minimumTransferSize} (ACPI 6.4; fwts still treats offset 10 as reserved)`, e.at);
      const unknown = [...new Set([...e.initiatorProximityDomainList, ...e.targetProximityDomainList])].filter((p) => !sratPxms.has(p));
      if (unknown.length > 0 && sratPxms.size > 0) f.add("HMAT_PXM_NOT_IN_SRAT", `locality lists proximity domain(s) ${unknown.join(", ")} that the SRAT does not have`, e.at);
    } else {
      const need = hmatCacheLength(e.smbiosHandleCount);
      if (e.declaredLength !== need) f.add("HMAT_BAD_STRUCTURE_LENGTH", `cache structure with ${e.smbiosHandleCount} SMBIOS handles has length ${e.declaredLength}, expected ${need}`, e.at);
      const a = e.cacheAttributes;
      const field = (b: keyof typeof HMAT_CACHE_ATTRIBUTES): number => bitValue(a, HMAT_CACHE_ATTRIBUTES[b]);
      const bad = field("totalCacheLevels") > 3 || field("cacheLevel") > 3 || field("cacheAssociativity") > 2 || field("writePolicy") > 2;
      if (bad) f.add("HMAT_CACHE_ATTRIBUTES_INVALID", `cache attributes ${hex(a, 8)} use reserved values (levels ≤ 3, level ≤ 3, associativity ≤ 2, write policy ≤ 2)`, e.at);
      if (e.addressMode !== 0) f.add("HMAT_ADDRESS_MODE", `Address Mode is ${e.addressMode}${e.addressMode > 1 ? " (reserved: 0 unknown, 1 extended-linear)" : " (extended-linear)"}; fwts treats these bytes as reserved`, e.at);
      if (sratPxms.size > 0 && !memoryPxms.has(e.memoryProximityDomain)) f.add("HMAT_PXM_NOT_IN_SRAT", `cache for memory proximity domain ${e.memoryProximityDomain}, which has no enabled SRAT memory range`, e.at);
    }
  }
  if (model !== undefined && !model.linuxUses) f.add("HMAT_NOT_USED", `Linux ignores the HMAT: ${model.linuxReason ?? ""}`, locationOf(t, 0));
}
