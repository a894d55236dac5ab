/**
 * Concurrent builds interleave per extent, as in Xen: populate_physmap() (xen/common/memory.c at
 * c447b7308b13) allocates each extent with alloc_domheap_pages() → alloc_heap_pages(), which takes
 * `heap_lock` and drops it before returning, so another pCPU's build can take memory between two
 * extents of one call (src/sim/libxc/scheduler.ts). Under the simulator's earlier model (one whole
 * hypercall per scheduler step, kept as `"hypercall"` granularity) the properties marked so fail.
 */
import { expect } from "chai";
import fc from "fast-check";
import { createHost, type Hypervisor } from "../../../src/sim/hypervisor/index.js";
import type { FreeList } from "../../../src/sim/hypervisor/heap.js";
import { hostSpecFromCompact } from "../../../src/sim/host.js";
import type { HypervisorPort } from "../../../src/sim/libxc/hypercalls.js";
import { hypervisorPort } from "../../../src/sim/libxc/port.js";
import { xc_domain_create, xc_domain_max_vcpus, xc_domain_setmaxmem, xc_interface_open } from "../../../src/sim/libxc/xenctrl.js";
import { grantOf, type Build, type Granularity } from "../../../src/sim/libxc/scheduler.js";
import { hvm_build, type HvmBuildResult } from "../../../src/sim/xenguest/hvm_build.js";
import { parseScenario } from "../../../src/sim/index.js";
import { inlineHost, runScenario } from "../../../src/sim/scenario/scenario.js";
import { sweepSpecOf } from "../../../src/sim/experiments/sweep-spec.js";
import { vmStart } from "../../../src/sim/xenopsd/vm_start.js";
import { simHost } from "../../helpers/sim-host.js";
import { fcRuns } from "../../helpers/runs.js";

/** One populate_physmap reaching the hypervisor: a call or one of its continuations. */
interface PopulatePart { domid: number; nr: number; order: number; flags: number; gpfn: number | undefined; start: number; max: number | undefined; done: number }
/** Every port call, in order; populate_physmap with what it did. */
type Logged = { kind: "populate"; part: PopulatePart } | { kind: "other"; method: keyof HypervisorPort; args: unknown[] };

/** The port, logging every call it passes on. */
function logging(port: HypervisorPort, log: Logged[]): HypervisorPort {
  const out = { ...port };
  for (const k of Object.keys(port) as (keyof HypervisorPort)[]) {
    const f = Reflect.get(port, k) as (...a: unknown[]) => unknown;
    (out as Record<string, unknown>)[k] = (...args: unknown[]): unknown => { const r = f(...args); log.push({ kind: "other", method: k, args }); return r; };
  }
  out.populate_physmap = (domid, nr, order, flags, gpfn, start = 0, max) => {
    const r = port.populate_physmap(domid, nr, order, flags, gpfn, start, max);
    log.push({ kind: "populate", part: { domid, nr, order, flags, gpfn, start, max, done: r.done } });
    return r;
  };
  return out;
}

const NODE_MIB = 768;

function boot(nodes: number): Hypervisor {
  return createHost(hostSpecFromCompact({ nodes: Array.from({ length: nodes }, () => ({ mem_mib: NODE_MIB, cpus: 2 })) }), { version: "current", nodeClaims: "v4" });
}

interface Guest { mem_mib: number; pnode?: number; claim: boolean }

/** Domains for the guests (created, vCPUs, max_mem: before any build runs), then their builds. */
function builds(port: HypervisorPort, guests: readonly Guest[]): { domids: number[]; builds: Build<HvmBuildResult>[] } {
  const xch = xc_interface_open(port);
  const domids = guests.map((g) => {
    const domid = xc_domain_create(xch, { max_vcpus: 1 });
    expect(domid).to.be.at.least(0);
    expect(xc_domain_max_vcpus(xch, domid, 1)).to.equal(0);
    expect(xc_domain_setmaxmem(xch, domid, (g.mem_mib + 8) * 1024)).to.equal(0);
    return domid;
  });
  return {
    domids,
    builds: guests.map((g, i) => {
      const cfg: Parameters<typeof hvm_build>[1] = { domid: domids[i] as number, mem_mib: g.mem_mib, claim: g.claim };
      if (g.pnode !== undefined) cfg.pnode = g.pnode;
      return hvm_build(xch, cfg);
    }),
  };
}

/**
 * Drive the builds as interleave() does, but in the order `picks` gives (each pick chooses among
 * the live builds; past the picks, round-robin), reporting the extents each advance allocated
 * (read from `log`, the port's log).
 */
