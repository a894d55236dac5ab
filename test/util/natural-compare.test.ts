import { expect } from "chai";
import fc from "fast-check";
import { naturalCompare } from "../../src/util/natural-compare.js";
import { fcRuns } from "../helpers/runs.js";

/** What naturalCompare must equal: ICU's order, as localeCompare gives it. */
const icu = (a: string, b: string): number => Math.sign(a.localeCompare(b, "en", { numeric: true }));

/** Names like sysfs's and acpidump -b's, and others the fast path must leave to the collator. */
const name = fc.array(fc.constantFrom("SSDT", "ssdt", "DSDT", "S", "s", "a", "Z", ".", ".dat", "0", "1", "2", "9", "10", "007", "01", "123456789012345678", "_", "-", " ", "é", "Å", "x"), { maxLength: 6 })
  .map((parts) => parts.join(""));

describe("util/natural-compare", () => {
  it("orders sysfs and acpidump -b names as ICU does (SSDT2 before SSDT10, DSDT before dynamic)", () => {
    const names = ["SSDT10", "dynamic", "SSDT2", "APIC", "SSDT1", "srat.dat", "DSDT", "ssdt1.dat", "ssdt10.dat", "ssdt2.dat", "SLIT", "FACP", "SSDT"];
    expect([...names].sort(naturalCompare)).to.deep.equal([...names].sort(icu));
    expect([...names].sort(naturalCompare).slice(0, 3)).to.deep.equal(["APIC", "DSDT", "dynamic"]);
  });

  it("gives the sign of localeCompare(b, 'en', { numeric: true }) for any pair", () => {
    fc.assert(fc.property(name, name, (a, b) => { expect(Math.sign(naturalCompare(a, b)), `${a} vs ${b}`).to.equal(icu(a, b)); }), { numRuns: fcRuns(20) });
    fc.assert(fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => { expect(Math.sign(naturalCompare(a, b)), `${a} vs ${b}`).to.equal(icu(a, b)); }), { numRuns: fcRuns(5) });
  });
});
