/**
 * Every table source in the shared corpus yields a topology and a validation report, and every
 * JSON output (each numbering) validates against schema/*.schema.json.
 */
import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { NUMBERINGS } from "../../src/topology/numbering.js";
import { topologyJson, validationJson } from "../../src/report/json.js";
import { topologyText, validationText } from "../../src/report/text.js";
import { toJson } from "../../src/cli/output.js";
import { sharedSamples, repoRoot } from "../helpers/cli.js";
import { validateAgainst } from "../helpers/schema.js";

function list(dir: string, filter: (name: string) => boolean = () => true): string[] {
  return existsSync(dir) ? readdirSync(dir).filter(filter).sort().map((f) => join(dir, f)) : [];
}

const sources = [
  ...list(join(sharedSamples, "real")),
  ...list(join(sharedSamples, "fwts"), (f) => f.includes("acpidump")),
  ...list(join(sharedSamples, "oracle"), (f) => !f.endsWith(".md")).map((d) => join(d, "tables")),
  ...list(join(sharedSamples, "synthetic")),
  ...list(join(sharedSamples, "qemu"), (f) => !f.endsWith(".md")).flatMap((arch) => list(arch).flatMap((machine) => list(machine))),
  join(repoRoot, "samples", "2socket"), join(repoRoot, "samples", "4node"), join(repoRoot, "samples", "4node.acpidump.txt"),
];

describe("corpus: topology and validation never crash, JSON matches the schema", () => {
  it("finds the corpus (real dumps included)", () => {
    expect(list(join(sharedSamples, "real")).length).to.be.at.least(14);
    expect(sources.length).to.be.greaterThan(60);
  });

  it("every source → topology + validation, text and JSON (schema-valid) in every numbering", async () => {
    const problems: string[] = [];
    let reports = 0;
    for (const src of sources) {
      const { tables, diagnostics } = await readTables([src]);
      for (const numbering of NUMBERINGS) {
        const a = analyse(tables, { numbering }, diagnostics);
        expect(topologyText(a.topology, a.validation)).to.include("verdicts:");
        expect(validationText(a.topology, a.validation)).to.include("Linux will");
        const tj = JSON.parse(toJson(topologyJson(a.topology, a.validation))) as unknown;
        const vj = JSON.parse(toJson(validationJson(a.topology, a.validation))) as unknown;
        problems.push(...validateAgainst("topology.schema.json", tj).map((e) => `${src} (${numbering}): ${e}`));
        problems.push(...validateAgainst("validate.schema.json", vj).map((e) => `${src} (${numbering}): ${e}`));
        const n = a.topology.nodes.length;
        expect(a.topology.distances.matrix.length, src).to.equal(n);
        for (const row of a.topology.distances.matrix) expect(row.length, src).to.equal(n);
        reports++;
      }
    }
    expect(problems.slice(0, 10)).to.deep.equal([]);
    expect(reports).to.equal(sources.length * 3);
  });
});
