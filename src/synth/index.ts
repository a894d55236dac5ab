/**
 * `numakit synth`: a topology description → ACPI tables (SRAT, SLIT, HMAT, MADT) and the QEMU
 * command line that boots Linux on them. See docs/synth.md.
 */
import type { Location } from "../errors.js";
import type { Description, Machine } from "./desc.js";
import { layoutHost, type Host } from "./layout.js";
import { synthTables, type SynthTable } from "./tables.js";

export { parseDescription, MACHINES, type Description, type Machine } from "./desc.js";
export { layoutHost, qemuRamLayout, qemuApicIds, smpForApicIds, type Host } from "./layout.js";
export { synthTables, type SynthTable } from "./tables.js";
export { qemuCommand, type QemuCommand } from "./qemu.js";
export { descriptionFromTopology, type FromTopology, type FromTopologyOptions } from "./from-topology.js";

export interface Synthesis { host: Host; tables: SynthTable[] }

/** Lay out a description for a QEMU machine and encode its tables. */
export function synthesize(d: Description, machine?: Machine, loc: Location = {}): Synthesis {
  const host = layoutHost(d, machine, loc);
  return { host, tables: synthTables(d, host, loc) };
}
