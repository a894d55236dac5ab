/** xen/common/page_alloc.c: the buddy heap and node choice (get_free_buddy / alloc_heap_pages / free_heap_pages). */
import { expect } from "chai";
import { hostSpecFromCompact } from "../../src/sim/host.js";
import { createHost } from "../../src/sim/hypervisor/index.js";
import { memflags } from "../../src/sim/hypervisor/page-alloc.js";
import { mfnZone } from "../../src/sim/hypervisor/heap.js";
import { flsl, ffsl, alignDown } from "../../src/sim/hypervisor/bits.js";
import { assertInvariants, boot, domain, fillNode, GiB, host, MiB, pagesOn, placeEach } from "./helpers.js";

describe("sim heap (page_alloc.c)", () => {
  it("bit helpers work beyond 32 bits", () => {
    expect(flsl(0)).to.equal(0);
    expect(flsl(1)).to.equal(1);
    expect(flsl(2 ** 40)).to.equal(41);
    expect(ffsl(0)).to.equal(0);
    expect(ffsl(2 ** 35)).to.equal(36);
    expect(ffsl(12)).to.equal(3);
    expect(alignDown(2 ** 33 + 5, 2)).to.equal(2 ** 33 + 4);
    expect(mfnZone(0)).to.equal(1);
    expect(mfnZone(2 ** 20)).to.equal(21);
  });

  it("boot: MFN 0 stays out of the allocator; ranges become maximal aligned buddies", () => {
    const hv = boot([[1024, 1]]);
    expect(hv.physinfo().free_pages).to.equal(GiB - 1);
    const orders = [...hv.alloc.heap.buddies()].map((b) => b.order).sort((a, b) => a - b);
    expect(orders).to.deep.equal(Array.from({ length: 18 }, (_, i) => i));
    assertInvariants(hv);
  });

  // init_node_heap() / _init_heap_pages() (page_alloc.c, the same at RELEASE-4.18.0 … staging):
  // every node but the first initialised gives 4 pages of its first-fed run to _heap/avail.
  describe("boot: init_node_heap() takes 4 pages of each later node's first run", () => {
    const buddiesOf = (hv: ReturnType<typeof boot>, node: number): [number, number][] =>
      [...hv.alloc.heap.buddies()].filter((b) => b.node === node).map((b): [number, number] => [b.mfn, b.order]).sort((p, q) => p[0] - q[0]);

    it("from the head when use_tail fails (2 × 2 GiB: ffsl(e) = 21 > ffsl(s) = 20): one intact 1 GiB buddy left", () => {
      const hv = boot([[2048, 2], [2048, 2]]);
      expect(hv.physinfo().free_pages).to.equal(4 * 262144 - 1 - 4);
      expect(hv.alloc.heap.nodeAvail(0)).to.equal(2 * 262144 - 1);
      const b = buddiesOf(hv, 1);
      // [2 GiB + 4 pages, 4 GiB): orders 2..17 from 0x80004 up, then the 1 GiB buddy at 3 GiB.
      expect(b[0]).to.deep.equal([0x80004, 2]);
      expect(b.map((x) => x[1])).to.deep.equal([...Array.from({ length: 16 }, (_, i) => i + 2), 18]);
      expect(b.at(-1)).to.deep.equal([0xc0000, 18]);
      // The tester's boot-node-heap-meta.json: two exact 1 GiB extents on node 1, one done.
      const d = domain(hv, { hap: false });
      expect(hv.populate_physmap({ domid: d, nr_extents: 2, extent_order: 18, mem_flags: { node: 1, exact: true } }).done).to.equal(1);
      assertInvariants(hv);
    });

    it("from the tail when use_tail holds (64 MiB at 2 GiB: ffsl(e) = 15 <= 20); CPU0's node first, static", () => {
      const hv = boot([[2048, 1], [64, 1]]);
      const b = buddiesOf(hv, 1);
      const end = 0x80000 + 16384;
      expect(b[0]).to.deep.equal([0x80000, 13]);
      expect(b.at(-1)).to.deep.equal([end - 8, 2]);
      expect(hv.alloc.heap.nodeAvail(1)).to.equal(16384 - 4);
      // CPU 0 on node 1: node 1 is initialised first (static metadata), node 0 gives 4 pages of
      // its run [1, 2^19): s = 1 is not 1 GiB-aligned, so the head: [1, 5).
      const h = createHost(hostSpecFromCompact({ nodes: [{ mem_mib: 2048, cpus: 0 }, { mem_mib: 64, cpus: 1 }] }));
      expect(h.alloc.heap.nodeAvail(1)).to.equal(16384);
      expect(h.alloc.heap.nodeAvail(0)).to.equal(524288 - 1 - 4);
      expect(buddiesOf(h, 0).slice(0, 2)).to.deep.equal([[5, 0], [6, 1]]);
      assertInvariants(hv);
      assertInvariants(h);
    });

    it("only the first run fed to a node (its highest, end_boot_allocator's reverse order); none above xenheap_bits", () => {
      // Node 0: [0, 1 GiB) and [2 GiB, 3 GiB); node 1: [1 GiB, 2 GiB) with CPU 0. Fed: node 1's
      // run, then [2, 3) GiB (node 0's first: s = 2^19 aligned, ffsl(e = 3 · 2^18) = 19 <= 20:
      // tail), then [0, 1) GiB (node 0 already has its heap).
      const G = "0x40000000";
      const hv = createHost(hostSpecFromCompact({ nodes: [
        { ranges: [{ base: 0, length: G }, { base: "0x80000000", length: G }], cpus: 0 },
        { ranges: [{ base: G, length: G }], cpus: 1 },
      ] }));
      expect(hv.alloc.heap.nodeAvail(0)).to.equal(2 * 262144 - 1 - 4);
      expect(hv.alloc.heap.nodeAvail(1)).to.equal(262144);
      const top = buddiesOf(hv, 0).filter(([m]) => m >= 0x80000);
      expect(top[0]).to.deep.equal([0x80000, 17]);
      expect(top.at(-1)).to.deep.equal([0xc0000 - 8, 2]);
      // 8 × 1.5 TiB reaches past the 5 TiB direct map: xenheap_bits = 42 (4 TiB). Nodes 1 and 2
      // give 4 pages each; node 3 starts at 4.5 TiB and nodes 4..7 above the direct map: their
      // metadata is alloc_xenheap_pages(2) from CPU 0's node, 5 order-2 blocks of node 0.
      const big = createHost(hostSpecFromCompact({ nodes: Array.from({ length: 8 }, () => ({ mem_mib: 1536 * 1024, cpus: 1 })) }));
      const per = 1536 * 256 * 1024;
      expect(Array.from({ length: 8 }, (_, n) => per - big.alloc.heap.nodeAvail(n))).to.deep.equal([1 + 5 * 4, 4, 4, 0, 0, 0, 0, 0]);
      assertInvariants(big);
    });

    it("a first run shorter than 4 pages keeps them: the metadata is an order-2 xenheap block from CPU 0's node", () => {
      const hv = createHost(hostSpecFromCompact({ nodes: [{ mem_mib: 64, cpus: 1 }, { ranges: [{ base: "0x8000000", length: 8192 }], cpus: 1 }] }));
      expect(hv.alloc.heap.nodeAvail(1)).to.equal(2);
      // get_free_buddy(): the highest zone's smallest buddy is split, its top order-2 block taken.
      expect(hv.alloc.heap.nodeAvail(0)).to.equal(16384 - 1 - 4);
      const top = [...hv.alloc.heap.buddies()].filter((b) => b.node === 0).map((b) => [b.mfn, b.order]).sort((p, q) => (q[0] ?? 0) - (p[0] ?? 0));
      expect(top[0]).to.deep.equal([16384 - 8, 2]);
      assertInvariants(hv);
      // Nothing initialised to take it from: Xen's BUG_ON, a one-line host error.
      expect(() => createHost(hostSpecFromCompact({ nodes: [
        { ranges: [{ base: 0, length: 8192 }], cpus: 1 }, { ranges: [{ base: "0x100000", length: 8192 }], cpus: 1 },
      ] }))).to.throw(/no free order-2 block for node 1's heap metadata/);
    });
  });

  it("splitting hands out the highest-addressed block and returns the lower halves", () => {
    const spec = hostSpecFromCompact({ nodes: [{ ranges: [{ base: 1024 * 1024 * 1024, length: 1024 * 1024 * 1024 }], cpus: 1 }] });
    const hv = createHost(spec);
    const b = hv.alloc.allocHeapPages(1, 40, 9, memflags(), undefined, 0);
    expect(b?.mfn).to.equal(2 * GiB - 512);
    const free = [...hv.alloc.heap.buddies()].map((x) => [x.mfn, x.order]).sort((p, q) => (p[0] ?? 0) - (q[0] ?? 0));
    expect(free.map((x) => x[1])).to.deep.equal([17, 16, 15, 14, 13, 12, 11, 10, 9]);
    if (b) hv.alloc.heap.freeHeapPages(b.mfn, b.order, b.node, false);
    expect([...hv.alloc.heap.buddies()].map((x) => x.order)).to.deep.equal([18]);
  });

  it("requests above MAX_ORDER fail", () => {
    const hv = boot([[4096, 1]]);
    expect(hv.alloc.allocHeapPages(1, 40, 19, memflags(), undefined, 0)).to.equal(undefined);
  });

  it("round-robin: a fresh domain without allocations starts on the node after 0 and cycles per call", () => {
    const hv = boot([[1024, 1], [1024, 1], [1024, 1], [1024, 1]]);
    const d = domain(hv, { hap: false });
    expect(placeEach(hv, d, 6, 9)).to.deep.equal([1, 2, 3, 0, 1, 2]);
    expect(hv.getdomaininfo(d)?.last_alloc_node).to.equal(2);
  });

  it("round-robin phase depends on history: the 256-page HAP pool moves last_alloc_node", () => {
    const hv = boot([[1024, 1], [1024, 1], [1024, 1]]);
    const d = domain(hv);
    // 256 pool pages cycled 1,2,0,… so the last went to node 1 and populate starts at node 2.
    expect(hv.getdomaininfo(d)?.xen_pages_by_node).to.deep.equal({ 0: 85 + 2, 1: 86, 2: 85 });
    expect(placeEach(hv, d, 3, 0)).to.deep.equal([2, 0, 1]);
  });

  it("explicit node first, then the affinity cyclically from its lowest node, then other nodes ascending", () => {
    const hv = boot([[256, 1], [256, 1], [256, 1], [256, 1]]);
    const filler = domain(hv, { hap: false });
    fillNode(hv, filler, 2);
    fillNode(hv, filler, 1);
    const d = domain(hv, { hap: false });
    expect(hv.setnodeaffinity({ domid: d, nodes: [1, 3] }).rc).to.equal(0);
    expect(placeEach(hv, d, 1, 0, { node: 2 })).to.deep.equal([3]);
    fillNode(hv, filler, 3);
    expect(placeEach(hv, d, 1, 0, { node: 2 })).to.deep.equal([0]);
    assertInvariants(hv);
  });

  it("MEMF_exact_node never falls back", () => {
    const hv = boot([[256, 1], [256, 1]]);
    const filler = domain(hv, { hap: false });
    fillNode(hv, filler, 0);
    const d = domain(hv, { hap: false });
    expect(hv.populate_physmap({ domid: d, nr_extents: 1, extent_order: 0, mem_flags: { node: 0, exact: true } }).done).to.equal(0);
    expect(hv.getdomaininfo(d)?.tot_pages).to.equal(0);
    // Without exact the same request falls back to node 1.
    expect(placeEach(hv, d, 1, 0, { node: 0 })).to.deep.equal([1]);
  });

  it("fallback ignores SLIT distances (ascending node id)", () => {
    const spec = host([[256, 1], [256, 1], [256, 1]], [[10, 40, 12], [40, 10, 40], [12, 40, 10]]);
    const hv = createHost(spec);
    const filler = domain(hv, { hap: false });
    fillNode(hv, filler, 0);
    const d = domain(hv, { hap: false });
    hv.setnodeaffinity({ domid: d, nodes: [0] });
    expect(placeEach(hv, d, 1, 9)).to.deep.equal([1]);
  });

  it("free buddies merge only on the same node", () => {
    // Node 1 starts at 96 MiB: its first order-13 block is the buddy of node 0's last one.
    const hv = boot([[96, 1], [32, 1]]);
    assertInvariants(hv);
    const d = domain(hv, { hap: false });
    placeEach(hv, d, 8, 9);
    hv.destroydomain({ domid: d });
    assertInvariants(hv);
    expect([...hv.alloc.heap.buddies()].some((b) => b.mfn === 16384 && b.order === 14)).to.equal(false);
  });

  it("the smallest sufficient order of the highest zone is split (a 4 KiB request can break a 1 GiB buddy)", () => {
    const hv = boot([[2048, 1]]);
    const b = hv.alloc.allocHeapPages(1, 40, 0, memflags(), undefined, 0);
    expect(b?.mfn).to.equal(2 * GiB - 1);
  });

  it("§7.2.18 fragmentation: no order-18 buddy → 1 GiB fails, 2 MiB works; re-forms when both halves are free", () => {
    const spec = hostSpecFromCompact({ nodes: [{ ranges: [{ base: 1024 * 1024 * 1024, length: 1024 * 1024 * 1024 }], cpus: 1 }] });
    const hv = createHost(spec);
    const heap = hv.alloc.heap;
    const alloc = (order: number): number | undefined => hv.alloc.allocHeapPages(1, 40, order, memflags(), undefined, 0)?.mfn;
    const x = alloc(18) ?? -1;
    heap.freeHeapPages(x + GiB - 512, 9, 0, false);
    expect(alloc(18)).to.equal(undefined);
    const y = alloc(9);
    expect(y).to.equal(x + GiB - 512);
    heap.freeHeapPages(y ?? -1, 9, 0, false);
    for (let k = 0; k < 511; k++) heap.freeHeapPages(x + k * 512, 9, 0, false);
    expect(heap.buddyCount).to.equal(1);
    expect(alloc(18)).to.equal(x);
  });

  it("DMA zone: with several nodes the first attempt avoids memory below dma_bitsize", () => {
    const hv = boot([[1024, 1], [1024, 1]]);
    expect(hv.alloc.dmaBitsize).to.equal(28);
    expect(boot([[1024, 1]]).alloc.dmaBitsize).to.equal(0);
    const d = domain(hv, { hap: false });
    placeEach(hv, d, 64, 0, { node: 0, exact: true });
    const runs = [...(hv.domain(d)?.pages[0]?.runs() ?? [])];
    expect(runs.every(([s]) => s >= 2 ** 16)).to.equal(true);
    // Once the rest of node 0 is gone, exact allocations use the DMA zone.
    fillNode(hv, d, 0);
    expect(pagesOn(hv, d, 0)).to.be.greaterThan(1000 * MiB);
    assertInvariants(hv);
  });

  it("§7.2.19 dirty memory: clean remote beats dirty local unless exact, build-time no-scrub, or scrubbed", () => {
    for (const cfg of [{ version: "4.18" as const }, { version: "current" as const }]) {
      const hv = boot([[256, 1], [256, 1]], cfg);
      const a = domain(hv, { hap: false });
      fillNode(hv, a, 0);
      expect(hv.destroydomain({ domid: a }).rc).to.equal(0);
      const b = domain(hv, { hap: false });
      hv.setnodeaffinity({ domid: b, nodes: [0] });
      // 4.18: clean node 1 wins. current (83a784a15b): during build the dirty local buddy is taken.
      expect(placeEach(hv, b, 1, 9)).to.deep.equal([cfg.version === "current" ? 0 : 1]);
      hv.unpausedomain({ domid: b });
      expect(placeEach(hv, b, 1, 9)).to.deep.equal([1]);
      expect(placeEach(hv, b, 1, 9, { node: 0, exact: true })).to.deep.equal([0]);
      // Order 0 takes a dirty page in the first pass.
      expect(placeEach(hv, b, 1, 0)).to.deep.equal([0]);
      expect(hv.idle_scrub()).to.be.greaterThan(0);
      expect(placeEach(hv, b, 1, 9)).to.deep.equal([0]);
      assertInvariants(hv);
    }
  });
});
