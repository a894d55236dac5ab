import { cedt } from "./cedt.js";
import type { TableDef } from "./def.js";
import { hmat } from "./hmat.js";
import { madt } from "./madt.js";
import { msct } from "./msct.js";
import { slit } from "./slit.js";
import { srat } from "./srat.js";

/** Every table numakit decodes field by field; any other signature is kept as header + raw body. */
export const tableDefs: ReadonlyMap<string, TableDef> = new Map([srat, slit, hmat, madt, msct, cedt].map((d) => [d.signature, d]));

/** iasl's names for common tables numakit does not decode, for the printer's signature line. */
export const otherTableNames: Readonly<Record<string, string>> = {
  DSDT: "Differentiated System Description Table",
  SSDT: "Secondary System Description Table",
  FACP: "Fixed ACPI Description Table (FADT)",
  FACS: "Firmware ACPI Control Structure",
  RSDP: "Root System Description Pointer",
  MCFG: "Memory Mapped Configuration Table",
  HPET: "High Precision Event Timer table",
  DMAR: "DMA Remapping table",
  PPTT: "Processor Properties Topology Table",
};