function drive(bs: Build<HvmBuildResult>[], log: readonly Logged[], picks: readonly number[], granularity: Granularity, perAdvance: (extents: number) => void): void {
  const grant = grantOf(granularity);
  const live: number[] = [];
  bs.forEach((b, i) => { if (b.next().done !== true) live.push(i); });
  for (let k = 0; live.length > 0; k++) {
    const at = (picks[k] ?? k) % live.length;
    const i = live[at] as number;
    const from = log.length;
    if ((bs[i] as Build<HvmBuildResult>).next(grant).done === true) live.splice(at, 1);
    let n = 0;
    for (const e of log.slice(from)) if (e.kind === "populate") n += e.part.done - e.part.start;
    perAdvance(n);
  }
}

/** What the heap and the domains hold: free buddies per node and order, domains' MFN runs, claims. */
function state(hv: Hypervisor): unknown {
  const items = (l: FreeList): number[][] => {
    const out: number[][] = [];
    for (let b = l.head; b !== undefined; b = b.next) out.push([b.mfn, b.order]);
    return out;
  };
  return {
    heap: hv.alloc.heap.nodes.map((nh) => nh?.lists.map((l) => (l === undefined ? [] : items(l)))),
    totalAvail: hv.alloc.heap.totalAvail,
    outstanding: hv.alloc.claims.outstanding,
    domains: hv.domains().map((info) => {
      const d = hv.domain(info.domid);
      return d && { domid: d.domid, tot: d.tot_pages, out: d.outstanding_pages, pages: d.pages.map((s) => [...s.runs()]) };
    }),
  };
}

const guestArb: fc.Arbitrary<Guest> = fc.record({
  mem_mib: fc.integer({ min: 1, max: 12 }).map((x) => x * 16),
  pnode: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
  claim: fc.boolean(),
}).map((g): Guest => (g.pnode === undefined ? { mem_mib: g.mem_mib, claim: g.claim } : { mem_mib: g.mem_mib, pnode: g.pnode, claim: g.claim }));

