/**
 * MSCT, Maximum System Characteristics Table (ACPI 6.5 §5.2.19). The proximity-domain
 * information structures start at "Proximity Offset", not right after the fixed fields.
 */
import { u32, u64, u8 } from "../layout/types.js";
import { struct, type TableDef } from "./def.js";

export const msctDomainSpec = struct("MSCT.0", "Proximity Domain Information", [
  u8("Revision"),
  u8("Length", { role: "length" }),
  u32("Domain Range Start"),
  u32("Domain Range End"),
  u32("Processor Capacity"),
  u64("Memory Capacity"),
]);

export const msct: TableDef = {
  signature: "MSCT",
  name: "Maximum System Characteristics Table",
  fixed: struct("MSCT.fixed", "MSCT", [
    u32("Proximity Offset"),
    // Both maxima are encoded as (maximum - 1) (ACPI 6.5 §5.2.19, Table 5.71).
    u32("Max Proximity Domains"),
    u32("Max Clock Domains"),
    u64("Max Physical Address"),
  ]),
  subtables: {
    header: struct("MSCT.header", "MSCT structure header", [u8("Revision"), u8("Length", { role: "length" })]),
    start: (fixed) => fixed["proximityOffset"] as number,
    spec: () => msctDomainSpec,
  },
};
