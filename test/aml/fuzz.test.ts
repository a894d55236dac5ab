/**
 * Fuzz: mutated DSDT/SSDTs (small ones, to stay fast) must each give a result or a typed error,
 * quickly: samples/4node's DSDT always, real ones from the corpus when it is there.
 * `npm run fuzz:aml` runs many more cases over every corpus table.
 */
import { expect } from "chai";
import type { RawTable } from "../../src/acpi/index.js";
import { requireCorpus } from "../helpers/corpus.js";
import { fuzzBases, mutate, runCase, type FuzzStats } from "./fuzz-core.js";

function fuzz(bases: readonly RawTable[], cases: number): FuzzStats {
  const stats: FuzzStats = { cases: 0, diagnostics: 0, typedErrors: 0, maxMs: 0, totalMs: 0 };
  for (let seed = 1; seed <= cases; seed++) {
    const base = bases[seed % bases.length];
    if (base === undefined) continue;
    try {
      runCase(mutate(base.bytes, seed), base.signature, stats);
    } catch (e) {
      throw new Error(`seed ${seed} on ${base.source.file}: ${String(e)}`, { cause: e });
    }
  }
  if (process.env["AML_FUZZ_REPORT"] === "1") process.stdout.write(`\n${JSON.stringify(stats)}\n`);
  return stats;
}

describe("aml: fuzzing with mutated tables", function () {
  this.timeout(120_000);

  it("3,000 mutations of samples/4node's DSDT: a result or a typed error, never a crash or a hang", async () => {
    const bases = await fuzzBases(12_000, "samples");
    expect(bases).to.have.length(1);
    const stats = fuzz(bases, 3_000);
    expect(stats.cases).to.equal(3_000);
    expect(stats.diagnostics).to.be.greaterThan(300);
    // No single case may take long: a hang or quadratic blow-up shows here.
    expect(stats.maxMs).to.be.below(2000);
  });

  it("10,000 mutated real DSDT/SSDTs of the corpus: a result or a typed error, never a crash or a hang", async function () {
    requireCorpus(this);
    const bases = await fuzzBases(12_000);
    expect(bases.length).to.be.at.least(5);
    const stats = fuzz(bases, 10_000);
    expect(stats.cases).to.equal(10_000);
    expect(stats.diagnostics).to.be.greaterThan(1000);
    expect(stats.maxMs).to.be.below(2000);
  });
});
