/** The scenario runner and `numakit sim`: parsing, expectations, output, errors, extension ops. */
import { withoutSweep } from "../../src/sim/experiments/sweep-spec.js";
import { expect } from "chai";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, repoRoot } from "../helpers/cli.js";
import { inlineHost, parseScenario, parseScenarioWith, runScenario, scenarioHost, SIM_STEP_OPS } from "../../src/sim/index.js";
import { stepOpEntry } from "../../src/sim/scenario/registry.js";
import { loadScenarioFile } from "../../src/cli/commands/sim.js";
import { simRunText } from "../../src/sim/toolstack/run-text.js";
import { hostSpecFromCompact, type HostSpec } from "../../src/sim/host.js";
import { UsageError } from "../../src/errors.js";
import { createHost } from "../../src/sim/hypervisor/index.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const samples = join(repoRoot, "samples", "scenarios");
const host = { nodes: [{ mem_mib: 64, cpus: 1 }, { mem_mib: 64, cpus: 1 }] };

function parseErr(json: unknown): string {
  try {
    parseScenario(json, { file: "s.json" });
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    return (e as UsageError).oneLine();
  }
  throw new Error("expected a UsageError");
}

function run(steps: unknown[], xen: unknown = {}): ReturnType<typeof runScenario> & { text: () => string } {
  const scn = parseScenario({ host, xen, steps });
  const spec = inlineHost(scn);
  const r = runScenario(scn, spec);
  return Object.assign(r, { text: () => simRunText(scn, spec, r) });
}

