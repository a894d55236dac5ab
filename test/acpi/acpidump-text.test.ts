/**
 * The acpidump data-line scanner against the obvious reference (split on whitespace, two hex
 * digits a token, like acpixtract's sscanf over 49 characters): same bytes for any line.
 */
import { expect } from "chai";
import fc from "fast-check";
import { lineBytes } from "../../src/acpi/sources/acpidump-text.js";
import { fcRuns } from "../helpers/runs.js";

function reference(rest: string): number[] {
  const out: number[] = [];
  for (const tok of rest.slice(0, 49).split(/\s+/)) {
    if (tok === "") continue;
    if (!/^[0-9A-Fa-f]{2}$/.test(tok) || out.length === 16) break;
    out.push(parseInt(tok, 16));
  }
  return out;
}

describe("acpi: acpidump data-line scanner", () => {
  it("reads what the reference reads, for real-looking and random lines", () => {
    const hexish = fc.constantFrom(..." \t\u00a0\r0123456789abcdefABCDEFgx.:/".split(""));
    const line = fc.oneof(
      fc.string({ unit: hexish, maxLength: 80 }),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 18 }).chain((b) => fc.constantFrom(" ", "  ", "\t").map((sep) =>
        ` ${b.map((x) => x.toString(16).padStart(2, "0")).join(sep)}  ..ASCII..`)),
      fc.string({ unit: "binary", maxLength: 60 }),
    );
    fc.assert(fc.property(line, (l) => { expect(lineBytes(l)).to.deep.equal(reference(l)); }), { numRuns: fcRuns(50) });
  });

  it("stops at 16 bytes and at the ASCII column", () => {
    const row = ` ${Array.from({ length: 16 }, (_, i) => i.toString(16).padStart(2, "0").toUpperCase()).join(" ")}  ................`;
    expect(lineBytes(row)).to.deep.equal(Array.from({ length: 16 }, (_, i) => i));
    expect(lineBytes(" 53 52 41 54 C0  SRAT.")).to.deep.equal([0x53, 0x52, 0x41, 0x54, 0xc0]);
    expect(lineBytes(" 53 5 41")).to.deep.equal([0x53]);
  });
});
