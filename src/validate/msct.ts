/** MSCT checks: fwts `msct` plus the domain ranges against the SRAT. */
import type { DecodedTable } from "../acpi/index.js";
import { msctView } from "../acpi/views.js";
import { Findings } from "./findings.js";
import { staticSize } from "../acpi/layout/types.js";
import { HEADER_SIZE } from "../acpi/tables/header.js";
import { msct, msctDomainSpec } from "../acpi/tables/msct.js";
import { hex } from "../util/hex.js";

/** Sizes from the MSCT spec: one domain structure, and where structures may start at the earliest. */
const DOMAIN_SIZE = staticSize(msctDomainSpec);
const MIN_PROXIMITY_OFFSET = HEADER_SIZE + staticSize(msct.fixed);

export function checkMsct(t: DecodedTable, f: Findings, sratPxms: ReadonlySet<number>): void {
  const v = msctView(t);
  if (v === undefined) return;
  if (v.proximityOffset < MIN_PROXIMITY_OFFSET) f.add("MSCT_BAD_PROXIMITY_OFFSET", `Proximity Offset is ${hex(v.proximityOffset, 0, { lower: true })}, must be at least ${hex(MIN_PROXIMITY_OFFSET, 0, { lower: true })}`, v.at);
  const maxPd = v.maxProximityDomains + 1; // stored as (maximum - 1)
  if (v.tableLength > v.proximityOffset + DOMAIN_SIZE * maxPd) {
    f.add("MSCT_BAD_TABLE_LENGTH", `table length ${v.tableLength} is larger than ${v.proximityOffset} + ${DOMAIN_SIZE} × ${maxPd} domains allow`, v.at);
  }
  if (v.domains.length > maxPd) f.add("MSCT_TOO_MANY_DOMAINS", `maximum number of proximity domains is ${maxPd}, but there are ${v.domains.length} domain structures`, v.at);
  for (const d of v.domains) {
    if (d.domainRangeStart > d.domainRangeEnd || d.domainRangeEnd >= maxPd) {
      f.add("MSCT_DOMAIN_RANGE", `domain range ${d.domainRangeStart}..${d.domainRangeEnd} runs backwards or beyond the maximum ${maxPd - 1}`, d.at);
    }
  }
  const above = [...sratPxms].filter((p) => p >= maxPd);
  if (above.length > 0) f.add("MSCT_SRAT_PXM_ABOVE_MAX", `SRAT PXM ${above.join(", ")} exceed the MSCT maximum of ${maxPd} domains`, v.at);
}
