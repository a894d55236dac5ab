import { expect } from "chai";
import { libxl__get_numa_candidate } from "../../../src/sim/xenopsd/libxl_numa.js";
import { interleave, mulberry32, runToEnd, sequence } from "../../../src/sim/libxc/scheduler.js";
import { plan } from "../../../src/sim/xenopsd/softaffinity.js";
import { genCandidates, NumaHierarchy, UNREACHABLE_DISTANCE } from "../../../src/sim/xenopsd/topology.js";
import type { Build } from "../../../src/sim/libxc/scheduler.js";

const flat = (n: number, remote = 20) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 10 : remote)));
const cpus = (n: number, per: number) => Array.from({ length: n * per }, (_, c) => Math.floor(c / per));
const GiB = 2 ** 30;

describe("sim/xenopsd placement (Topology.NUMA, Softaffinity.plan)", () => {
  it("candidates: single nodes first (10, 10.0), then sets by (max, avg) distance, stable", () => {
    const c = genCandidates([[10, 16, 22], [16, 10, 22], [22, 22, 10]]);
    expect(c.map((x) => x.nodes)).to.deep.equal([[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]);
    expect(c[3]).to.deep.include({ max: 16, avg: 13 });
  });

  it("more than 16 nodes: only single nodes; unreachable nodes are never candidates", () => {
    expect(genCandidates(flat(17)).map((x) => x.nodes)).to.have.length(17);
    const d = flat(3);
    (d[2] as number[])[2] = UNREACHABLE_DISTANCE;
    expect(genCandidates(d).map((x) => x.nodes)).to.deep.equal([[0], [1], [0, 1]]);
  });

  it("NUMA.make refuses unreasonable matrices and CPU-less hosts", () => {
    expect(NumaHierarchy.make([[10, 20], [20, 11]], cpus(2, 1))).to.equal(undefined);
    expect(NumaHierarchy.make([[10, 9], [20, 10]], cpus(2, 1))).to.equal(undefined);
    const d = [[UNREACHABLE_DISTANCE]];
    expect(NumaHierarchy.make(d, [0])).to.equal(undefined);
    expect(NumaHierarchy.make(flat(2), cpus(2, 2))?.nodeCpus).to.deep.equal([[0, 1], [2, 3]]);
  });

  it("node_usage balancing: identical VMs alternate 0,1,0,1 regardless of free memory (xenopsd's node_usage)", () => {
    const h = NumaHierarchy.make(flat(2), cpus(2, 4));
    if (h === undefined) throw new Error("no NUMA");
    const res = [h.resource(0, 60 * GiB), h.resource(1, 10 * GiB)];
    const got = [1, 2, 3, 4].map(() => plan(h, res, { memory: GiB, vcpus: 2 })?.nodes);
    expect(got).to.deep.equal([[0], [1], [0], [1]]);
    // A node that no longer fits is skipped.
    expect(plan(h, [h.resource(0, 60 * GiB), h.resource(1, GiB / 2)], { memory: GiB, vcpus: 2 })?.nodes).to.deep.equal([0]);
  });

  it("falls back to the closest node set when no node fits; none when nothing fits", () => {
    const h = NumaHierarchy.make([[10, 16, 22], [16, 10, 22], [22, 22, 10]], cpus(3, 2));
    if (h === undefined) throw new Error("no NUMA");
    const res = [0, 1, 2].map((n) => h.resource(n, 24 * GiB));
    expect(plan(h, res, { memory: 40 * GiB, vcpus: 2 })?.nodes).to.deep.equal([0, 1]);
    expect(plan(h, res, { memory: 4 * GiB, vcpus: 3 })?.nodes).to.deep.equal([0, 1]);
    expect(plan(h, res, { memory: 100 * GiB, vcpus: 1 })).to.equal(undefined);
  });

  it("NUMA.choose ties compare the picked lists in reverse (OCaml compare of node :: picked)", () => {
    const h = NumaHierarchy.make(flat(4), cpus(4, 1));
    if (h === undefined) throw new Error("no NUMA");
    // [3;0] vs [2;1]: {1,2} wins, although {0,3} is lexicographically first in ascending order.
    expect(h.choose([{ nodes: [0, 3], result: "a" }, { nodes: [1, 2], result: "b" }])?.result).to.equal("b");
    expect(h.nodeUsage).to.deep.equal([0, 1, 1, 0]);
    expect(h.choose([])).to.equal(undefined);
  });
});

describe("sim/xenopsd libxl placement (libxl__get_numa_candidate)", () => {
  const node = (gib: number, n: number, first: number) => ({ free_memkb: gib * 1024 * 1024, cpus: Array.from({ length: n }, (_, i) => first + i) });

  it("prefers fewer vCPUs already there, then more free memory; smallest node count first", () => {
    const nodes = [node(8, 4, 0), node(16, 4, 4), node(16, 4, 8)];
    expect(libxl__get_numa_candidate(nodes, 4 * 1024 * 1024, 2, [0, 0, 0])?.nodes).to.deep.equal([1]);
    expect(libxl__get_numa_candidate(nodes, 4 * 1024 * 1024, 2, [0, 3, 2])?.nodes).to.deep.equal([0]);
    // 6 vCPUs on 4-CPU nodes: min_nodes = 2; the pair with most free memory wins.
    expect(libxl__get_numa_candidate(nodes, 4 * 1024 * 1024, 6, [0, 0, 0])?.nodes).to.deep.equal([1, 2]);
  });

  it("no placement on one node, beyond 16 nodes, or when nothing fits", () => {
    expect(libxl__get_numa_candidate([node(8, 4, 0)], 1, 1, [0])).to.equal(undefined);
    expect(libxl__get_numa_candidate(Array.from({ length: 17 }, (_, i) => node(8, 1, i)), 1, 1, [])).to.equal(undefined);
    expect(libxl__get_numa_candidate([node(1, 4, 0), node(1, 4, 4)], 4 * 1024 * 1024, 1, [0, 0])).to.equal(undefined);
    // Unequal CPU counts: start at 1 node.
    expect(libxl__get_numa_candidate([node(8, 2, 0), node(8, 4, 2)], 1024, 1, [0, 0])?.nodes).to.deep.equal([0]);
  });
});

describe("sim/xenopsd scheduler", () => {
  function* task(name: string, n: number, log: string[]): Build<string> {
    for (let i = 0; i < n; i++) { yield `${name}${i}`; log.push(`${name}${i}`); }
    return name;
  }

  it("is deterministic per seed, interleaves, and returns every result", () => {
    const run = (seed: number) => { const log: string[] = []; const r = interleave([task("a", 20, log), task("b", 20, log)], seed); return { log, r }; };
    expect(run(7)).to.deep.equal(run(7));
    expect(run(7).r).to.deep.equal(["a", "b"]);
    expect(run(7).log.join()).to.not.equal(run(8).log.join());
    expect(run(7).log.slice(0, 20).some((l) => l.startsWith("b"))).to.equal(true);
  });

  it("sequence(first, then) yields and returns as the nested generators would, starting nothing before the first advance", () => {
    const nested = (log: string[]) => (function* (): Build<string> {
      log.push("start");
      const a = yield* task("p", 3, log);
      return yield* task(`${a}q`, 2, log);
    })();
    const seq = (log: string[]) => sequence(() => { log.push("start"); return task("p", 3, log); }, (a) => task(`${a}q`, 2, log));
    for (const mk of [nested, seq]) {
      const log: string[] = [];
      const b = mk(log);
      expect(log).to.deep.equal([]);
      const labels: string[] = [];
      let r = b.next();
      for (; r.done !== true; r = b.next()) labels.push(r.value);
      expect(labels).to.deep.equal(["p0", "p1", "p2", "pq0", "pq1"]);
      expect(r.value).to.equal("pq");
      expect(log).to.deep.equal(["start", "p0", "p1", "p2", "pq0", "pq1"]);
    }
    // Interleaved with other builds: the same order as the nested version, seed for seed.
    const order = (mk: (log: string[]) => Build<string>) => { const log: string[] = []; interleave([mk(log), task("z", 5, log)], 3); return log; };
    expect(order(seq)).to.deep.equal(order(nested));
  });

  it("runToEnd runs one build alone; mulberry32 stays in [0, 1)", () => {
    const log: string[] = [];
    expect(runToEnd(task("x", 3, log))).to.equal("x");
    expect(log).to.deep.equal(["x0", "x1", "x2"]);
    const r = mulberry32(1);
    for (let i = 0; i < 1000; i++) { const x = r(); expect(x >= 0 && x < 1).to.equal(true); }
  });
});