describe("sim/libxc concurrent builds interleave per extent (Xen's heap_lock per extent)", () => {
  it("every scheduler step allocates at most one extent, and replaying the steps' extents one by one in Xen's order gives the same heap (fails under the hypercall granularity)", () => {
    fc.assert(fc.property(fc.array(guestArb, { minLength: 2, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 400 }), (guests, picks) => {
      // The run under test: the builds' parts as the scheduler makes them.
      const hv = boot(2);
      const log: Logged[] = [];
      const run = builds(logging(hypervisorPort(hv), log), guests);
      let most = 0;
      drive(run.builds, log, picks, "extent", (n) => { most = Math.max(most, n); });
      expect(most).to.be.at.most(1);
      // The model: the same calls on a fresh host, each populate_physmap as Xen's loop makes it
      // (one extent after another, at GFNs gpfn + i·2^order), in the order the steps came.
      const model = boot(2);
      const mport = hypervisorPort(model);
      for (const e of log) {
        if (e.kind === "other") { (mport[e.method] as (...a: unknown[]) => unknown)(...e.args); continue; }
        const p = e.part;
        for (let i = p.start; i < p.done; i++) {
          const gpfn = p.gpfn === undefined ? undefined : p.gpfn + i * 2 ** p.order;
          expect(mport.populate_physmap(p.domid, 1, p.order, p.flags, gpfn).done).to.equal(1);
        }
        // The extent that failed (a part short of its budget) fails in the model too.
        if (p.done < p.nr && p.done - p.start < (p.max ?? Infinity)) {
          const gpfn = p.gpfn === undefined ? undefined : p.gpfn + p.done * 2 ** p.order;
          expect(mport.populate_physmap(p.domid, 1, p.order, p.flags, gpfn).done).to.equal(0);
        }
      }
      expect(state(hv)).to.deep.equal(state(model));
    }), { numRuns: fcRuns(0.3) });
  });

  it("the hypercall granularity (the earlier model) lets one step allocate a whole call's extents", () => {
    const hv = boot(1);
    const log: Logged[] = [];
    const run = builds(logging(hypervisorPort(hv), log), [{ mem_mib: 64, claim: false }, { mem_mib: 64, claim: false }]);
    let most = 0;
    drive(run.builds, log, [], "hypercall", (n) => { most = Math.max(most, n); });
    // The 320 pages 0xC0..0x1FF (below the first 2 MiB boundary) in one step.
    expect(most).to.equal(320);
  });

  it("two builds on one node, taking turns: their 2 MiB extents alternate in the heap, as two xenguests' do in Xen", () => {
    const turns = Array.from({ length: 4000 }, (_, k) => k % 2);
    const twoGuests = (granularity: Granularity): [number, number][][] => {
      const hv = boot(1);
      const log: Logged[] = [];
      const run = builds(logging(hypervisorPort(hv), log), [{ mem_mib: 64, pnode: 0, claim: true }, { mem_mib: 64, pnode: 0, claim: true }]);
      // Alternate strictly: build 0, build 1, build 0, … (each pick indexes the live builds).
      drive(run.builds, log, turns, granularity, () => undefined);
      return run.domids.map((domid) => [...(hv.domain(domid)?.pages[0]?.runs() ?? [])]);
    };
    const [a, b] = twoGuests("extent");
    // Each guest has 32 MiB of 2 MiB extents above its first 2 MiB (0x200..0x4000: 31 extents);
    // taking turns, no two of one guest's are adjacent: at least 31 runs of 2 MiB each.
    const twoMiB = (runs: [number, number][] | undefined): number => (runs ?? []).filter(([lo, hi]) => hi - lo === 512).length;
    expect(twoMiB(a)).to.be.at.least(31);
    expect(twoMiB(b)).to.be.at.least(31);
    // Under the hypercall granularity each call's four extents stay together (8 MiB runs).
    const [c] = twoGuests("hypercall");
    expect(twoMiB(c)).to.be.below(8);
  });

  it("a populate_physmap made in parts (Xen's continuation from nr_done) equals the call made whole", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.constantFrom(0, 9), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), fc.boolean(), (nr, order, cuts, withGfn) => {
      const whole = simHost([64, 64], 1);
      const parts = simHost([64, 64], 1);
      const gpfn = withGfn ? 0x1000 : undefined;
      for (const p of [whole, parts]) {
        const xch = xc_interface_open(p);
        expect(xc_domain_create(xch, { max_vcpus: 1 })).to.equal(1);
        expect(xc_domain_setmaxmem(xch, 1, 1024 * 1024)).to.equal(0);
      }
      const w = whole.populate_physmap(1, nr, order, 0, gpfn).done;
      let start = 0;
      for (const max of cuts) {
        const done = parts.populate_physmap(1, nr, order, 0, gpfn, start, max).done;
        if (done - start < max || done >= nr) { start = done; break; }
        start = done;
      }
      if (start < nr && start === cuts.reduce((s, c) => s + c, 0)) start = parts.populate_physmap(1, nr, order, 0, gpfn, start).done;
      expect(start).to.equal(w);
      expect(parts.getdomaininfo(1)).to.deep.equal(whole.getdomaininfo(1));
    }), { numRuns: fcRuns(0.5) });
  });

  it("vm_start and its scenario step take the granularity; a sweep variant may set it; a bad value is one clear error", () => {
    const vms = [{ name: "a", mem_mib: 128, vcpus: 1 }, { name: "b", mem_mib: 128, vcpus: 1 }];
    const fine = vmStart(simHost([512], 2), { flow: "legacy", policy: "xenopsd", seed: 3, vms });
    const coarse = vmStart(simHost([512], 2), { flow: "legacy", policy: "xenopsd", seed: 3, vms, interleave: "hypercall" });
    expect(fine.totals.started).to.equal(2);
    expect(coarse.totals.started).to.equal(2);
    const scn = (extra: Record<string, unknown>): unknown => ({ host: { nodes: [{ mem_mib: 512, cpus: 2 }] }, steps: [{ op: "vm_start", flow: "legacy", vms, ...extra }] });
    const parsed = parseScenario(scn({ interleave: "hypercall" }));
    const report = runScenario(parsed, inlineHost(parsed));
    expect(report.steps[0]?.result?.["interleave"]).to.equal("hypercall");
    expect(() => parseScenario(scn({ interleave: "page" }))).to.throw(/interleave must be one of "extent", "hypercall"/);
    expect(sweepSpecOf({ sweep: { variants: [{ interleave: "hypercall" }, {}] } }, {})?.variants.map((v) => v.name)).to.deep.equal(["interleave=hypercall", "scenario"]);
    expect(() => sweepSpecOf({ sweep: { variants: [{ interleave: "pages" }] } }, {})).to.throw(/sweep.variants\[0\].interleave must be one of/);
  });
});
