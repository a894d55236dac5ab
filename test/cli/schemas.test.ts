/**
 * Issue 12: every JSON output has a published schema (schema/), checked with ajv: decode and
 * namespace over samples/ and the corpus, sim over every sample scenario, and the scenario file
 * format over every sample scenario (and its enums against the simulator's own lists).
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { schemaErrors } from "../helpers/schema.js";
import { SIM_STEP_OPS } from "../../src/sim/index.js";
import { FLOWS, POLICIES, XENOPSD_BUILDS } from "../../src/sim/xenopsd/vm_start.js";
import { NODE_CLAIMS_VARIANTS, XEN_VERSIONS } from "../../src/sim/hypervisor/index.js";

const scenarios = (): string[] => readdirSync(join(repoRoot, "samples", "scenarios")).filter((f) => f.endsWith(".json")).sort().map((f) => join(repoRoot, "samples", "scenarios", f));

describe("JSON Schemas (issue 12)", () => {
  it("decode and namespace --format json over samples/ validate", async () => {
    for (const src of ["2socket", "4node", "4node.acpidump.txt"].map((s) => join(repoRoot, "samples", s))) {
      for (const [cmd, schema] of [["decode", "decode.schema.json"], ["namespace", "namespace.schema.json"]] as const) {
        const r = await runCli([cmd, src, "--format", "json"]);
        if (cmd === "namespace" && r.code === 2) continue; // 2socket has no AML table
        expect(schemaErrors(schema, JSON.parse(r.stdout)), `${cmd} ${src}`).to.deep.equal([]);
      }
    }
  });

  it("decode --format json over the corpus validates (every table type's fields camelCase)", async function () {
    requireCorpus(this);
    const dirs = ["real", "synthetic"].map((d) => corpusPath(d));
    for (const d of dirs) {
      for (const f of readdirSync(d).sort().slice(0, 40)) {
        const r = await runCli(["decode", join(d, f), "--format", "json"]);
        if (r.stdout === "") continue;
        expect(schemaErrors("decode.schema.json", JSON.parse(r.stdout)), f).to.deep.equal([]);
      }
    }
  });

  it("sim --format json of every sample scenario validates; a wrong key is caught", async () => {
    // A sweep sample prints a sweep report (its keys: test/sim/experiments/sweep.test.ts), not a run.
    for (const f of scenarios().filter((x) => !("sweep" in (JSON.parse(readFileSync(x, "utf8")) as object)))) {
      const r = await runCli(["sim", f, "--format", "json"]);
      const j = JSON.parse(r.stdout) as { steps: { result?: Record<string, unknown> }[] };
      expect(schemaErrors("sim.schema.json", j), f).to.deep.equal([]);
      const withSnake = { ...j, steps: [{ op: "x", rc: 0, result: { pages_by_node: {} } }] };
      expect(schemaErrors("sim.schema.json", withSnake)).to.not.deep.equal([]);
    }
  });

  it("every sample scenario validates against the scenario schema, whose lists match the simulator's", () => {
    for (const f of scenarios()) expect(schemaErrors("scenario.schema.json", JSON.parse(readFileSync(f, "utf8"))), f).to.deep.equal([]);
    const s = JSON.parse(readFileSync(join(repoRoot, "schema", "scenario.schema.json"), "utf8")) as {
      properties: { xen: { properties: { version: { enum: string[] }; nodeClaims: { enum: string[] } } } };
      $defs: { step: { properties: { op: { enum: string[] } }; allOf: { if: { properties: { op: { const: string } } }; then: { properties: Record<string, { enum?: string[] }> } }[] } };
    };
    expect([...s.$defs.step.properties.op.enum].sort()).to.deep.equal([...SIM_STEP_OPS.keys()].sort());
    expect(s.properties.xen.properties.version.enum).to.include.members([...XEN_VERSIONS]);
    expect(s.properties.xen.properties.nodeClaims.enum).to.include.members([...NODE_CLAIMS_VARIANTS]);
    const vmStart = s.$defs.step.allOf.find((a) => a.if.properties.op.const === "vm_start")?.then.properties;
    expect(vmStart?.["flow"]?.enum).to.deep.equal([...FLOWS]);
    expect(vmStart?.["policy"]?.enum).to.deep.equal([...POLICIES]);
    expect(vmStart?.["xenopsd"]?.enum).to.deep.equal([...XENOPSD_BUILDS]);
    expect(schemaErrors("scenario.schema.json", { steps: [{ op: "populate_physmap", domid: 1 }] })).to.not.deep.equal([]);
    expect(schemaErrors("scenario.schema.json", { steps: [{ op: "physinfo", expect: { free_pages: 1 } }] })).to.not.deep.equal([]);
  });
});
