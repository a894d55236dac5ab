/**
 * `numakit synth`: a topology description → ACPI tables (SRAT, SLIT, HMAT, MADT) and the QEMU
 * command line that boots Linux on them. See docs/synth.md.
 */
import type { Location } from "../errors.js";
import type { Description, Machine } from "./desc.js";
import { layoutHost, type Host } from "./layout.js";
import { synthTables, type SynthTable } from "./tables.js";
import { SLIT_ENTRIES_OFFSET } from "../acpi/tables/slit.js";

export { parseDescription, MACHINES, type Description, type Machine } from "./desc.js";
export { layoutHost, qemuRamLayout, qemuApicIds, smpForApicIds, type Host } from "./layout.js";
export { synthTables, type SynthTable } from "./tables.js";
export { qemuCommand, type QemuCommand } from "./qemu.js";
export { descriptionFromTopology, type FromTopology, type FromTopologyOptions } from "./from-topology.js";

export interface Synthesis { host: Host; tables: SynthTable[] }

/**
 * QEMU's `-acpitable` refuses a table above 65535 bytes: acpi_table_install() (hw/acpi/core.c,
 * qemu/qemu 390e8fc6b0e7) fails with "ACPI table too big, requested: N, max: 65535" when the
 * table's length exceeds UINT16_MAX (its fw_cfg blob has 16-bit lengths). Found booting a SLIT whose
 * localities run to PXM 1000 (1 002 045 bytes): QEMU exits before the guest starts.
 */
export const QEMU_ACPITABLE_MAX = 0xffff;

/** Why QEMU cannot take these tables through -acpitable (x86), one reason per table. */
function acpitableProblems(host: Host, tables: readonly SynthTable[]): string[] {
  if (host.machine === "virt") return [];
  // The MADT is not passed (QEMU's own lists the CPUs): only the NUMA tables go through -acpitable.
  return tables.filter((t) => t.signature !== "APIC" && t.bytes.length > QEMU_ACPITABLE_MAX).map((t) => {
    const why = t.signature === "SLIT" ? ` (a SLIT has one locality per proximity domain 0..max, ${Math.round(Math.sqrt(t.bytes.length - SLIT_ENTRIES_OFFSET))}² bytes: PXMs up to 254 fit)` : "";
    return `QEMU's -acpitable takes tables of at most ${QEMU_ACPITABLE_MAX} bytes and the ${t.signature} is ${t.bytes.length}${why}`;
  });
}

/** Lay out a description for a QEMU machine and encode its tables. */
export function synthesize(d: Description, machine?: Machine, loc: Location = {}): Synthesis {
  const host = layoutHost(d, machine, loc);
  const tables = synthTables(d, host, loc);
  host.qemuProblems.push(...acpitableProblems(host, tables));
  return { host, tables };
}
