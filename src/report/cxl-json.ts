/** JSON for the CXL part of the topology (schema/topology.schema.json `cxl`, `memoryTier`). */
import type { EntryLocation } from "../acpi/views.js";
import type { CxlModel } from "../topology/cxl.js";
import type { MemoryTier } from "../topology/tiers.js";
import { hex } from "../util/hex.js";

const at = (a: EntryLocation): { table: string; offset: number } => ({ table: a.table, offset: a.offset });

export function memoryTierJson(t: MemoryTier): Record<string, unknown> {
  return { ...t };
}

export function cxlJson(c: CxlModel): Record<string, unknown> {
  return {
    kernel: c.kernel,
    hostBridges: c.hostBridges.map((b) => ({ ...b, registerBase: hex(b.registerBase), registerLength: hex(b.registerLength), at: at(b.at) })),
    windows: c.windows.map((w) => ({ ...w, base: hex(w.base), size: hex(w.size), at: at(w.at) })),
    genericPorts: c.genericPorts.map((g) => ({ ...g, at: at(g.at) })),
    ...(c.firstFakePxm === undefined ? {} : { firstFakePxm: c.firstFakePxm }),
    xen: c.xen,
  };
}
