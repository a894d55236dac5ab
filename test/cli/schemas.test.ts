/**
 * Issue 12: every JSON output has a published schema (schema/), checked with ajv: decode and
 * namespace over samples/ and the corpus, sim over every sample scenario, and the scenario file
 * format over every sample scenario (and its enums against the simulator's own lists), and the
 * sweep report (issue 18) over the sweep samples.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { schemaErrors } from "../helpers/schema.js";
import { SIM_STEP_OPS } from "../../src/sim/index.js";
import { FLOWS, POLICIES, XENOPSD_BUILDS } from "../../src/sim/xenopsd/vm_start.js";
import { GRANULARITIES } from "../../src/sim/libxc/scheduler.js";
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

  it("namespace --format json of a real dump with dynamic values validates (a dynamic value's reason is in the schema)", async function () {
    requireCorpus(this);
    const r = await runCli(["namespace", corpusPath("real", "dell-poweredge-r820-E5985CCBA349.txt"), "--format", "json"]);
    const j = JSON.parse(r.stdout) as { devices: Record<string, unknown>[] };
    const dynamic = JSON.stringify(j).match(/"static":false,"reason":/g) ?? [];
    expect(dynamic.length, "the dump has dynamic values").to.be.greaterThan(0);
    expect(schemaErrors("namespace.schema.json", j)).to.deep.equal([]);
    // Each variant keeps its own key: a static value carries no reason, a dynamic one no value.
    const bad = { ...j, devices: [{ path: "\\_SB.X", kind: "Device", table: "DSDT", offset: 0, pxm: { static: false, value: 1, table: "DSDT", offset: 0 } }] };
    expect(schemaErrors("namespace.schema.json", bad)).to.not.deep.equal([]);
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

  it("sim --seeds --format json of every sweep sample validates against the sweep schema; a broken one is rejected", async function () {
    this.timeout(60_000);
    const sweeps = scenarios().filter((x) => "sweep" in (JSON.parse(readFileSync(x, "utf8")) as object));
    expect(sweeps.map((f) => f.split(/[\\/]/).pop())).to.include.members(["sweep-4node.json", "sweep-8node-40vm.json"]);
    const docs: Record<string, unknown>[] = [];
    for (const f of sweeps) {
      // Few seeds: the schema is about the shape; the samples' own 1..200 are the docs' tables.
      for (const extra of [[], ["--cost", "slit", "--flows", "claim,legacy"]]) {
        const r = await runCli(["sim", f, "--seeds", "1..3", "--jobs", "1", "--format", "json", ...extra]);
        expect(r.code, `${f} ${r.stderr}`).to.equal(0);
        const j = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(schemaErrors("sweep.schema.json", j), `${f} ${extra.join(" ")}`).to.deep.equal([]);
        docs.push(j);
      }
    }
    // The schema's flow list is the simulator's.
    const s = JSON.parse(readFileSync(join(repoRoot, "schema", "sweep.schema.json"), "utf8")) as { $defs: { flow: { properties: { flow: { enum: string[] } } } } };
    expect(s.$defs.flow.properties.flow.enum).to.deep.equal([...FLOWS]);
    // Broken documents: a contract key missing, a snake_case key, a wrong type, a median that is not a count.
    type Doc = { sweep: { flows: Record<string, Record<string, unknown>> } };
    const doc = docs[0] as Doc;
    const broken = (edit: (flow: Record<string, unknown>, d: Doc) => void): Doc => {
      const d = structuredClone(doc);
      const first = Object.values(d.sweep.flows)[0];
      if (first === undefined) throw new Error("no flow");
      edit(first, d);
      return d;
    };
    expect(schemaErrors("sweep.schema.json", broken((f) => { delete f["costRatio"]; }))).to.include("/sweep/flows/legacy: must have required property 'costRatio'");
    expect(schemaErrors("sweep.schema.json", broken((f) => { f["start_failures"] = 0; }))).to.not.deep.equal([]);
    expect(schemaErrors("sweep.schema.json", broken((f) => { f["seeds"] = "3"; }))).to.not.deep.equal([]);
    expect(schemaErrors("sweep.schema.json", broken((f) => { f["vmsFullyLocal"] = { min: 1, median: 2.5, max: 3 }; }))).to.not.deep.equal([]);
    expect(schemaErrors("sweep.schema.json", broken((_f, d) => { d.sweep.flows = {}; }))).to.not.deep.equal([]);
    expect(schemaErrors("sweep.schema.json", { flows: doc.sweep.flows })).to.not.deep.equal([]);
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
    expect(vmStart?.["interleave"]?.enum).to.deep.equal([...GRANULARITIES]);
    expect(schemaErrors("scenario.schema.json", { steps: [{ op: "populate_physmap", domid: 1 }] })).to.not.deep.equal([]);
    expect(schemaErrors("scenario.schema.json", { steps: [{ op: "physinfo", expect: { free_pages: 1 } }] })).to.not.deep.equal([]);
  });
});
