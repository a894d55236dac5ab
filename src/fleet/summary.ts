/**
 * The fleet summary, accumulated row by row so a scan never holds its rows: hosts grouped by
 * fingerprint, how many hosts show each finding, the hosts Linux falls back to one node on and
 * those where Linux and Xen disagree (the first few named, all counted).
 */
import type { Severity } from "../diagnostics.js";
import { plural } from "../util/plural.js";
import type { HostRow, ScanRow } from "./row.js";

/** Hosts named per list; the rest are counted. */
export const EXAMPLES = 20;

export interface FingerprintGroup { fingerprint: string; hosts: number; oem: string; linuxNodes: number; xenNodes: number; example: string }
export interface FindingTally { code: string; severity: Severity; hosts: number }
export interface NamedHost { source: string; why: string }

export class ScanSummary {
  sources = 0;
  hosts = 0;
  skipped = 0;
  unreadable = 0;
  /** Hosts with at least one error finding. */
  hostsWithErrors = 0;
  readonly fingerprints = new Map<string, FingerprintGroup>();
  readonly findings = new Map<string, FindingTally>();
  fallbackCount = 0;
  readonly fallback: NamedHost[] = [];
  /** The first sources skipped as not ACPI data, with the reason. */
  readonly skippedExamples: NamedHost[] = [];
  disagreeCount = 0;
  readonly disagree: NamedHost[] = [];

  add(row: ScanRow): void {
    this.sources++;
    if (row.status !== "ok") {
      if (row.status === "error") { this.unreadable++; return; }
      this.skipped++;
      if (this.skippedExamples.length < EXAMPLES) this.skippedExamples.push({ source: row.source, why: row.error.message });
      return;
    }
    this.addHost(row);
  }

  private addHost(row: HostRow): void {
    this.hosts++;
    if (row.counts.error > 0) this.hostsWithErrors++;
    const g = this.fingerprints.get(row.fingerprint);
    if (g !== undefined) g.hosts++;
    else this.fingerprints.set(row.fingerprint, { fingerprint: row.fingerprint, hosts: 1, oem: `${row.oem.id} ${row.oem.tableId}`.trim(), linuxNodes: row.nodes.linux, xenNodes: row.nodes.xen, example: row.source });
    for (const f of row.findings) {
      const t = this.findings.get(f.code);
      if (t !== undefined) t.hosts++;
      else this.findings.set(f.code, { code: f.code, severity: f.severity, hosts: 1 });
    }
    const { linux, xen } = row.verdicts;
    if (row.linuxFallback) {
      this.fallbackCount++;
      if (this.fallback.length < EXAMPLES) this.fallback.push({ source: row.source, why: linux.sratRejected ?? "" });
    }
    if (row.linuxXenDisagree) {
      this.disagreeCount++;
      const say = (v: typeof linux): string => `${v.usesSrat ? plural(v.nodes, "node") : "one node (SRAT not used)"}, SLIT ${v.usesSlit ? "yes" : "no"}`;
      if (this.disagree.length < EXAMPLES) this.disagree.push({ source: row.source, why: `Linux: ${say(linux)}; Xen: ${say(xen)}` });
    }
  }

  /** Fingerprint groups, largest first (ties: first seen). */
  groups(): FingerprintGroup[] {
    return [...this.fingerprints.values()].sort((a, b) => b.hosts - a.hosts);
  }

  /** Findings by the number of hosts showing them, most frequent first. */
  frequentFindings(): FindingTally[] {
    return [...this.findings.values()].sort((a, b) => b.hosts - a.hosts || a.code.localeCompare(b.code));
  }
}
