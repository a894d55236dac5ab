/**
 * Diagnostics are data, not log lines: every decoder, builder and validator reports problems as
 * `Diagnostic` values with a stable `code`, so reports, JSON output and tests can rely on them.
 */

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  /** Stable identifier, e.g. "SRAT_SUBTABLE_ZERO_LENGTH". Never reworded once published. */
  code: string;
  severity: Severity;
  /** Table signature the finding concerns ("SRAT"), or a model area ("topology"). */
  table: string;
  /** Byte offset within the table, when the finding has one. */
  offset?: number;
  message: string;
  /** Where the table came from (file, and line for text dumps). */
  source?: string;
}

export const severityRank: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

export function hasWarnings(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "warning");
}

/** A collector that components append to; keeps creation sites short. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  constructor(private readonly defaults: { table: string; source?: string }) {}

  add(severity: Severity, code: string, message: string, offset?: number, table = this.defaults.table): void {
    const d: Diagnostic = { code, severity, table, message };
    if (offset !== undefined) d.offset = offset;
    if (this.defaults.source !== undefined) d.source = this.defaults.source;
    this.items.push(d);
  }
  error(code: string, message: string, offset?: number): void { this.add("error", code, message, offset); }
  warning(code: string, message: string, offset?: number): void { this.add("warning", code, message, offset); }
  info(code: string, message: string, offset?: number): void { this.add("info", code, message, offset); }
}
