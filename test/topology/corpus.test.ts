/**
 * Every table source yields a topology and a validation report, and every JSON output (each
 * numbering) validates against schema/*.schema.json (ajv, draft 2020-12, strict): the repo's own
 * samples/ always, every source of the third-party corpus when it is there.
 */
import { expect } from "chai";
import { readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { NUMBERINGS } from "../../src/topology/numbering.js";
import { topologyJson, validationJson } from "../../src/report/json.js";
import { topologyText, validationText } from "../../src/report/text.js";
import { toJson } from "../../src/cli/output.js";
import { corpusSources, requireCorpus } from "../helpers/corpus.js";
import { repoPath } from "../helpers/paths.js";
import { schemaErrors } from "../helpers/schema.js";

const samples = [repoPath("samples", "2socket"), repoPath("samples", "4node"), repoPath("samples", "4node.acpidump.txt")];

/** Analyse each source in every numbering; returns every problem found, as "source (numbering): what". */
async function checkAll(sources: readonly string[]): Promise<{ problems: string[]; reports: number }> {
  const problems: string[] = [];
  let reports = 0;
  for (const src of sources) {
    const { tables, diagnostics } = await readTables([src]);
    for (const numbering of NUMBERINGS) {
      const at = `${src} (${numbering})`;
      const a = analyse(tables, { numbering }, diagnostics);
      if (!topologyText(a.topology, a.validation).includes("verdicts:")) problems.push(`${at}: topology text without verdicts`);
      if (!validationText(a.topology, a.validation).includes("Linux will")) problems.push(`${at}: validation text without the verdict`);
      const tj = JSON.parse(toJson(topologyJson(a.topology, a.validation))) as unknown;
      const vj = JSON.parse(toJson(validationJson(a.topology, a.validation))) as unknown;
      problems.push(...schemaErrors("topology.schema.json", tj).map((e) => `${at}: topology ${e}`));
      problems.push(...schemaErrors("validate.schema.json", vj).map((e) => `${at}: validate ${e}`));
      const n = a.topology.nodes.length;
      if (a.topology.distances.matrix.length !== n || a.topology.distances.matrix.some((row) => row.length !== n)) problems.push(`${at}: distance matrix is not ${n}x${n}`);
      reports++;
    }
  }
  return { problems, reports };
}

describe("topology and validation of samples/: text, and JSON valid against the schemas", () => {
  it("every sample → topology + validation in every numbering, schema-valid", async () => {
    const r = await checkAll(samples);
    expect(r.problems).to.deep.equal([]);
    expect(r.reports).to.equal(samples.length * NUMBERINGS.length);
  });

  it("the schemas reject what the reports must not contain (the check can fail)", async () => {
    const { tables } = await readTables([samples[1] ?? ""]);
    const a = analyse(tables);
    const tj = JSON.parse(toJson(topologyJson(a.topology, a.validation))) as { nodes: { cpus: unknown }[]; extra?: number };
    expect(schemaErrors("topology.schema.json", tj)).to.deep.equal([]);
    const node = tj.nodes[0];
    if (node === undefined) throw new Error("no node 0");
    node.cpus = "0-3";
    tj.extra = 1;
    expect(schemaErrors("topology.schema.json", tj)).to.include.members(["/nodes/0/cpus: must be array", "/: must NOT have additional properties (extra)"]);
  });
});

describe("corpus: topology and validation never crash, JSON matches the schema", function () {
  this.timeout(120_000);
  before(function () { requireCorpus(this); });

  it("every corpus source → topology + validation, text and JSON (schema-valid) in every numbering", async () => {
    const sources = corpusSources();
    const r = await checkAll(sources);
    expect(r.problems.slice(0, 10), `${String(r.problems.length)} problems`).to.deep.equal([]);
    expect(r.reports).to.equal(sources.length * NUMBERINGS.length);
  });
});
