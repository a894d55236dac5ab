/**
 * `validate(tables, topology)`: the full finding list for the NUMA tables: the decoder's
 * field-level findings, fwts's table checks, the OS walks' findings (Linux, Xen) and the
 * cross-table checks, sorted by severity then table and offset; plus the verdicts.
 */
import type { DecodedTable } from "../acpi/index.js";
import { describeProvenance } from "../acpi/raw.js";
import { severityRank, type Diagnostic } from "../diagnostics.js";
import { firstTable } from "../topology/build.js";
import type { Topology } from "../topology/model.js";
import { entryPxm, isEnabled } from "../topology/srat-walk.js";
import { revisionOf, sratEntries, type SratEntry } from "../acpi/views.js";
import { checkTopology } from "./cross.js";
import { Findings } from "./findings.js";
import { checkCedt } from "./cedt.js";
import { checkHmat } from "./hmat.js";
import { checkMsct } from "./msct.js";
import { checkSlit } from "./slit.js";
import { checkSrat } from "./srat.js";

/** The tables whose decode findings belong in a topology validation. */
export const NUMA_TABLES: readonly string[] = ["SRAT", "SLIT", "HMAT", "APIC", "MSCT", "CEDT"];

export interface Validation {
  diagnostics: Diagnostic[];
  counts: Record<Diagnostic["severity"], number>;
}

export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => severityRank[b.severity] - severityRank[a.severity]
    || a.table.localeCompare(b.table) || (a.offset ?? -1) - (b.offset ?? -1) || a.code.localeCompare(b.code));
}

/**
 * Two SRATs (or SLITs, ...) among the sources: firmware rarely does this, a user passing two hosts'
 * dumps at once does. Like Linux (acpi_get_table(sig, 1, ...)) and Xen, numakit uses the first.
 */
function checkDuplicates(tables: readonly DecodedTable[], f: Findings): void {
  // The DSDT too: a second one would declare every device again (src/aml/blocks.ts uses the first).
  for (const sig of [...NUMA_TABLES, "DSDT"]) {
    const same = tables.filter((t) => t.signature === sig);
    const [first, second] = same;
    if (first === undefined || second === undefined) continue;
    const where = same.map((t) => describeProvenance(t.source));
    f.add("TABLE_DUPLICATE", `${same.length} ${sig} tables in the sources (${where.join(", ")}): the first is used, as Linux and Xen do`, { table: sig, source: describeProvenance(second.source) });
  }
}

export function validate(tables: readonly DecodedTable[], topology: Topology, extra: readonly Diagnostic[] = []): Validation {
  const f = new Findings();
  const srat = firstTable(tables, "SRAT");
  const revision = srat === undefined ? 0 : revisionOf(srat);
  const enabled = srat === undefined ? [] : sratEntries(srat).filter(isEnabled);
  const sratPxms = new Set(enabled.map((e) => entryPxm(e, revision)));
  const memoryPxms = new Set(enabled.filter((e) => e.type === 1).map((e) => entryPxm(e, revision)));
  if (srat !== undefined) checkSrat(srat, f);
  const slit = firstTable(tables, "SLIT");
  // The PXMs Xen gives nodes: it reads only CPU (LAPIC, x2APIC) and memory entries.
  const xenPxms = new Set(enabled.filter((e) => e.type <= 2).map((e) => entryPxm(e, revision)));
  if (slit !== undefined) checkSlit(slit, f, sratPxms, xenPxms);
  const hmat = firstTable(tables, "HMAT");
  if (hmat !== undefined) checkHmat(hmat, f, topology.hmat, sratPxms, memoryPxms);
  const msct = firstTable(tables, "MSCT");
  if (msct !== undefined) checkMsct(msct, f, sratPxms);
  const cedt = firstTable(tables, "CEDT");
  if (cedt !== undefined) checkCedt(cedt, topology, srat === undefined ? [] : sratEntries(srat), revision, pxmsNamedElsewhere(topology, enabled, revision), f);
  checkTopology(topology, firstTable(tables, "APIC"), f);
  checkDuplicates(tables, f);
  const decoded = tables.filter((t) => NUMA_TABLES.includes(t.signature)).flatMap((t) => t.diagnostics);
  const diagnostics = sortDiagnostics([...extra, ...decoded, ...topology.diagnostics, ...f.items]);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return { diagnostics, counts };
}

/** PXMs named by Generic Ports, the HMAT or device _PXM: a CFMWS fake PXM equal to one aliases it. */
function pxmsNamedElsewhere(t: Topology, enabled: readonly SratEntry[], revision: number): Set<number> {
  const out = new Set<number>(enabled.filter((e) => e.type === 6).map((e) => entryPxm(e, revision)));
  for (const p of t.hmat?.pairs ?? []) { out.add(p.initiatorPxm); out.add(p.targetPxm); }
  for (const m of t.hmat?.memory ?? []) out.add(m.memoryPxm);
  for (const d of [...t.nodes.flatMap((n) => n.devices), ...t.unplacedDevices]) out.add(d.pxm);
  return out;
}
