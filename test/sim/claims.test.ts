/** Claims: page_alloc.c domain_set_outstanding_pages() and the node-claim variants (XS-v4, claim sets v5/v7). */
import { expect } from "chai";
import { checkInvariants } from "../../src/sim/hypervisor/index.js";
import { E2BIG, EINVAL, ENOENT, ENOMEM, ENOSYS, EOPNOTSUPP, EPERM, ESRCH } from "../../src/sim/hypervisor/errno.js";
import { createHost } from "../../src/sim/hypervisor/index.js";
import { assertInvariants, boot, domain, GiB, host, MiB, pagesOn, placeEach } from "./helpers.js";

describe("sim claims", () => {
  describe("XENMEM_claim_pages checks, in order (§2.1, §7.2.5–6)", () => {
    it("rejects with Xen's errno in Xen's order", () => {
      const hv = boot([[1024, 2], [1024, 2]]);
      expect(hv.claim_pages({ domid: 9, nr_pages: 10, caller: 5 }).rc).to.equal(-EINVAL); // unknown domid before XSM
      const d = hv.createdomain({ max_vcpus: 1 }).domid ?? -1;
      expect(hv.claim_pages({ domid: d, nr_pages: 10, caller: 5 }).rc).to.equal(-EPERM);
      expect(hv.claim_pages({ domid: d, nr_pages: 10 }).rc).to.equal(-EINVAL); // max_pages still 0
      hv.max_mem({ domid: d, max_memkb: 1000 * 4 });
      expect(hv.claim_pages({ domid: d, nr_pages: 1001 }).rc).to.equal(-EINVAL); // > max_pages
      hv.populate_physmap({ domid: d, nr_extents: 3, extent_order: 0 });
      expect(hv.claim_pages({ domid: d, nr_pages: 3 }).rc).to.equal(-EINVAL); // <= tot_pages
      expect(hv.claim_pages({ domid: d, nr_pages: 10 }).rc).to.equal(0);
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(7); // absolute target: 10 - tot 3
      expect(hv.claim_pages({ domid: d, nr_pages: 20 }).rc).to.equal(-EINVAL); // no update in place
      expect(hv.claim_pages({ domid: d, nr_pages: 0 }).rc).to.equal(0);
      expect(hv.claim_pages({ domid: d, nr_pages: 0 }).rc).to.equal(0); // release without claim
      hv.max_mem({ domid: d, max_memkb: 4 * 8 * GiB });
      expect(hv.claim_pages({ domid: d, nr_pages: 4 * GiB }).rc).to.equal(-ENOMEM);
      expect(hv.physinfo().outstanding_pages).to.equal(0);
    });
  });

  describe("consumption and refill (§2.1.1, §2.1.4, §7.2.7)", () => {
    it("current: consumed by min(claim, request) in alloc_heap_pages on any node; frees never refill", () => {
      const hv = boot([[1024, 1], [1024, 1]]);
      const d = domain(hv, { hap: false });
      hv.claim_pages({ domid: d, nr_pages: 1000 });
      expect(placeEach(hv, d, 2, 0)).to.deep.equal([1, 0]);
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(998);
      hv.populate_physmap({ domid: d, nr_extents: 2, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(0);
      expect(hv.physinfo().outstanding_pages).to.equal(0);
      hv.decrease_reservation({ domid: d, nr_extents: 1, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(0);
      // Beyond the claim, allocation continues from unclaimed memory.
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 }).done).to.equal(1);
    });

    it("current: a freed page does not come back into the claim", () => {
      const hv = boot([[1024, 1]]);
      const d = domain(hv, { hap: false });
      hv.claim_pages({ domid: d, nr_pages: 1024 });
      hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 });
      hv.decrease_reservation({ domid: d, nr_extents: 1, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(512);
    });

    it("4.18: consumed when tot_pages grows, refilled by frees while a claim is active, not after it expired", () => {
      const hv = boot([[1024, 1]], { version: "4.18" });
      const d = domain(hv, { hap: false });
      hv.claim_pages({ domid: d, nr_pages: 1024 });
      hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(512);
      hv.decrease_reservation({ domid: d, nr_extents: 1, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(1024);
      hv.populate_physmap({ domid: d, nr_extents: 3, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(0);
      hv.decrease_reservation({ domid: d, nr_extents: 1, extent_order: 9 });
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(0);
      assertInvariants(hv);
    });

    it("§7.2.8 assign_pages failure after consumption loses the claim (current), keeps it (4.18)", () => {
      for (const version of ["current", "4.18"] as const) {
        const hv = boot([[1024, 1]], { version });
        const d = domain(hv, { hap: false, maxPages: 1024 });
        hv.claim_pages({ domid: d, nr_pages: 1024 });
        hv.max_mem({ domid: d, max_memkb: 256 * 4 }); // ratchet down below the claim
        expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 }).done).to.equal(0);
        expect(hv.alloc.lastAssignError).to.equal(-E2BIG);
        expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(version === "current" ? 512 : 1024);
        assertInvariants(hv);
      }
    });
  });

  describe("max_pages (§1.7, §3.5)", () => {
    it("E2BIG when the extent does not fit, EPERM once tot_pages > max_pages", () => {
      const hv = boot([[1024, 1]]);
      const d = domain(hv, { hap: false, maxPages: 600 });
      expect(hv.populate_physmap({ domid: d, nr_extents: 2, extent_order: 9 }).done).to.equal(1);
      expect(hv.alloc.lastAssignError).to.equal(-E2BIG);
      hv.max_mem({ domid: d, max_memkb: 100 * 4 });
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 0 }).done).to.equal(0);
      expect(hv.alloc.lastAssignError).to.equal(-EPERM);
      expect(hv.getdomaininfo(d)?.tot_pages).to.equal(512);
    });
  });

  describe("the claim gate (§2.1.2, §7.2.3–4)", () => {
    it("blocks other domains and Xen-internal allocations: createdomain fails with -ENOMEM", () => {
      const hv = boot([[1024, 1], [1024, 1]]);
      const a = domain(hv, { hap: false });
      const b = domain(hv, { hap: false });
      const free = hv.physinfo().free_pages;
      const claim = Math.floor(free * 0.9);
      expect(hv.claim_pages({ domid: a, nr_pages: claim }).rc).to.equal(0);
      const want = Math.floor((free * 0.2) / 512);
      const done = hv.populate_physmap({ domid: b, nr_extents: want, extent_order: 9 }).done;
      expect(done).to.be.lessThan(want);
      expect(done * 512).to.be.at.most(free - claim);
      expect(done * 512).to.be.greaterThan(free - claim - 512 - 8);
      expect(hv.createdomain({ max_vcpus: 1 }).rc).to.equal(-ENOMEM);
      // The claimant itself may allocate within its claim.
      expect(hv.populate_physmap({ domid: a, nr_extents: 4, extent_order: 9 }).done).to.equal(4);
      assertInvariants(hv);
    });

    it("own-claim quirk: a 1 GiB request needs the whole request claimed in X and claim sets, not in XS-v4", () => {
      for (const nodeClaims of ["none", "claim-sets", "v4"] as const) {
        const hv = boot([[2048, 1], [2048, 1]], { nodeClaims });
        const d = domain(hv, { hap: false });
        const other = domain(hv, { hap: false });
        const free = hv.physinfo().free_pages;
        // d claims 100 000 pages; other claims all but 200 000 of the rest.
        expect(hv.claim_pages({ domid: d, nr_pages: 100000 }).rc).to.equal(0);
        expect(hv.claim_pages({ domid: other, nr_pages: free - 100000 - 200000 }).rc).to.equal(0);
        const done = hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 18 }).done;
        expect(done, nodeClaims).to.equal(nodeClaims === "v4" ? 1 : 0);
        expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 }).done).to.equal(1);
      }
    });
  });

  describe("XS-v4 XEN_DOMCTL_claim_memory (§2.3, §7.2.9)", () => {
    it("errors in handler order", () => {
      const hv = boot([[1024, 1], [1024, 1]], { nodeClaims: "v4" });
      expect(hv.claim_memory({ domid: 7, claims: [{ pages: 1, node: 0 }] }).rc).to.equal(-ESRCH);
      expect(hv.claim_memory({ domid: 7, claims: [{ pages: 1, node: 0 }], caller: 3 }).rc).to.equal(-EPERM);
      const d = domain(hv, { hap: false, maxPages: GiB });
      expect(hv.claim_memory({ domid: d, claims: [] }).rc).to.equal(-EINVAL);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 1, node: 0 }, { pages: 1, node: 1 }] }).rc).to.equal(-EINVAL);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 0, node: 0 }] }).rc).to.equal(-EINVAL); // release needs NO_NODE
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 10, node: 5 }] }).rc).to.equal(-ENOENT);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 10, node: 64 }] }).rc).to.equal(-ENOENT);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: GiB, node: 0 }] }).rc).to.equal(-ENOMEM);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 1000, node: 1 }] }).rc).to.equal(0);
      expect(hv.numainfo().nodes[1]?.claimed).to.equal(1000 * 4096);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 10, node: 1 }] }).rc).to.equal(-EINVAL);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 0, node: 255 }] }).rc).to.equal(0); // 255 quirk = NO_NODE
      expect(hv.numainfo().nodes[1]?.claimed).to.equal(0);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 1000, node: "host" }] }).rc).to.equal(0);
      expect(hv.getdomaininfo(d)?.node_claims).to.deep.equal({});
      assertInvariants(hv);
    });

    it("node claims protect the node from others; the claimant's allocations elsewhere keep the claim unless max_pages forces it", () => {
      const hv = boot([[256, 1], [256, 1]], { nodeClaims: "v4" });
      const d = domain(hv, { hap: false, maxPages: 100000 });
      const other = domain(hv, { hap: false });
      const free0 = hv.alloc.heap.nodeAvail(0);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: free0 - 100, node: 0 }] }).rc).to.equal(0);
      // The other domain cannot take node 0's claimed memory: only 100 unclaimed pages there.
      expect(hv.populate_physmap({ domid: other, nr_extents: 1, extent_order: 9, mem_flags: { node: 0, exact: true } }).done).to.equal(0);
      expect(hv.populate_physmap({ domid: other, nr_extents: 100, extent_order: 0, mem_flags: { node: 0, exact: true } }).done).to.equal(100);
      expect(hv.populate_physmap({ domid: other, nr_extents: 1, extent_order: 0, mem_flags: { node: 0, exact: true } }).done).to.equal(0);
      // d allocating on node 1 keeps its node-0 claim (tot + req + claim ≤ max_pages).
      const claim = hv.getdomaininfo(d)?.outstanding_pages ?? 0;
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9, mem_flags: { node: 1, exact: true } }).done).to.equal(1);
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(claim);
      // Ratchet max_pages down so tot + req + claim exceeds it: only the excess is released.
      hv.max_mem({ domid: d, max_memkb: (512 + claim + 100) * 4 });
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9, mem_flags: { node: 1, exact: true } }).done).to.equal(1);
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(claim - 412);
      // On the claim node the claim is consumed.
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 0, exact: true } }).done).to.equal(1);
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(claim - 413);
      assertInvariants(hv);
    });

    it("the v4 gap: a node claim is not checked against host-wide claims (claim sets reject it)", () => {
      for (const nodeClaims of ["v4", "claim-sets"] as const) {
        const hv = boot([[256, 1], [256, 1]], { nodeClaims });
        const a = domain(hv, { hap: false });
        const b = domain(hv, { hap: false });
        expect(hv.claim_pages({ domid: a, nr_pages: hv.physinfo().free_pages }).rc).to.equal(0);
        const rc = nodeClaims === "v4"
          ? hv.claim_memory({ domid: b, claims: [{ pages: 1000, node: 0 }] }).rc
          : hv.claim_memory({ domid: b, claims: [{ pages: 1000, node: 0 }] }).rc;
        expect(rc).to.equal(nodeClaims === "v4" ? 0 : -ENOMEM);
        const broken = checkInvariants(hv).some((m) => m.startsWith("outstanding_claims") && m.includes(">"));
        expect(broken).to.equal(nodeClaims === "v4");
      }
    });
  });

  describe("claim sets (§2.4, §7.2.10)", () => {
    it("installs host + node entries, redeems the allocation node first, replaces, and reports with GET", () => {
      const hv = boot([[256, 1], [256, 1]], { nodeClaims: "claim-sets" });
      const d = domain(hv, { hap: false, maxPages: 1000 });
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 2, node: "host" }, { pages: 2, node: 0 }, { pages: 2, node: 1 }] }).rc).to.equal(0);
      expect(hv.getdomaininfo(d)?.outstanding_pages).to.equal(6);
      expect(placeEach(hv, d, 1, 0, { node: 0, exact: true })).to.deep.equal([0]);
      expect(hv.claim_memory_get({ domid: d }).claims).to.deep.equal([{ node: "host", pages: 2 }, { node: 0, pages: 1 }, { node: 1, pages: 2 }]);
      // A 4-page allocation on node 0: node 0's last page, then 2 host pages, then recall node 1.
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 2, mem_flags: { node: 0, exact: true } }).done).to.equal(1);
      expect(hv.claim_memory_get({ domid: d }).claims).to.deep.equal([{ node: "host", pages: 0 }, { node: 1, pages: 1 }]);
      // Replacement with a smaller set releases the rest.
      expect(hv.claim_memory({ domid: d, claims: [{ pages: 1, node: 0 }] }).rc).to.equal(0);
      expect(hv.getdomaininfo(d)?.node_claims).to.deep.equal({ 0: 1 });
      expect(hv.physinfo().outstanding_pages).to.equal(1);
      assertInvariants(hv);
    });

    it("rejects bad sets with the documented errno", () => {
      const hv = boot([[256, 1], [256, 1]], { nodeClaims: "claim-sets" });
      const d = domain(hv, { hap: false, maxPages: 1000 });
      const set = (claims: { pages: number; node: number | "host" }[]): number => hv.claim_memory({ domid: d, claims }).rc;
      expect(set([])).to.equal(-EINVAL);
      expect(set(Array.from({ length: 66 }, (_, i) => ({ pages: 1, node: i })))).to.equal(-E2BIG);
      expect(set([{ pages: 1, node: "host" }, { pages: 1, node: "host" }])).to.equal(-EINVAL);
      expect(set([{ pages: 1, node: 3 }])).to.equal(-ENOENT);
      expect(set([{ pages: 1, node: 0 }, { pages: 1, node: 0 }])).to.equal(-EINVAL);
      expect(set([{ pages: 300 * MiB, node: 0 }])).to.equal(-ENOMEM);
      expect(set([{ pages: 600, node: 0 }, { pages: 600, node: 1 }])).to.equal(-EINVAL); // > max_pages
      expect(set([{ pages: 0, node: "host" }])).to.equal(0); // all-zero = release
      expect(hv.claim_memory_get({ domid: 99 }).rc).to.equal(-ESRCH);
      hv.destroydomain({ domid: d });
      expect(boot([[256, 1]]).claim_memory_get({ domid: 1 }).rc).to.equal(-EOPNOTSUPP);
      expect(boot([[256, 1]]).claim_memory({ domid: 1, claims: [] }).rc).to.equal(-ENOSYS);
    });

    it("node entries protect the node: others skip it, the claimant uses it", () => {
      const hv = boot([[256, 1], [256, 1]], { nodeClaims: "claim-sets" });
      const d = domain(hv, { hap: false, maxPages: 100000 });
      const other = domain(hv, { hap: false });
      const free0 = hv.alloc.heap.nodeAvail(0);
      expect(hv.claim_memory({ domid: d, claims: [{ pages: free0, node: 0 }] }).rc).to.equal(0);
      expect(placeEach(hv, other, 1, 0, { node: 0 })).to.deep.equal([1]);
      expect(placeEach(hv, d, 1, 0, { node: 0 })).to.deep.equal([0]);
      expect(checkInvariants(hv, { nodeClaimsBounded: true })).to.deep.equal([]);
    });
  });

  describe("destroy (§3.6)", () => {
    it("releases the claim before freeing; pages come back dirty", () => {
      const hv = createHost(host([[1024, 1]]));
      const d = domain(hv, { hap: false });
      hv.claim_pages({ domid: d, nr_pages: 10000 });
      hv.populate_physmap({ domid: d, nr_extents: 4, extent_order: 9 });
      expect(pagesOn(hv, d, 0)).to.equal(2048);
      expect(hv.destroydomain({ domid: d }).rc).to.equal(0);
      expect(hv.physinfo().outstanding_pages).to.equal(0);
      expect(hv.physinfo().free_pages).to.equal(GiB - 1);
      expect([...hv.alloc.heap.buddies()].some((b) => b.firstDirty >= 0)).to.equal(true);
      expect(hv.destroydomain({ domid: d }).rc).to.equal(-ESRCH);
      assertInvariants(hv);
    });
  });
});
