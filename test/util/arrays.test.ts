import { expect } from "chai";
import fc from "fast-check";
import { maxOf, minOf, pushAll } from "../../src/util/arrays.js";

describe("util: arrays of input-given length", () => {
  it("pushAll, maxOf and minOf take 300 000 items, which a spread into a call cannot", () => {
    const many = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_007);
    expect(() => [].push(...(many as never[]))).to.throw(RangeError);
    const into = [1, 2];
    pushAll(into, many);
    expect(into.length).to.equal(300_002);
    expect(into[2]).to.equal(0);
    expect(into[300_001]).to.equal(many[299_999]);
    expect(maxOf(many)).to.equal(many.reduce((a, b) => (b > a ? b : a)));
    expect(minOf(many)).to.equal(0);
  });

  it("maxOf and minOf answer as Math.max and Math.min do, NaN and empty lists included", () => {
    const num = fc.oneof(fc.integer(), fc.double(), fc.constant(Number.NaN));
    fc.assert(fc.property(fc.array(num, { maxLength: 20 }), (a) => {
      // === (not Object.is): -0 and 0 may differ in sign, which no caller prints.
      expect(maxOf(a) === Math.max(...a) || (Number.isNaN(maxOf(a)) && Number.isNaN(Math.max(...a)))).to.equal(true);
      expect(minOf(a) === Math.min(...a) || (Number.isNaN(minOf(a)) && Number.isNaN(Math.min(...a)))).to.equal(true);
    }));
    expect(maxOf([])).to.equal(Number.NEGATIVE_INFINITY);
    expect(minOf([])).to.equal(Number.POSITIVE_INFINITY);
  });
});
