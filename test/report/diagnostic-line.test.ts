import { expect } from "chai";
import type { Diagnostic } from "../../src/diagnostics.js";
import { formatDiagnosticLine } from "../../src/report/diagnostic-line.js";

describe("report: one diagnostic line, in each style", () => {
  const d: Diagnostic = { code: "TABLE_CHECKSUM", severity: "error", table: "SLIT", offset: 9, message: "checksum is 0x6D, should be 0x6C", source: "x.dat" };
  it("report, exit (decode's stderr) and severity (namespace's stderr)", () => {
    expect(formatDiagnosticLine(d, "report")).to.equal("error   TABLE_CHECKSUM  x.dat: SLIT: offset 0x9: checksum is 0x6D, should be 0x6C");
    expect(formatDiagnosticLine(d, "exit", "dump.txt:12")).to.equal("dump.txt:12: SLIT: offset 0x9: TABLE_CHECKSUM: checksum is 0x6D, should be 0x6C");
    expect(formatDiagnosticLine(d, "severity")).to.equal("error: x.dat: SLIT: offset 0x9: checksum is 0x6D, should be 0x6C [TABLE_CHECKSUM]");
  });
  it("without a source or an offset, the place is what is known", () => {
    const { source: _s, offset: _o, ...bare } = d;
    expect(formatDiagnosticLine({ ...bare, severity: "warning" }, "severity")).to.equal("warning: SLIT: checksum is 0x6D, should be 0x6C [TABLE_CHECKSUM]");
  });
});
