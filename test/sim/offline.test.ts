/** xen/common/page_alloc.c offline_page() / reserve_offlined_page(): page offlining and the claim invariant. */
import { expect } from "chai";
import { checkInvariants } from "../../src/sim/hypervisor/index.js";
import { EINVAL, EPERM } from "../../src/sim/hypervisor/errno.js";
import { assertInvariants, boot, domain, GiB } from "./helpers.js";

describe("sim page offlining (§7.2.11)", () => {
  it("X: offlining a free page while claims equal free memory breaks outstanding ≤ free", () => {
    const hv = boot([[256, 1]]);
    const d = domain(hv, { hap: false });
    expect(hv.claim_pages({ domid: d, nr_pages: hv.physinfo().free_pages }).rc).to.equal(0);
    const free = hv.physinfo().free_pages;
    expect(hv.page_offline({ mfn: 1000 })).to.deep.equal({ rc: 0, status: "offlined" });
    expect(hv.physinfo().free_pages).to.equal(free - 1);
    expect(checkInvariants(hv)).to.deep.equal([`outstanding_claims ${free} > total_avail_pages ${free - 1}`]);
    expect(checkInvariants(hv, { hostClaimsBounded: false })).to.deep.equal([]);
  });

  it("claim sets: offlining recalls node claims, then host-wide claims, until both invariants hold", () => {
    const hv = boot([[256, 1], [256, 1]], { nodeClaims: "claim-sets" });
    const a = domain(hv, { hap: false, maxPages: GiB });
    const b = domain(hv, { hap: false, maxPages: GiB });
    const free0 = hv.alloc.heap.nodeAvail(0);
    expect(hv.claim_memory({ domid: a, claims: [{ pages: free0, node: 0 }] }).rc).to.equal(0);
    expect(hv.claim_memory({ domid: b, claims: [{ pages: hv.physinfo().free_pages - free0, node: "host" }] }).rc).to.equal(0);
    expect(hv.page_offline({ mfn: 5000 }).status).to.equal("offlined");
    expect(hv.getdomaininfo(a)?.outstanding_pages).to.equal(free0 - 1);
    expect(hv.page_offline({ mfn: 70000 }).status).to.equal("offlined"); // node 1: host-wide claim recalled
    expect(hv.getdomaininfo(b)?.outstanding_pages).to.equal(hv.physinfo().free_pages - (free0 - 1));
    expect(checkInvariants(hv, { nodeClaimsBounded: true })).to.deep.equal([]);
  });

  it("a page in use is offlined when freed; online brings it back and buddies merge again", () => {
    const hv = boot([[256, 1]]);
    const buddies = hv.alloc.heap.buddyCount;
    const free = hv.physinfo().free_pages;
    const d = domain(hv, { hap: false });
    hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 });
    const [start] = [...(hv.domain(d)?.pages[0]?.runs() ?? [])][0] ?? [0];
    expect(hv.page_offline({ mfn: start + 7 }).status).to.equal("pending");
    expect(hv.page_offline({ mfn: 1 }).status).to.equal("offlined");
    expect(hv.page_offline({ mfn: 1 }).status).to.equal("offlined");
    hv.destroydomain({ domid: d });
    expect(hv.physinfo().free_pages).to.equal(free - 2);
    assertInvariants(hv);
    expect(hv.page_online({ mfn: start + 7 }).rc).to.equal(0);
    expect(hv.page_online({ mfn: 1 }).rc).to.equal(0);
    expect(hv.page_online({ mfn: 1 }).rc).to.equal(0); // not offline: nothing to do
    expect(hv.physinfo().free_pages).to.equal(free);
    hv.idle_scrub();
    expect(hv.alloc.heap.buddyCount).to.equal(buddies);
    // Cancelling a pending offline.
    const e = domain(hv, { hap: false });
    hv.populate_physmap({ domid: e, nr_extents: 1, extent_order: 0 });
    const [m] = [...(hv.domain(e)?.pages[0]?.runs() ?? [])][0] ?? [0];
    expect(hv.page_offline({ mfn: m }).status).to.equal("pending");
    expect(hv.page_online({ mfn: m }).rc).to.equal(0);
    hv.destroydomain({ domid: e });
    expect(hv.alloc.heap.offlined.size).to.equal(0);
    assertInvariants(hv);
  });

  it("frees stay cheap while thousands of pages wait to be offlined", () => {
    // Each free used to scan every pending page: 20 000 pending × 2^17 single-page frees took ~10 s.
    const hv = boot([[1100, 1]]);
    const d = domain(hv, { hap: false, maxPages: 2 ** 18 });
    expect(hv.populate_physmap({ domid: d, nr_extents: 2 ** 18, extent_order: 0 }).done).to.equal(2 ** 18);
    const runs = [...(hv.domain(d)?.pages[0]?.runs() ?? [])];
    const pending: number[] = [];
    for (const [s, e] of runs) for (let m = s + 3; m < e && pending.length < 20000; m += 10) pending.push(m);
    for (const m of pending) expect(hv.page_offline({ mfn: m }).status).to.equal("pending");
    const free = hv.physinfo().free_pages;
    // The work, counted rather than timed: every look-up in the pending set and every pending
    // page visited by a scan over it. Scanning all pending pages per free would be 20 000 × 2^17.
    const steps = countPendingWork(hv.alloc.heap.pending);
    // 2 MiB extents first (several pending pages per extent), then single pages.
    expect(hv.decrease_reservation({ domid: d, nr_extents: 2 ** 8, extent_order: 9 }).done).to.equal(2 ** 8);
    expect(hv.decrease_reservation({ domid: d, nr_extents: 2 ** 17, extent_order: 0 }).done).to.equal(2 ** 17);
    // At most one probe per page freed (min(extent, pending)) plus one visit per pending page.
    expect(steps.count).to.be.greaterThan(0);
    expect(steps.count).to.be.at.most(2 ** 18 + 2 * pending.length);
    expect(hv.alloc.heap.pending.size).to.equal(0);
    expect(hv.alloc.heap.offlined.size).to.equal(pending.length);
    expect(hv.physinfo().free_pages).to.equal(free + 2 ** 18 - pending.length);
    assertInvariants(hv);
  });

  it("rejects MFNs outside RAM, MFN 0 and unprivileged callers", () => {
    const hv = boot([[256, 1]]);
    expect(hv.page_offline({ mfn: 0 }).rc).to.equal(-EINVAL);
    expect(hv.page_offline({ mfn: 10 ** 9 }).rc).to.equal(-EINVAL);
    expect(hv.page_online({ mfn: 10 ** 9 }).rc).to.equal(-EINVAL);
    expect(hv.page_offline({ mfn: 5, caller: 3 }).rc).to.equal(-EPERM);
    expect(hv.page_online({ mfn: 5, caller: 3 }).rc).to.equal(-EPERM);
  });
});

/**
 * Counts the work done on the heap's pending map from now on: has/get probes and entries yielded
 * by any iteration over it (spread, keys(), values(), entries(), forEach).
 */
function countPendingWork(pending: Map<number, number>): { count: number } {
  const steps = { count: 0 };
  const probe = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => { steps.count++; return f(...a); };
  const yielding = <T>(f: () => IterableIterator<T>) => function* (): IterableIterator<T> { for (const x of f()) { steps.count++; yield x; } };
  const m = pending as unknown as Record<string | symbol, unknown>;
  m["has"] = probe(pending.has.bind(pending));
  m["get"] = probe(pending.get.bind(pending));
  for (const name of ["keys", "values", "entries"] as const) m[name] = yielding(pending[name].bind(pending) as () => IterableIterator<unknown>);
  m[Symbol.iterator] = m["entries"];
  m["forEach"] = (cb: (v: number, k: number, map: Map<number, number>) => void): void => { for (const [k, v] of pending.entries()) cb(v, k, pending); };
  return steps;
}
