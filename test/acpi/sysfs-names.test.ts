import { expect } from "chai";
import { sysfsNames } from "../../src/acpi/sources/sysfs-names.js";

describe("acpi: sysfs table names (as /sys/firmware/acpi/tables names them)", () => {
  it("unique signatures as they are; repeated ones numbered from 1 in table order", () => {
    expect(sysfsNames(["DSDT", "SSDT", "APIC", "SSDT", "SRAT", "SSDT"])).to.deep.equal(["DSDT", "SSDT1", "APIC", "SSDT2", "SRAT", "SSDT3"]);
    expect(sysfsNames([])).to.deep.equal([]);
  });
  it("characters a file name must not hold become _", () => {
    expect(sysfsNames(["../x", "A/B\u0000"])).to.deep.equal(["___x", "A_B_"]);
  });
});
