/**
 * Tables the sources hold but numakit could not read: a dump with a damaged hex line in them
 * (TABLE_DAMAGED, src/acpi/sources/load.ts), so they are left out. The topology is then built
 * without them, as if they were absent; for the SRAT that would describe another machine ("there
 * is no SRAT: one node"). So the model records them and, for an unreadable SRAT, the verdicts say
 * the nodes cannot be told from these sources instead of a fallback the firmware may not cause.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { OsVerdict, Topology } from "./model.js";

/** Why the verdicts cannot be given (the verdicts' `sratRejected`). */
export const SRAT_UNREADABLE = "the SRAT is in the sources but unreadable (a damaged dump)";

function unknownVerdict(v: OsVerdict): void {
  const name = v.os === "linux" ? "Linux" : "Xen";
  v.sratRejected = SRAT_UNREADABLE;
  v.usesSlit = false;
  v.slitRejected = SRAT_UNREADABLE;
  delete v.usesHmat;
  delete v.hmatRejected;
  v.sentence = `${name}: not known from these sources, because ${SRAT_UNREADABLE}; which nodes, SLIT and HMAT it uses cannot be told.`;
}

/** Record the tables `sourceDiagnostics` say were left out damaged (and no copy was read); see the file comment. */
export function markUnreadable(t: Topology, sourceDiagnostics: readonly Diagnostic[]): void {
  const damaged = sourceDiagnostics.filter((d) => d.code === "TABLE_DAMAGED").map((d) => d.table);
  const unreadable = [...new Set(damaged)].filter((sig) => !t.tables.includes(sig));
  if (unreadable.length === 0) return;
  t.unreadable = unreadable;
  if (unreadable.includes("SRAT")) { unknownVerdict(t.verdicts.linux); unknownVerdict(t.verdicts.xen); }
}

/** Whether the SRAT is in the sources but could not be read. */
export function sratUnreadable(t: Topology): boolean {
  return t.unreadable?.includes("SRAT") === true;
}
