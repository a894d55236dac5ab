/** A collector that stamps each finding with its catalogue severity and a location. */
import type { Diagnostic } from "../diagnostics.js";
import type { EntryLocation } from "../acpi/views.js";
import { CATALOGUE, type CheckCode } from "./catalogue.js";

export class Findings {
  readonly items: Diagnostic[] = [];

  add(code: CheckCode, message: string, at: EntryLocation | { table: string; source?: string }): void {
    const d: Diagnostic = { code, severity: CATALOGUE[code].severity, table: at.table, message };
    if ("offset" in at) d.offset = at.offset;
    if (at.source !== undefined) d.source = at.source;
    this.items.push(d);
  }
}