describe("sim scenarios", () => {
  it("every sample scenario meets its expectations", async () => {
    const files = readdirSync(samples).filter((f) => f.endsWith(".json"));
    expect(files.length).to.be.at.least(2);
    for (const f of files) {
      // A sweep sample's steps run once here (its seeds are test/sim/experiments/sweep.test.ts's).
      const scn = parseScenario(withoutSweep(await loadScenarioFile(join(samples, f))), { file: f });
      const r = runScenario(scn, await scenarioHost(scn, undefined, { file: join(samples, f) }));
      // The XS-v4 over-commit sample exists to show the panic (test/sim/fidelity.test.ts): its
      // only failure is the crash; every expectation before it holds.
      const want = f === "xs-v4-overcommit.json" ? [r.crash?.message ?? "a crash"].map((m) => `step 8 (populate_physmap): ${m}`) : [];
      expect(r.failures, f).to.deep.equal(want);
    }
  });

  it("runs steps and reports the final state", () => {
    const r = run([
      { op: "createdomain", max_vcpus: 1, expect: { rc: 0, domid: 1 } },
      { op: "max_mem", domid: 1, max_memkb: 65536 },
      { op: "claim_pages", domid: 1, nr_pages: 1000 },
      { op: "populate_physmap", domid: 1, nr_extents: 2, extent_order: 9, mem_flags: { node: 1, exact: true }, expect: { done: 2 } },
      { op: "decrease_reservation", domid: 1, nr_extents: 1, extent_order: 9, node: 1, expect: { done: 1 } },
      { op: "vcpu_setaffinity", domid: 1, vcpu: 0, hard: "all", soft: [1] },
      { op: "setnodeaffinity", domid: 1, nodes: "all" },
      { op: "shadow_set_allocation", domid: 1, mb: 2 },
      { op: "unpausedomain", domid: 1 },
      { op: "max_vcpus", domid: 1, max: 1, cpu: 0 },
      { op: "idle_scrub", node: 0 },
      { op: "getdomaininfo", domid: 9, expect: { rc: -3 } },
      { op: "physinfo", expect: { outstandingPages: 0 } },
    ]);
    expect(r.failures).to.deep.equal([]);
    expect(r.steps.map((s) => s.rc)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, 0]);
    expect(r.final.domains).to.deep.equal([{ domid: 1, totPages: 512, outstandingPages: 0, pagesByNode: { 1: 512 } }]);
    expect(r.final.nodes[0]).to.not.have.property("claimedPages");
    const text = r.text();
    expect(text).to.contain("  domain  tot pages  outstanding  pages by node\n       1        512            0  1:512\n");
    expect(text).to.match(/\nexpectations: all \d+ checks met\n$/);
  });

  it("node-claim variants report claimed pages per node; claim ops parse", () => {
    const r = run([
      { op: "createdomain", max_vcpus: 1, hap: false, vcpus: false, domid: 5, node: 0, cpu: 1 },
      { op: "max_mem", domid: 5, max_memkb: 65536 },
      { op: "claim_memory", domid: 5, claims: [{ pages: 100, node: 0 }, { pages: 10, node: "host" }] },
      { op: "claim_memory_get", domid: 5, expect: { claims: [{ node: "host", pages: 10 }, { node: 0, pages: 100 }] } },
      { op: "destroydomain", domid: 5, caller: 0 },
      { op: "numainfo", expect: { nodes: [{ claimed: 0 }, { claimed: 0 }] } },
    ], { version: "current", nodeClaims: "claim-sets", populateNoScrubDuringBuild: false });
    expect(r.failures).to.deep.equal([]);
    expect(r.final.nodes[0]?.claimedPages).to.equal(0);
  });

  it("reports failed expectations with the step", () => {
    const r = run([{ op: "createdomain", max_vcpus: 1, expect: { rc: -22, domid: 3 } }, { op: "physinfo", expect: { nosuch: 1 } }]);
    expect(r.failures).to.deep.equal([
      "step 0 (createdomain): expected rc -22, got 0",
      "step 0 (createdomain): expected domid 3, got 1",
      "step 1 (physinfo): expected nosuch 1, got nothing",
    ]);
    expect(r.text()).to.contain("expectations: 3 of 3 checks FAILED");
    // Names of Object.prototype's members are fields no result has (they said "got undefined").
    const proto = run([{ op: "physinfo", expect: { toString: 1, constructor: {} } }]);
    expect(proto.failures).to.deep.equal([
      "step 0 (physinfo): expected toString 1, got nothing",
      "step 0 (physinfo): expected constructor {}, got nothing",
    ]);
  });

  it("bad scenario files fail with one line naming the step", () => {
    expect(parseErr([])).to.equal("s.json: scenario must be a JSON object");
    expect(parseErr({ host, steps: [], extra: 1 })).to.contain('unknown field "extra"');
    expect(parseErr({ host, steps: {} })).to.contain("steps must be an array");
    expect(parseErr({ host, steps: [1] })).to.contain("step 0: must be an object");
    expect(parseErr({ host, steps: [{}] })).to.contain('step 0: missing "op"');
    expect(parseErr({ host, steps: [{ op: "frob" }] })).to.match(/step 0 \(frob\): unknown op \(known: .*populate_physmap/);
    expect(parseErr({ host, steps: [{ op: "physinfo", expect: 3 }] })).to.contain("step 0 (physinfo): expect must be an object");
    expect(parseErr({ host, steps: [{ op: "physinfo", expect: { rc: "x" } }] })).to.contain("expect.rc must be an integer");
    // Nesting deep enough to overflow the stack of the recursive key check was a RangeError.
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(parseErr({ host, steps: [{ op: "physinfo", expect: { nrNodes: deep } }] })).to.contain("step 0 (physinfo): expect nests deeper than 32 levels");
    expect(parseErr({ host, steps: [{ op: "numainfo", expect: { nodes: [{ distances: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] }] } }] })).to.contain("expect nests deeper than 32 levels");
    expect(parseErr({ host, steps: [{ op: "physinfo", what: 1 }] })).to.contain('step 0 (physinfo): unknown field "what"');
    expect(parseErr({ host, steps: [{ op: "max_mem", domid: 1 }] })).to.contain('step 0 (max_mem): missing "max_memkb"');
    expect(parseErr({ host, steps: [{ op: "populate_physmap", domid: 1, nr_extents: 2 ** 30, extent_order: 0 }] })).to.contain("nr_extents must be an integer in 0..16777216");
    expect(parseErr({ host, steps: [{ op: "populate_physmap", domid: 1, nr_extents: 1, extent_order: 0, mem_flags: { nod: 1 } }] })).to.contain('mem_flags: unknown field "nod"');
    expect(parseErr({ host, steps: [{ op: "populate_physmap", domid: 1, nr_extents: 1, extent_order: 0, mem_flags: 1 }] })).to.contain("mem_flags must be an object");
    expect(parseErr({ host, steps: [{ op: "populate_physmap", domid: 1, nr_extents: 1, extent_order: 0, mem_flags: { exact: 1 } }] })).to.contain("exact must be true or false");
    expect(parseErr({ host, steps: [{ op: "claim_memory", domid: 1, claims: 1 }] })).to.contain("claims must be an array");
    expect(parseErr({ host, steps: [{ op: "claim_memory", domid: 1, claims: [1] }] })).to.contain("claims[0] must be an object");
    expect(parseErr({ host, steps: [{ op: "claim_memory", domid: 1, claims: [{ pages: 1, node: 0, x: 1 }] }] })).to.contain('claims[0]: unknown field "x"');
    expect(parseErr({ host, steps: [{ op: "claim_memory", domid: 1, claims: [{ pages: 1, node: "all" }] }] })).to.contain('claims[0].node ("host" or a node id)');
    expect(parseErr({ host, steps: [{ op: "setnodeaffinity", domid: 1 }] })).to.contain('missing "nodes"');
    expect(parseErr({ host, steps: [{ op: "setnodeaffinity", domid: 1, nodes: "some" }] })).to.contain('nodes must be an array of integers or "all"');
    expect(parseErr({ host, steps: [{ op: "vcpu_setaffinity", domid: 1, vcpu: 0, hard: [-1] }] })).to.contain("hard[] must be an integer");
    expect(parseErr({ host, xen: [], steps: [] })).to.contain("xen must be an object");
    expect(parseErr({ host, xen: { version: "4.17" }, steps: [] })).to.contain('xen.version must be one of "4.18", "4.19", "4.20", "4.21", "4.22", "staging"');
    expect(parseErr({ host, xen: { nodeClaims: "v2" }, steps: [] })).to.contain("xen.nodeClaims must be");
    // Names of Object.prototype's members are no aliases (they were accepted: "node claims function Object() { [native code] }").
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(parseErr({ host, xen: { nodeClaims: name }, steps: [] }), name).to.contain("xen.nodeClaims must be");
      expect(parseErr({ host, xen: { version: name }, steps: [] }), name).to.contain("xen.version must be one of");
    }
    expect(parseErr({ host, xen: { populateNoScrubDuringBuild: 1 }, steps: [] })).to.contain("must be true or false");
    expect(parseErr({ host, xen: { foo: 1 }, steps: [] })).to.contain('xen: unknown field "foo"');
    expect(parseErr({ host, xen: { version: "4.18", nodeClaims: "v4" }, steps: [] })).to.contain('needs xen.version "4.22" or "staging"');
    expect(parseErr({ host, xen: { version: "4.21", nodeClaims: "claim-sets" }, steps: [] })).to.contain('"claim-sets-v7" needs xen.version "4.22"');
    expect(parseErr({ host: { source: 1 }, steps: [] })).to.contain('{"source": "path"} takes one string');
    expect(() => createHost(hostSpecFromCompact(host), { version: "4.18", nodeClaims: "v4" })).to.throw(UsageError);
  });

  it("validates the compact host spec", () => {
    const err = (h: unknown): string => {
      try { hostSpecFromCompact(h); } catch (e) { return (e as UsageError).message; }
      return "";
    };
    expect(err(1)).to.equal("host must be an object");
    expect(err({ nodes: [] })).to.contain("host.nodes must be an array of 1..64 nodes");
    expect(err({ nodes: [1] })).to.contain("host.nodes[0] must be an object");
    expect(err({ nodes: [{ mem_mib: 1, cpus: 1, gpus: 1 }] })).to.contain('unknown field "gpus"');
    expect(err({ nodes: [{ mem_mib: 1.5, cpus: 1 }] })).to.contain("mem_mib must be an integer");
    expect(err({ nodes: [{ mem_mib: 1, ranges: [], cpus: 1 }] })).to.contain("give mem_mib or ranges, not both");
    expect(err({ nodes: [{ ranges: 1, cpus: 1 }] })).to.contain("ranges must be an array");
    expect(err({ nodes: [{ ranges: [1], cpus: 1 }] })).to.contain("ranges[0] must be an object");
    expect(err({ nodes: [{ ranges: [{ base: 0, length: 4096, x: 1 }], cpus: 1 }] })).to.contain('unknown field "x"');
    expect(err({ nodes: [{ ranges: [{ base: "zz", length: 4096 }], cpus: 1 }] })).to.contain("base must be a byte count");
    expect(err({ nodes: [{ ranges: [{ base: 100, length: 4096 }], cpus: 1 }] })).to.contain("multiple of 4096");
    expect(err({ nodes: [{ ranges: [{ base: 0, length: "0x2000" }], cpus: 1 }, { ranges: [{ base: 4096, length: 4096 }], cpus: 1 }] })).to.contain("overlaps");
    expect(err({ nodes: [{ ranges: [{ base: "0x10000000000000", length: 4096 }], cpus: 1 }] })).to.contain("52-bit");
    expect(err({ nodes: [{ mem_mib: 1, cpus: 0 }] })).to.contain("at least one node needs CPUs");
    expect(err({ nodes: [{ mem_mib: 0, cpus: 1 }] })).to.contain("no memory on any node");
    expect(err({ nodes: [{ mem_mib: 1, cpus: 1 }], distances: [[10, 20]] })).to.contain("1x1 matrix");
    expect(err({ nodes: [{ mem_mib: 1, cpus: 1 }], distances: [10] })).to.contain("1x1 matrix");
    expect(err({ nodes: [{ mem_mib: 1, cpus: 1 }], distances: [[256]] })).to.contain("0..255");
    expect(err({ nodes: [{ ranges: Array.from({ length: 129 }, (_, i) => ({ base: i * 8192, length: 4096 })), cpus: 1 }] })).to.contain("more than 128 memory ranges");
    const spec: HostSpec = hostSpecFromCompact({ nodes: [{ mem_mib: 2, cpus: 2 }, { mem_mib: 2, cpus: 1 }] });
    expect(spec.nodes.map((n) => n.cpus)).to.deep.equal([[0, 1], [2]]);
    expect(spec.nodes[1]?.ranges).to.deep.equal([{ baseMfn: 512, pages: 512 }]);
  });

  it("compact distances are a SLIT: one slit_valid() rejects gives Xen's 10/20, 0xff reports ~0U", () => {
    const two = [{ mem_mib: 1, cpus: 1 }, { mem_mib: 1, cpus: 1 }];
    for (const bad of [[[50, 5], [5, 10]], [[10, 10], [10, 10]], [[10, 21], [21, 11]], [[10, 0], [0, 10]], [[10, 9], [9, 10]]]) {
      expect(hostSpecFromCompact({ nodes: two, distances: bad }).distances, JSON.stringify(bad)).to.deep.equal([[10, 20], [20, 10]]);
    }
    expect(hostSpecFromCompact({ nodes: two, distances: [[10, 11], [255, 10]] }).distances).to.deep.equal([[10, 11], [255, 10]]);
    // The tester's scenario (hunt-sim slit-invalid.json): numainfo as Xen reports it.
    const numainfo = (distances: number[][], expected: number[][]): string[] => {
      const scn = parseScenario({
        host: { nodes: [{ mem_mib: 1024, cpus: 2 }, { mem_mib: 1024, cpus: 2 }], distances },
        steps: [{ op: "numainfo", expect: { nodes: expected.map((d) => ({ distances: d })) } }],
      });
      return runScenario(scn, inlineHost(scn)).failures;
    };
    expect(numainfo([[50, 5], [5, 10]], [[10, 20], [20, 10]])).to.deep.equal([]);
    expect(numainfo([[10, 255], [16, 10]], [[10, 0xffffffff], [16, 10]])).to.deep.equal([]);
  });

  it("the runner takes its op table from the caller: extra ops keep their own state", () => {
    const ops = new Map([...SIM_STEP_OPS, stepOpEntry<{ op: string; index: number; n: number }>("test_counter", {
      parse: (f, index) => { f.only(["n"]); return { op: "test_counter", index, n: f.uint("n") }; },
      run: (ctx, step) => {
        const c = ((ctx.state.get("counter") as number | undefined) ?? 0) + step.n;
        ctx.state.set("counter", c);
        return { rc: 0, result: { counter: c, free: ctx.hv.physinfo().free_pages } };
      },
    })]);
    const scn = parseScenarioWith(ops, { host, steps: [{ op: "test_counter", n: 2 }, { op: "test_counter", n: 3, expect: { counter: 5 } }] });
    expect(runScenario(scn, inlineHost(scn)).failures).to.deep.equal([]);
    // The table is the caller's: the default one does not know the op.
    expect(() => parseScenario({ host, steps: [{ op: "test_counter", n: 1 }] })).to.throw(/unknown op/);
  });

  describe("numakit sim (CLI)", () => {
    const dir = tmpDirPerSuite("sim");
    const file = (name: string, content: unknown): string => {
      const p = join(dir(), name);
      writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
      return p;
    };

    it("prints JSON with steps and final state, exit 0", async () => {
      const r = await runCli(["sim", join(samples, "placement.json"), "--format", "json"]);
      expect(r.code).to.equal(0);
      const out = JSON.parse(r.stdout) as { steps: { op: string; rc: number; result?: { done?: number } }[]; final: { nodes: unknown[]; domains: unknown[] } };
      expect(out.steps[2]).to.deep.equal({ op: "populate_physmap", rc: 0, result: { done: 160 } });
      expect(out.final.nodes).to.deep.equal([{ id: 0, freePages: 0 }, { id: 1, freePages: 524028 }]);
    });

    it("runs every sample and every op end to end", async () => {
      for (const f of ["claims.json", "seed-node-bound.json"]) {
        const r = await runCli(["sim", join(samples, f)]);
        expect(r.code, f).to.equal(0);
        expect(r.stdout).to.match(/\nexpectations: all \d+ checks met\n$/);
      }
      const all = file("all.json", {
        host: { nodes: [{ mem_mib: 64, cpus: 1 }, { mem_mib: 64, cpus: 1 }] },
        xen: { version: "4.18" },
        steps: [
          { op: "createdomain", max_vcpus: 2, vcpus: false },
          { op: "max_vcpus", domid: 1, max: 2 },
          { op: "max_mem", domid: 1, max_memkb: 65536 },
          { op: "claim_pages", domid: 1, nr_pages: 2000 },
          { op: "populate_physmap", domid: 1, nr_extents: 2, extent_order: 9, mem_flags: { node: 1, exact: true } },
          { op: "decrease_reservation", domid: 1, nr_extents: 1, extent_order: 9, expect: { done: 1 } },
          { op: "getdomaininfo", domid: 1, expect: { outstandingPages: 2000 - 512 } },
          { op: "vcpu_setaffinity", domid: 1, vcpu: 0, hard: [0], soft: "all" },
          { op: "setnodeaffinity", domid: 1, nodes: [1] },
          { op: "shadow_set_allocation", domid: 1, mb: 2 },
          { op: "unpausedomain", domid: 1 },
          { op: "page_offline", mfn: 100, expect: { status: "offlined" } },
          { op: "page_online", mfn: 100 },
          { op: "claim_memory", domid: 1, claims: [{ pages: 1, node: 0 }], expect: { rc: -38 } },
          { op: "claim_memory_get", domid: 1, expect: { rc: -95 } },
          { op: "destroydomain", domid: 1 },
          { op: "idle_scrub" },
          { op: "physinfo", expect: { outstandingPages: 0 } },
          { op: "numainfo" },
        ],
      });
      const r = await runCli(["sim", all, "--format", "json"]);
      expect(r.stderr).to.equal("");
      expect(r.code).to.equal(0);
    });

    it("exit 1 on a failed expectation, 2 on a bad file, one line each", async () => {
      const failed = await runCli(["sim", file("f.json", { host, steps: [{ op: "createdomain", max_vcpus: 1, expect: { rc: -1 } }] })]);
      expect(failed.code).to.equal(1);
      expect(failed.stderr).to.contain("step 0 (createdomain): expected rc -1, got 0");
      // The file's name and the expectation as written (a C1 CSI passes JSON.stringify) stay on one line, controls as \xNN.
      const hostile = await runCli(["sim", file("f\x1b[2J\r.json", { host, steps: [{ op: "createdomain", max_vcpus: 1, expect: { domid: "\u009b2J" } }] })]);
      expect(hostile.code).to.equal(1);
      expect(hostile.stderr).to.equal(`numakit: ${dir()}/f\\x1B[2J\\x0D.json: step 0 (createdomain): expected domid "\\x9B2J", got 1\n`);
      const bad = await runCli(["sim", file("b.json", { host, steps: [{ op: "populate_physmap", domid: 1 }] })]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr.trim()).to.match(/^numakit: .*b\.json: step 0 \(populate_physmap\): missing "nr_extents"$/);
      const notJson = await runCli(["sim", file("n.json", "{")]);
      expect(notJson.code).to.equal(2);
      expect(notJson.stderr).to.contain("not valid JSON");
      const missing = await runCli(["sim", join(dir(), "nope.json")]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.equal(`numakit: ${join(dir(), "nope.json")}: no such file or directory\n`);
      const noHost = await runCli(["sim", file("h.json", { steps: [] })]);
      expect(noHost.code).to.equal(2);
      expect(noHost.stderr).to.contain("scenario has no host");
      const source = await runCli(["sim", file("s.json", { host: { source: "tables.dat" }, steps: [] })]);
      expect(source.code).to.equal(2);
      expect(source.stderr.trim()).to.match(/^numakit: .*s\.json: host source: .*tables\.dat: no such file or directory$/);
      const flag = await runCli(["sim", file("o.json", { host, steps: [] }), "--host", "x"]);
      expect(flag.code).to.equal(2);
      expect(flag.stderr).to.match(/^numakit: host source: x: no such file or directory\n$/);
      // A host Xen cannot boot (init_node_heap(): no order-2 block for node 1's metadata).
      const unbootable = { nodes: [{ ranges: [{ base: 0, length: 8192 }], cpus: 1 }, { ranges: [{ base: "0x100000", length: 8192 }], cpus: 1 }] };
      const boot = await runCli(["sim", file("u.json", { host: unbootable, steps: [] })]);
      expect(boot.code).to.equal(2);
      expect(boot.stderr.trim()).to.match(/^numakit: .*u\.json: host: Xen cannot boot it: no free order-2 block for node 1's heap metadata \(init_node_heap\(\): BUG_ON\(!_heap\[node\]\)\)$/);
    });

    it("issue 12: a scenario from stdin, read and syntax errors in words, file:line:column, a YAML hint", async () => {
      const text = JSON.stringify({ description: "from stdin", host, steps: [{ op: "createdomain", max_vcpus: 1, expect: { domid: 1 } }] });
      const fromStdin = await runCli(["sim", "-"], { stdin: text });
      expect(fromStdin.code, fromStdin.stderr).to.equal(0);
      expect(fromStdin.stdout.split("\n")[0]).to.equal("from stdin");
      const both = await runCli(["sim", "-", "--host", "-"], { stdin: text });
      expect(both.code).to.equal(2);
      expect(both.stderr).to.equal("numakit: standard input can be read once: give the scenario or --host as -, not both\n");
      const isDir = await runCli(["sim", dir()]);
      expect([isDir.code, isDir.stderr]).to.deep.equal([2, `numakit: ${dir()}: is a directory\n`]);
      const comma = await runCli(["sim", file("c.json", '{\n  "steps": [],\n}\n')]);
      expect([comma.code, comma.stderr]).to.deep.equal([2, `numakit: ${join(dir(), "c.json")}:3:1: not valid JSON: expected a property name in double quotes, found '}'\n`]);
      const token = await runCli(["sim", "-"], { stdin: '{"steps": [x]}' });
      expect(token.stderr).to.equal("numakit: <stdin>:1:12: not valid JSON: expected a value (object, array, string, number, true, false or null), found 'x'\n");
      const yaml = await runCli(["sim", file("y.json", "host:\n  nodes: []\nsteps: []\n")]);
      expect(yaml.code).to.equal(2);
      expect(yaml.stderr).to.match(/y\.json:1:1: not valid JSON: .*; scenarios are JSON, and this looks like YAML\n$/);
      const empty = await runCli(["sim", "-"], { stdin: "" });
      expect([empty.code, empty.stderr]).to.deep.equal([2, "numakit: <stdin>: empty: a scenario file is a JSON object\n"]);
      for (const r of [isDir, comma, token, yaml, empty]) {
        expect(r.stderr).to.not.match(/ERR_|ENOENT|EISDIR| {2}/);
        expect(r.stderr.split("\n")).to.have.length(2);
      }
    });

    it("issue 12: files skipped in a --host directory are named on stderr", async () => {
      const tables = join(dir(), "tables");
      const { cpSync } = await import("node:fs");
      cpSync(join(repoRoot, "samples", "2socket"), tables, { recursive: true });
      writeFileSync(join(tables, "notes.txt"), "not a table\n");
      const r = await runCli(["sim", file("k.json", { steps: [{ op: "physinfo" }] }), "--host", tables]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal(`numakit: ${join(tables, "notes.txt")}: neither an ACPI table nor acpidump text (no "SIG @ 0x..." header with hex lines)\n`);
    });

    it("issue 12: text shows the description first, step arguments, column headers; 'all met' only with expectations", async () => {
      const r = await runCli(["sim", file("t.json", { description: "two steps\u001b[31m", host, steps: [{ op: "createdomain", max_vcpus: 1 }, { op: "max_mem", domid: 1, max_memkb: 1024 }] })]);
      expect(r.code).to.equal(0);
      const lines = r.stdout.split("\n");
      expect(lines.slice(0, 7)).to.deep.equal([
        "two steps\\x1B[31m", "", "host: 2 nodes, 2 CPUs, 128.0 MiB; Xen staging, no node claims", "",
        "step  op            rc  arguments               result",
        "   0  createdomain  0   max_vcpus=1             domid=1",
        "   1  max_mem       0   domid=1 max_memkb=1024",
      ]);
      expect(r.stdout).to.contain("  node  free pages  free MiB\n");
      expect(r.stdout).to.not.contain("all met");
      expect(r.stdout).to.match(/\nexpectations: none \(the scenario checks nothing\)\n$/);
    });

    it("issue 12: result keys are camelCase; an expect in snake_case is a one-line error naming the new key", async () => {
      const r = await runCli(["sim", join(samples, "claims.json"), "--format", "json"]);
      expect(r.stdout).to.not.match(/"[a-z0-9]+_[a-z0-9_]+":/);
      expect(r.stdout).to.contain('"pagesByNode"');
      const old = await runCli(["sim", file("old.json", { host, steps: [{ op: "physinfo", expect: { free_pages: 1 } }] })]);
      expect(old.code).to.equal(2);
      expect(old.stderr).to.match(/old\.json: step 0 \(physinfo\): expect: result fields are camelCase: "free_pages" is "freePages"\n$/);
    });
  });
});
