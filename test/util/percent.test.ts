import { expect } from "chai";
import fc from "fast-check";
import { mibText, percentOf } from "../../src/util/percent.js";

describe("util: percentOf and mibText", () => {
  it("says 100 and 0 only for all and nothing, and stays within a hundredth otherwise", () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), (a, b) => {
      const whole = Math.max(a, b);
      const part = Math.min(a, b);
      const p = percentOf(part, whole);
      if (whole === 0) return p === 0;
      expect(p === 100, `${part}/${whole}`).to.equal(part === whole);
      expect(p === 0, `${part}/${whole}`).to.equal(part === 0);
      expect(Math.abs(p - (100 * part) / whole)).to.be.at.most(0.01 + 1e-9);
      return true;
    }));
  });

  it("a 12 GiB VM with 16 pages elsewhere is 99.99% local; the rest rounds as before", () => {
    const vm = 12 * 262144;
    expect(percentOf(vm, vm + 16)).to.equal(99.99);
    expect(percentOf(1, 3)).to.equal(33.33);
    expect(percentOf(2, 3)).to.equal(66.67);
    expect(percentOf(1, 1e9)).to.equal(0.01);
    expect(percentOf(0, 0)).to.equal(0);
  });

  it("mibText: whole MiB, '<1' for a few pages", () => {
    expect(mibText(16, 256)).to.equal("<1");
    expect(mibText(0, 256)).to.equal("0");
    expect(mibText(3 * 256 + 100, 256)).to.equal("3");
    expect(mibText(12288 * 256, 256)).to.equal("12288");
  });
});
