/**
 * The toolstack layers against their sources: xenopsd's build_pre and numa_placement (xen-api
 * e2ee48d6, and a810aeb2e5^ for the legacy flow), libxl's placement and paging pool (Xen
 * c447b7308b). Each expected value is derived in the comments from the source, not read off the
 * simulator.
 */
import { expect } from "chai";
import { createHost } from "../../../src/sim/hypervisor/index.js";
import { inlineHost, parseScenario } from "../../../src/sim/index.js";
import { runToEnd } from "../../../src/sim/libxc/scheduler.js";
import { hypervisorPort } from "../../../src/sim/libxc/port.js";
import { prepareVmStart, vmStart } from "../../../src/sim/xenopsd/vm_start.js";
import { simHost } from "../../helpers/sim-host.js";

const GiB_MIB = 1024;

describe("sim toolstack fidelity: xenopsd's legacy flow (xen-api a810aeb2e5^ domain.ml)", () => {
  // Before CP-53827 numa_placement built `NUMARequest.make ~memory ~vcpus`: the request had no
  // cores (3671ba0e7e added them in Nov 2025). Two nodes of 8 CPUs with 2 threads per core have 4
  // cores each: the current code wants 6 cores for 6 vCPUs and plans [0; 1] (test/sim/fidelity),
  // the legacy code only wants 6 CPUs, which node 0 has: [0] (node_usage tie, [0] < [1]).
  const smt = (flow: "legacy" | "claim"): number[] | undefined => {
    const scn = parseScenario({ host: { nodes: [0, 1].map(() => ({ mem_mib: 8192, cpus: 8, threads_per_core: 2 })) }, steps: [] });
    const port = hypervisorPort(createHost(inlineHost(scn), { nodeClaims: "v4" }));
    const r = vmStart(port, { flow, policy: "xenopsd", seed: 1, vms: [{ name: "vm", mem_mib: 2048, vcpus: 6 }] });
    return r.vms[0]?.plannedNodes;
  };
  it("plans without the cores term: 6 vCPUs on a 4-core SMT node fit node 0", () => {
    expect(smt("legacy")).to.deep.equal([0]);
    expect(smt("claim")).to.deep.equal([0, 1]);
  });

  it("plans with numa_resources, the smallest free memory per node seen so far (NUMAResource.min_memory)", () => {
    // 2 × 16 GiB. vm1 (10 GiB) plans node 0 (tie) and is built there: node 0 has ~6 GiB left.
    // vm2 (2 GiB) reads that, records it and plans node 1 (node_usage [1, 0]). vm1 is then
    // destroyed: node 0 is free again, but numa_resources never goes back up. vm3 (12 GiB): usage
    // is [1, 1], so with the current free memory (~16 and ~14 GiB) node 0 would win the tie; with
    // the remembered ~6 GiB node 0 does not fit and node 1 does.
    const hv = simHost([16 * GiB_MIB, 16 * GiB_MIB], 4, "v4");
    const p = prepareVmStart(hv, {
      flow: "legacy", policy: "xenopsd", seed: 1,
      vms: [{ name: "vm1", mem_mib: 10 * GiB_MIB, vcpus: 1 }, { name: "vm2", mem_mib: 2 * GiB_MIB, vcpus: 1 }, { name: "vm3", mem_mib: 12 * GiB_MIB, vcpus: 1 }],
    });
    const [b1, b2, b3] = p.builds;
    if (b1 === undefined || b2 === undefined || b3 === undefined) throw new Error("three builds expected");
    runToEnd(b1);
    const vm1 = p.collect().vms[0];
    expect(vm1?.plannedNodes).to.deep.equal([0]);
    expect(vm1?.started).to.equal(true);
    runToEnd(b2);
    expect(hv.destroydomain(vm1?.domid ?? -1)).to.equal(0);
    runToEnd(b3);
    expect(p.planned()).to.deep.equal([[0], [1], [1]]);
  });
});
