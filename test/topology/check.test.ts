/**
 * The model's self-check (src/topology/check.ts) catches what it claims to: each test breaks one
 * invariant of a consistent topology and expects exactly that violation to be named.
 */
import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import { checkTopology, topologyViolations } from "../../src/topology/check.js";
import type { Topology } from "../../src/topology/model.js";
import { ModelInvariantError } from "../../src/errors.js";
import { hostTables, slitTable } from "../helpers/numa-tables.js";

const MiB = 1n << 20n;

/** Two nodes with CPUs, memory and a SLIT: a model that passes the check. */
function sound(): Topology {
  return buildTopology([
    ...hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 0, apic: 1 }, { pxm: 1, apic: 2 }, { pxm: 1, apic: 3 }],
      memory: [{ pxm: 0, base: 0n, length: 512n * MiB }, { pxm: 1, base: 512n * MiB, length: 512n * MiB }],
    }),
    slitTable([[10, 21], [21, 10]]),
  ]);
}

describe("topology: the model checks itself (checkTopology)", () => {
  it("a consistent model has no violation", () => {
    expect(topologyViolations(sound())).to.deep.equal([]);
    expect(() => { checkTopology(sound()); }).not.to.throw();
  });

  it("a CPU on two nodes", () => {
    const t = sound();
    const cpu = t.nodes[0]?.cpus[0];
    if (cpu === undefined) throw new Error("no CPU");
    t.nodes[1]?.cpus.push(cpu);
    expect(topologyViolations(t).join("\n")).to.match(/is on node 0 and on node 1/);
    expect(() => { checkTopology(t); }).to.throw(ModelInvariantError);
  });

  it("a distance matrix that is not square over the nodes", () => {
    const t = sound();
    t.distances.matrix.pop();
    expect(topologyViolations(t).join("\n")).to.match(/matri|square/i);
  });

  it("a node whose PXM does not map back to it", () => {
    const t = sound();
    const n1 = t.nodes[1];
    if (n1 === undefined) throw new Error("no node 1");
    n1.pxm = 7;
    expect(topologyViolations(t).join("\n")).to.match(/PXM 7 maps to node/);
  });
});
