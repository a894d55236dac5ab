/**
 * A diagnostic as one line of text, in the three places numakit prints one:
 * - "report":   the findings list of the text reports: `error   CODE  where: message`;
 * - "exit":     decode's stderr line for an error that makes the exit status 1, so a script sees
 *               why without parsing the report: `where: CODE: message`;
 * - "severity": namespace's stderr lines for every reader diagnostic: `error: where: message [CODE]`.
 * `where` names the file (with the line, for text dumps), the table and the byte offset.
 * The stderr styles carry no "numakit: " prefix; the command adds it as for every message.
 */
import type { Diagnostic } from "../diagnostics.js";
import { formatLocation } from "../errors.js";
import { oneLineText } from "../util/escape.js";

export type DiagnosticLineStyle = "report" | "exit" | "severity";

/** `file: table: offset 0x..`; `file` replaces the diagnostic's own source when given. */
export function diagnosticWhere(d: Diagnostic, file: string | undefined = d.source): string {
  return formatLocation({ ...(file === undefined ? {} : { file }), table: d.table, ...(d.offset === undefined ? {} : { offset: d.offset }) });
}

export function formatDiagnosticLine(d: Diagnostic, style: DiagnosticLineStyle, file?: string): string {
  const where = diagnosticWhere(d, file ?? d.source);
  // A message may quote a file name or a firmware string (a _HID, an AML name): one line, controls as \xNN.
  const message = oneLineText(d.message);
  switch (style) {
    case "report": return `${d.severity.padEnd(7)} ${d.code}  ${where}: ${message}`;
    case "exit": return `${where}: ${d.code}: ${message}`;
    case "severity": return `${d.severity}: ${where}: ${message} [${d.code}]`;
  }
}
