/**
 * Differential test against `iasl -d`: for every DSDT/SSDT in the corpus (and this host's, when
 * readable), the _PXM/_SLI declarations numakit finds, in table order, have the same kind (Name or
 * Method) and the same static values as the disassembly shows.
 */
import { expect } from "chai";
import { readNamespace } from "../../src/aml/index.js";
import { corpusAmlSets, disassemble, ownAmlSets, withTmp, type CorpusSet } from "../helpers/aml.js";
import { requireCorpus } from "../helpers/corpus.js";
import { requireProgram } from "../helpers/skip.js";
import { dslLocalityObjects, type DslObject } from "../helpers/dsl.js";

interface Counts { tables: number; devices: number; pxm: number; pxmStatic: number; sli: number }

function compareSet(set: CorpusSet, dir: string, totals: Counts): void {
  const labelled = set.tables.map((t, i) => ({ ...t, label: `T${i}` }));
  const report = readNamespace(labelled);
  totals.tables += labelled.length;
  totals.devices += report.devices.length;
  for (const t of labelled) {
    const expected: DslObject[] = dslLocalityObjects(disassemble(t.bytes, dir, t.label));
    const mine: DslObject[] = report.objects
      .filter((o) => o.table === t.label)
      .sort((a, b) => a.offset - b.offset)
      .map((o) => {
        const d: DslObject = { name: o.name, kind: o.kind === "Method" ? "Method" : "Name" };
        if (o.value.static) d.value = typeof o.value.value === "number" ? o.value.value : o.value.value.bytes;
        return d;
      });
    expect(mine, `${set.name} ${t.signature} (${t.label})`).to.deep.equal(expected);
    totals.pxm += mine.filter((o) => o.name === "_PXM").length;
    totals.pxmStatic += mine.filter((o) => o.name === "_PXM" && o.value !== undefined).length;
    totals.sli += mine.filter((o) => o.name === "_SLI").length;
  }
}

describe("aml: agreement with iasl -d", function () {
  this.timeout(120_000);
  before(function () { requireProgram(this, "iasl"); });

  it("samples/4node's DSDT and the test fixtures: the same _PXM/_SLI objects and static values as iasl", async () => {
    const sets = await ownAmlSets();
    const totals: Counts = { tables: 0, devices: 0, pxm: 0, pxmStatic: 0, sli: 0 };
    withTmp((dir) => { for (const s of sets) compareSet(s, dir, totals); });
    // samples/4node: 6 _PXM; the fixtures: 9 _PXM (Name, Method, computed) and 2 _SLI.
    expect(totals.tables).to.be.at.least(3);
    expect(totals.pxm).to.be.at.least(15);
    expect(totals.sli).to.be.at.least(2);
    expect(totals.pxmStatic).to.be.lessThan(totals.pxm);
  });

  it("over the corpus: every DSDT and SSDT", async function () {
    requireCorpus(this);
    const sets = await corpusAmlSets();
    const totals: Counts = { tables: 0, devices: 0, pxm: 0, pxmStatic: 0, sli: 0 };
    withTmp((dir) => { for (const s of sets) compareSet(s, dir, totals); });
    // Floors, not counts: the corpus may grow (today 10 QEMU oracle DSDTs + 30 DSDT/SSDTs in 9 real dumps).
    expect(totals.tables).to.be.at.least(40);
    expect(totals.pxm).to.be.at.least(800);
    if (process.env["AML_ORACLE_REPORT"] === "1") process.stdout.write(`\n${JSON.stringify({ sets: sets.length, ...totals })}\n`);
  });
});
