/** xen/common/domain.c and domctl.c (createdomain, vCPUs, node affinity, max_mem), MEMF_* translation (xen/include/xen/mm.h) and sysctl.c reporting. */
import { expect } from "chai";
import { EEXIST, EINVAL, ENOENT, ENOMEM, EPERM, ESRCH } from "../../src/sim/hypervisor/errno.js";
import { createHost, rcName } from "../../src/sim/hypervisor/index.js";
import { hostSpecFromCompact } from "../../src/sim/host.js";
import { DOMID_FIRST_RESERVED, HAP_INITIAL_POOL_PAGES, XEN_INVALID } from "../../src/sim/hypervisor/hypervisor.js";
import { assertInvariants, boot, domain, GiB, placeEach } from "./helpers.js";

describe("sim domains (domain.c, domctl.c)", () => {
  it("domid: explicit ids below 0x7FF0 must be free; DOMID_ANY searches after the last searched id", () => {
    const hv = boot([[1024, 2]]);
    expect(hv.createdomain({ max_vcpus: 1 }).domid).to.equal(1);
    expect(hv.createdomain({ max_vcpus: 1, domid: 2 }).domid).to.equal(2);
    expect(hv.createdomain({ max_vcpus: 1 }).domid).to.equal(3);
    expect(hv.createdomain({ max_vcpus: 1, domid: 10 }).domid).to.equal(10);
    expect(hv.createdomain({ max_vcpus: 1 }).domid).to.equal(4);
    expect(hv.createdomain({ max_vcpus: 1, domid: 10 }).rc).to.equal(-EEXIST);
    expect(hv.createdomain({ max_vcpus: 1, domid: 0 }).domid).to.equal(0);
    expect(hv.createdomain({ max_vcpus: 1, domid: 0x7ff5 }).domid).to.equal(5);
    expect(hv.createdomain({ max_vcpus: 0 }).rc).to.equal(-EINVAL);
    expect(hv.createdomain({ max_vcpus: 1, cpu: 99 }).rc).to.equal(-EINVAL);
    expect(hv.createdomain({ max_vcpus: 1, caller: 1 }).rc).to.equal(-EPERM);
    expect(hv.createdomain({ max_vcpus: 1, node: 3 }).rc).to.equal(-ENOENT);
    expect(rcName(-EEXIST)).to.equal("-17 (EEXIST)");
    expect(rcName(-1000)).to.equal("-1000");
  });

  it("domid: once 1..0x7FEF are all taken, DOMID_ANY is -EEXIST at once; a freed id is found again", () => {
    const hv = boot([[64 * 1024, 2]]);
    expect(hv.createdomain({ max_vcpus: 1, domid: 0 }).domid).to.equal(0);
    for (let i = 1; i < DOMID_FIRST_RESERVED; i++) expect(hv.createdomain({ max_vcpus: 1 }).domid).to.equal(i);
    expect(hv.createdomain({ max_vcpus: 1 }).rc).to.equal(-EEXIST);
    expect(hv.destroydomain({ domid: 777 }).rc).to.equal(0);
    expect(hv.createdomain({ max_vcpus: 1 }).domid).to.equal(777);
    expect(hv.createdomain({ max_vcpus: 1 }).rc).to.equal(-EEXIST);
  });

  it("today's createdomain: struct domain and vCPUs on the creating pCPU's node, 256-page HAP pool interleaved", () => {
    const hv = boot([[1024, 2], [1024, 2]]);
    const d = domain(hv, { cpu: 3, vcpus: 2 });
    const info = hv.getdomaininfo(d);
    expect(info?.struct_domain_node).to.equal(1);
    expect(info?.vcpu_struct_nodes).to.deep.equal([1, 1]);
    expect(info?.paging_pool_pages).to.equal(HAP_INITIAL_POOL_PAGES);
    expect(info?.xen_pages_by_node).to.deep.equal({ 0: 128, 1: 128 + 3 });
    expect(info?.tot_pages).to.equal(0);
    const pv = domain(hv, { hap: false });
    expect(hv.getdomaininfo(pv)?.paging_pool_pages).to.equal(0);
    expect(hv.createdomain({ max_vcpus: 200 }).rc).to.equal(-EINVAL); // > HVM_MAX_VCPUS
    assertInvariants(hv);
  });

  it("seed node-bound createdomain: struct domain, vCPUs and pool on the node; affinity {node}; falls back when full", () => {
    const hv = boot([[1024, 2], [1024, 2]]);
    const d = domain(hv, { node: 1, vcpus: 2 });
    const info = hv.getdomaininfo(d);
    expect(info?.struct_domain_node).to.equal(1);
    expect(info?.vcpu_struct_nodes).to.deep.equal([1, 1]);
    expect(info?.xen_pages_by_node).to.deep.equal({ 1: 256 + 3 });
    expect(info?.node_affinity).to.deep.equal([1]);
    expect(info?.auto_node_affinity).to.equal(false);
    // Node 1 full: the node-bound domain's structures fall back (non-exact), creation succeeds.
    const filler = domain(hv, { hap: false });
    while (hv.populate_physmap({ domid: filler, nr_extents: 64, extent_order: 9, mem_flags: { node: 1, exact: true } }).done > 0) { /* fill */ }
    while (hv.populate_physmap({ domid: filler, nr_extents: 4096, extent_order: 0, mem_flags: { node: 1, exact: true } }).done > 0) { /* fill */ }
    const e = domain(hv, { node: 1 });
    expect(hv.getdomaininfo(e)?.xen_pages_by_node).to.deep.equal({ 0: 256 + 2 });
    expect(hv.setnodeaffinity({ domid: e, nodes: "all" }).rc).to.equal(0);
    expect(hv.getdomaininfo(e)?.node_affinity).to.deep.equal([0, 1]);
    assertInvariants(hv);
  });

  it("createdomain fails with -ENOMEM and leaves nothing behind when the pool cannot be allocated", () => {
    const hv = boot([[1, 1]]);
    const free = hv.physinfo().free_pages;
    expect(hv.createdomain({ max_vcpus: 1 }).rc).to.equal(-ENOMEM);
    expect(hv.physinfo().free_pages).to.equal(free);
    expect(hv.domains()).to.deep.equal([]);
    assertInvariants(hv);
  });

  it("max_vcpus must match creation; vCPU errors", () => {
    const hv = boot([[1024, 2]]);
    const d = hv.createdomain({ max_vcpus: 2 }).domid ?? -1;
    expect(hv.max_vcpus({ domid: d, max: 3 }).rc).to.equal(-EINVAL);
    expect(hv.max_vcpus({ domid: 42, max: 3 }).rc).to.equal(-ESRCH);
    expect(hv.max_vcpus({ domid: d, max: 2, caller: 5 }).rc).to.equal(-EPERM);
    expect(hv.vcpu_setaffinity({ domid: d, vcpu: 0, hard: [0] }).rc).to.equal(-ESRCH); // not created yet
    expect(hv.max_vcpus({ domid: d, max: 2, cpu: 7 }).rc).to.equal(-EINVAL);
    expect(hv.max_vcpus({ domid: d, max: 2 }).rc).to.equal(0);
    expect(hv.vcpu_setaffinity({ domid: d, vcpu: 2, hard: [0] }).rc).to.equal(-EINVAL);
    expect(hv.vcpu_setaffinity({ domid: d, vcpu: 0, hard: [77] }).rc).to.equal(-EINVAL);
  });

  describe("node affinity (§3.3–3.4, §7.2.15–17)", () => {
    const spec = hostSpecFromCompact({ nodes: [{ mem_mib: 1024, cpus: 2 }, { mem_mib: 1024, cpus: 2 }, { mem_mib: 1024, cpus: 0 }, { mem_mib: 0, cpus: 2 }] });

    it("auto affinity = nodes of the vCPUs' CPUs: memory-only nodes never, CPU-only nodes yes", () => {
      const hv = createHost(spec);
      const d = domain(hv, { hap: false, vcpus: 2 });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([0, 1, 3]);
      // Soft affinity narrows (soft ∩ hard), hard alone when soft ∩ hard is empty.
      hv.vcpu_setaffinity({ domid: d, vcpu: 0, soft: [2] });
      hv.vcpu_setaffinity({ domid: d, vcpu: 1, soft: [3] });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([1]);
      hv.vcpu_setaffinity({ domid: d, vcpu: 0, hard: [0], soft: "all" });
      hv.vcpu_setaffinity({ domid: d, vcpu: 1, hard: [1], soft: [4] });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([0]);
      hv.vcpu_setaffinity({ domid: d, vcpu: 0, soft: [6] });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([0]);
      hv.vcpu_setaffinity({ domid: d, vcpu: 1, soft: [7] });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([0]);
    });

    it("the CPU-only node is in the affinity but never yields memory; the memory-only node only as fallback", () => {
      const hv = createHost(spec);
      const d = domain(hv, { hap: false });
      expect(placeEach(hv, d, 4, 9)).to.deep.equal([1, 0, 1, 0]);
      expect(placeEach(hv, d, 1, 9, { node: 2 })).to.deep.equal([2]);
      expect(placeEach(hv, d, 1, 9, { node: 3 })).to.deep.equal([0]);
      expect(placeEach(hv, d, 1, 9, { node: 3, exact: true })).to.deep.equal([-1]);
    });

    it("setnodeaffinity: manual mask, -EINVAL without online nodes, the full mask returns to auto", () => {
      const hv = createHost(spec);
      const d = hv.createdomain({ max_vcpus: 1, hap: false }).domid ?? -1;
      expect(hv.setnodeaffinity({ domid: d, nodes: [10, 11] }).rc).to.equal(-EINVAL);
      expect(hv.setnodeaffinity({ domid: d, nodes: [64] }).rc).to.equal(-EINVAL);
      expect(hv.setnodeaffinity({ domid: 99, nodes: [0] }).rc).to.equal(-ESRCH);
      expect(hv.setnodeaffinity({ domid: d, nodes: [2, 9] }).rc).to.equal(0);
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([2, 9]);
      // §7.2.17: "all" before vCPUs exist keeps the previous mask…
      expect(hv.setnodeaffinity({ domid: d, nodes: "all" }).rc).to.equal(0);
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([2, 9]);
      expect(hv.getdomaininfo(d)?.auto_node_affinity).to.equal(true);
      // …and vCPU creation then recomputes it.
      hv.max_vcpus({ domid: d, max: 1 });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([0, 1, 3]);
      // Manual affinity is not touched by later vCPU affinity changes.
      hv.setnodeaffinity({ domid: d, nodes: [1] });
      hv.vcpu_setaffinity({ domid: d, vcpu: 0, hard: [0] });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([1]);
      hv.setnodeaffinity({ domid: d, nodes: Array.from({ length: 64 }, (_, i) => i) });
      expect(hv.getdomaininfo(d)?.node_affinity).to.deep.equal([0]);
    });
  });

  it("max_mem: kB >> 2, capped at UINT_MAX, no check against tot_pages", () => {
    const hv = boot([[1024, 1]]);
    const d = domain(hv, { hap: false });
    hv.max_mem({ domid: d, max_memkb: 4 * 2 ** 40 });
    expect(hv.getdomaininfo(d)?.max_pages).to.equal(0xffffffff);
    hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 9 });
    expect(hv.max_mem({ domid: d, max_memkb: 4 }).rc).to.equal(0);
    expect(hv.max_mem({ domid: 5, max_memkb: 4 }).rc).to.equal(-ESRCH);
  });

  describe("populate_physmap memflags translation (§1.3, §7.2.22)", () => {
    it("node ≥ MAX_NUMNODES → 0 extents; offline node < MAX_NUMNODES: exact → 0, otherwise fallback", () => {
      const hv = boot([[1024, 1], [1024, 1]]);
      const d = domain(hv, { hap: false });
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 64 } }).done).to.equal(0);
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 5, exact: true } }).done).to.equal(0);
      expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 5 } }).done).to.equal(1);
    });

    it("unprivileged callers: node hint ignored, exact rejected, other domains and orders > 9 refused", () => {
      const hv = boot([[1024, 1], [1024, 1]]);
      const d = domain(hv, { hap: false });
      const e = domain(hv, { hap: false });
      expect(placeEach(hv, d, 1, 0)).to.deep.equal([1]);
      expect(hv.populate_physmap({ domid: d, caller: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 1 } }).done).to.equal(1);
      expect(hv.getdomaininfo(d)?.pages_by_node).to.deep.equal({ 0: 1, 1: 1 });
      expect(hv.populate_physmap({ domid: d, caller: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 1, exact: true } }).done).to.equal(0);
      expect(hv.populate_physmap({ domid: d, caller: e, nr_extents: 1, extent_order: 0 }).done).to.equal(0);
      expect(hv.populate_physmap({ domid: d, caller: d, nr_extents: 1, extent_order: 10 }).done).to.equal(0);
      expect(hv.populate_physmap({ domid: d, caller: d, nr_extents: 1, extent_order: 9 }).done).to.equal(1);
      expect(hv.populate_physmap({ domid: 77, nr_extents: 1, extent_order: 0 })).to.deep.equal({ rc: 0, done: 0 });
      expect(hv.decrease_reservation({ domid: d, caller: e, nr_extents: 1, extent_order: 0 }).done).to.equal(0);
      expect(hv.decrease_reservation({ domid: d, nr_extents: 1, extent_order: 19 }).done).to.equal(0);
      expect(hv.decrease_reservation({ domid: d, nr_extents: 5, extent_order: 0, node: 1 }).done).to.equal(5);
      expect(hv.decrease_reservation({ domid: d, nr_extents: 5, extent_order: 9, node: 0 }).done).to.equal(0);
    });
  });

  it("unpausedomain: the second unpause is -EINVAL (controller_pause_count below 0, domain_unpause_by_systemcontroller)", () => {
    const hv = boot([[64, 1]]);
    const d = domain(hv);
    expect(hv.getdomaininfo(d)?.creation_finished).to.equal(false);
    expect(hv.unpausedomain({ domid: d }).rc).to.equal(0);
    expect(hv.getdomaininfo(d)?.creation_finished).to.equal(true);
    expect(hv.unpausedomain({ domid: d }).rc).to.equal(-EINVAL);
    expect(hv.unpausedomain({ domid: d }).rc).to.equal(-EINVAL);
    expect(hv.getdomaininfo(d)?.creation_finished).to.equal(true);
    // Another domain's count is its own.
    expect(hv.unpausedomain({ domid: domain(hv) }).rc).to.equal(0);
  });

  it("paging pool: grows and shrinks with shadow_set_allocation; PV has none", () => {
    const hv = boot([[64, 1], [64, 1]]);
    const d = domain(hv);
    const pv = domain(hv, { hap: false });
    expect(hv.shadow_set_allocation({ domid: d, mb: 4 }).rc).to.equal(0);
    expect(hv.getdomaininfo(d)?.paging_pool_pages).to.equal(1024);
    expect(hv.shadow_set_allocation({ domid: d, mb: 1 }).rc).to.equal(0);
    expect(hv.getdomaininfo(d)?.paging_pool_pages).to.equal(256);
    expect(hv.shadow_set_allocation({ domid: d, mb: 4096 }).rc).to.equal(-ENOMEM);
    expect(hv.shadow_set_allocation({ domid: pv, mb: 1 }).rc).to.equal(-EINVAL);
    expect(hv.unpausedomain({ domid: 99 }).rc).to.equal(-ESRCH);
    assertInvariants(hv);
  });

  describe("reporting (§6)", () => {
    it("physinfo counts claimed and dirty pages as free; numainfo spans holes and marks offline nodes", () => {
      const spec = hostSpecFromCompact({
        nodes: [
          { ranges: [{ base: 0, length: "0x40000000" }, { base: "0x80000000", length: "0x40000000" }], cpus: 1 },
          { mem_mib: 0, cpus: 0 },
          { ranges: [{ base: "0x100000000", length: "0x40000000" }], cpus: 1 },
        ],
        distances: [[10, 20, 255], [20, 10, 20], [30, 20, 10]],
      });
      const hv = createHost(spec);
      const pi = hv.physinfo();
      expect(pi.total_pages).to.equal(3 * GiB);
      expect(pi.nr_nodes).to.equal(2);
      expect(pi.max_mfn).to.equal(5 * GiB - 1);
      const d = domain(hv, { hap: false });
      hv.claim_pages({ domid: d, nr_pages: 1000 });
      // MFN 0, node 2's heap metadata (init_node_heap: 4 pages), struct domain + struct vcpu.
      expect(hv.physinfo().free_pages).to.equal(3 * GiB - 1 - 4 - 2);
      expect(hv.physinfo().outstanding_pages).to.equal(1000);
      const ni = hv.numainfo();
      expect(ni.nodes.map((n) => n.memsize)).to.deep.equal([3 * 2 ** 30, XEN_INVALID, 2 ** 30]);
      expect(ni.nodes[1]?.memfree).to.equal(XEN_INVALID);
      expect(ni.nodes[0]?.distances).to.deep.equal([10, 20, XEN_INVALID]);
      expect(ni.nodes[2]?.distances).to.deep.equal([30, 20, 10]);
    });
  });
});
