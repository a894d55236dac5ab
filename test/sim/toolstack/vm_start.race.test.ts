/**
 * The parallel VM-start race under fast-check's scheduler (tooling.md §7.3): every hypercall of
 * every build waits for its scheduled release, so fast-check explores the interleavings.
 *  - flow "claim" (the seed's fix): every VM ends with 100% of its memory on its planned node.
 *  - flow "legacy": fast-check finds an interleaving that spills, and shrinks it.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { HypervisorPort } from "../../../src/sim/libxc/hypercalls.js";
import { runScheduled } from "../../../src/sim/libxc/scheduler.js";
import { prepareVmStart, type Flow, type VmSpec } from "../../../src/sim/xenopsd/vm_start.js";
import { simHost } from "../../helpers/sim-host.js";
import { fcRuns } from "../../helpers/runs.js";

interface HostArb { nodeMib: number[]; cpus: number }

const hostArb: fc.Arbitrary<HostArb> = fc.record({
  nodeMib: fc.array(fc.integer({ min: 4, max: 16 }).map((x) => x * 64), { minLength: 2, maxLength: 4 }),
  cpus: fc.integer({ min: 2, max: 4 }),
});
const vmsArb: fc.Arbitrary<VmSpec[]> =
  fc.array(fc.record({ mem_mib: fc.integer({ min: 1, max: 8 }).map((x) => x * 32), vcpus: fc.integer({ min: 1, max: 2 }) }),
    { minLength: 2, maxLength: 6 })
    .map((vs) => vs.map((v, i) => ({ name: `vm${i}`, ...v })));

/** "VM sets that fit": at most 70% of the host's memory in total. */
function fits(h: HostArb, vms: VmSpec[]): boolean {
  return vms.reduce((s, v) => s + v.mem_mib, 0) <= 0.7 * h.nodeMib.reduce((a, b) => a + b, 0);
}

function makeHost(h: HostArb): HypervisorPort {
  return simHost(h.nodeMib, h.cpus, "v4");
}

/**
 * Run one VM start with the builds interleaved by fast-check; true iff every VM's build memory is
 * 100% local. hvmloader's pages come after the claim is released (meminit_hvm's claim_pages 0),
 * under node affinity only, so a node full of other VMs' claims may push them elsewhere: they are
 * the claim's limit, not the flow's, and are left out here (vm_numa.ts reports them).
 */
async function allLocal(s: fc.Scheduler, h: HostArb, vms: VmSpec[], flow: Flow, requireSingleNodePlans: boolean): Promise<boolean> {
  fc.pre(fits(h, vms));
  const run = prepareVmStart(makeHost(h), { flow, policy: "xenopsd", seed: 0, vms, pagingPool: false });
  if (requireSingleNodePlans) fc.pre(run.planned().every((p) => p.length === 1));
  await s.waitFor(Promise.all(run.builds.map((b) => runScheduled(b, s))));
  const r = run.collect();
  return r.vms.every((v) => v.started && Object.entries(v.pagesByNode).every(([n, p]) =>
    v.plannedNodes.includes(Number(n)) || p === (v.xenInternal.hvmloader.byNode[n] ?? 0)));
}

// Independent arbitraries (no chain) so that fast-check shrinks host, VM list and ordering separately.
const scenario = fc.record({ s: fc.scheduler(), h: hostArb, vms: vmsArb });

describe("sim/xenopsd VM start race (fc.scheduler)", () => {
  for (const flow of ["claim", "claim+node-create"] as const) {
    it(`flow "${flow}": every VM gets 100% of its memory on its planned node in every interleaving`, async () => {
      await fc.assert(fc.asyncProperty(scenario, async ({ s, h, vms }) => {
        expect(await allLocal(s, h, vms, flow, true)).to.equal(true);
      }));
    });
  }

  it('flow "legacy": fast-check finds and shrinks an interleaving that loses locality (expected failure)', async () => {
    let message = "";
    try {
      await fc.assert(fc.asyncProperty(scenario, async ({ s, h, vms }) => {
        expect(await allLocal(s, h, vms, "legacy", false)).to.equal(true);
      }), { numRuns: fcRuns(3) });
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).to.match(/Property failed after \d+ tests/);
    expect(message).to.match(/Shrunk \d+ time/);
    // The shrunk counterexample is a scheduler ordering with the builds' hypercall labels.
    expect(message).to.match(/populate/);
  });
});
