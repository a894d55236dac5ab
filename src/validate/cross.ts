/** Cross-table checks made on the built topology: memory overlaps, CPUs vs MADT, node shapes. */
import type { DecodedTable } from "../acpi/index.js";
import type { MemoryRange, Topology } from "../topology/model.js";
import { sratUnreadable } from "../topology/unreadable.js";
import { madtCpus } from "../acpi/views.js";
import { Findings } from "./findings.js";
import { hex } from "../util/hex.js";

const end = (r: MemoryRange): bigint => r.base + r.length;
const show = (r: MemoryRange): string => `[mem ${hex(r.base)}-${hex(end(r) - 1n)}]${r.hotPluggable ? " hotplug" : ""}${r.nonVolatile ? " non-volatile" : ""}`;

function checkOverlaps(t: Topology, f: Findings): void {
  const all = t.nodes.flatMap((n) => n.memory.filter((r) => r.length > 0n).map((r) => ({ node: n.id, r })))
    .sort((a, b) => (a.r.base < b.r.base ? -1 : a.r.base > b.r.base ? 1 : 0));
  // Sorted sweep: compare each range with the later ones that start before it ends.
  for (let i = 0; i < all.length; i++) {
    const a = all[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < all.length; j++) {
      const b = all[j];
      if (b === undefined || b.r.base >= end(a.r)) break;
      const what = `node ${a.node} ${show(a.r)} overlaps node ${b.node} ${show(b.r)}`;
      if (a.node === b.node) f.add("MEMORY_OVERLAP_SAME_NODE", what, b.r.at);
      else if (a.r.hotPluggable || b.r.hotPluggable || a.r.nonVolatile || b.r.nonVolatile) f.add("MEMORY_OVERLAP_HOTPLUG", `${what} (hot-plug/NVDIMM windows of this kind are common in firmware)`, b.r.at);
      else f.add("MEMORY_OVERLAP", what, b.r.at);
    }
  }
}

function checkMadt(t: Topology, madt: DecodedTable | undefined, f: Findings): void {
  if (madt === undefined) return;
  const seen = new Map<string, number>();
  for (const c of madtCpus(madt)) {
    // Placeholder slots (disabled, not online-capable, id 0xFF / 0xFFFFFFFF) repeat by design.
    if ((!c.enabled && !c.onlineCapable) || (c.type === 0 && c.matchId === 0xff) || c.matchId === 0xffffffff) continue;
    const key = `${c.type === 0 || c.type === 9 ? "APIC id" : "UID"} ${hex(c.matchId)}`;
    const first = seen.get(key);
    if (first !== undefined) f.add("MADT_DUPLICATE_CPU", `${key} appears twice (first at ${hex(first)})`, c.at);
    else seen.set(key, c.at.offset);
  }
  // Without an SRAT every CPU is "unplaced" and the OS puts them all on node 0: SRAT_MISSING says so once.
  for (const c of t.tables.includes("SRAT") ? t.unplacedCpus : []) {
    f.add("MADT_CPU_NOT_IN_SRAT", `MADT ${c.kind} ${hex(c.id)}${c.linuxCpu === undefined ? "" : ` (Linux CPU ${c.linuxCpu})`} has no SRAT entry; the OS puts it on a node of its choosing`, c.at);
  }
  const cpus = t.nodes.flatMap((n) => n.cpus);
  for (const c of cpus) {
    if (c.madt === "absent") f.add("SRAT_CPU_NOT_IN_MADT", `SRAT ${c.kind} ${hex(c.id)} is enabled but not in the MADT`, c.at);
  }
  const notPresent = cpus.filter((c) => c.madt === "disabled" || c.madt === "online-capable");
  const first = notPresent[0];
  if (first !== undefined) {
    const hot = notPresent.filter((c) => c.madt === "online-capable").length;
    f.add("SRAT_CPU_DISABLED_IN_MADT", `${notPresent.length} enabled SRAT CPU(s) are not enabled in the MADT (${hot} online-capable, ${notPresent.length - hot} disabled): they are not present at boot`, first.at);
  }
}

export function checkTopology(t: Topology, madt: DecodedTable | undefined, f: Findings): void {
  // An SRAT the sources hold but could not read is not missing: TABLE_DAMAGED says what is wrong with it.
  if (!t.tables.includes("SRAT") && !sratUnreadable(t)) f.add("SRAT_MISSING", "there is no SRAT: Linux and Xen see a single node", { table: "SRAT" });
  checkOverlaps(t, f);
  checkMadt(t, madt, f);
  for (const n of t.nodes) {
    const at = { table: "topology" };
    const hasCpu = n.cpus.length > 0 || n.initiators.some((i) => i.kind === "generic-initiator");
    if (hasCpu && n.memory.length === 0) f.add("NODE_MEMORYLESS", `node ${n.id} (PXM ${n.pxm}) has CPUs but no memory`, at);
    if (!hasCpu && n.memory.length > 0) f.add("NODE_CPULESS", `node ${n.id} (PXM ${n.pxm}) has memory but no CPUs`, at);
  }
  // A hot-plug window belongs to one PXM in the SRAT, but each DIMM plugged into it takes the node
  // its memory device's _PXM returns (QEMU: the window is the last node's, a DIMM asked for node 0
  // lands on node 0). When that _PXM is computed at run time, the tables cannot say where it goes.
  const slots = t.dynamicPxmDevices.filter((d) => d.hid === "PNP0C80");
  for (const n of slots.length === 0 ? [] : t.nodes) {
    const window = n.memory.find((r) => r.hotPluggable);
    if (window !== undefined) {
      f.add("MEMORY_HOTPLUG_PXM_RUNTIME", `node ${n.id}'s hot-plug range ${show(window)} may receive memory on other nodes: ${slots.length} memory device(s) (${slots.slice(0, 3).map((d) => d.path).join(", ")}${slots.length > 3 ? ", …" : ""}) compute _PXM at run time`, window.at);
    }
  }
  checkUnplacedDevices(t, f);
}

/**
 * One finding per unknown PXM, not per device: a DSDT commonly gives _PXM to a whole tree of bridges
 * and slots. Without an SRAT the OS runs one node and SRAT_MISSING already says so.
 */
function checkUnplacedDevices(t: Topology, f: Findings): void {
  if (!t.tables.includes("SRAT")) return;
  const byPxm = new Map<number, string[]>();
  for (const d of t.unplacedDevices) byPxm.set(d.pxm, [...(byPxm.get(d.pxm) ?? []), d.path]);
  for (const [pxm, paths] of byPxm) {
    const msg = paths.length === 1
      ? `${paths[0] ?? ""} has _PXM ${pxm}, which no SRAT entry names: Linux gives it NUMA_NO_NODE`
      : `${paths.length} devices have _PXM ${pxm}, which no SRAT entry names (${paths.slice(0, 3).join(", ")}${paths.length > 3 ? ", …" : ""}): Linux gives them NUMA_NO_NODE`;
    f.add("DEVICE_PXM_UNKNOWN", msg, { table: "DSDT" });
  }
}
