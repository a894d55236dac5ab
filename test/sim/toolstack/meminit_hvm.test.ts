/**
 * meminit_hvm extent counts, pinned. Every expected number is derived by hand below from the
 * algorithm of meminit_hvm() in tools/libs/guest/xg_dom_x86.c. Units: 1 MiB = 256 pages,
 * 2 MiB extent = 512 pages (order 9), 1 GiB extent = 262144 pages = 0x40000 (order 18).
 * Default hole: mmio_start = 0xF0000000 (3840 MiB = PFN 0xF0000), 256 MiB up to 4 GiB.
 *
 * Low GiB with a device model (shared by every case): PFNs 0x00..0x9F as 160 × 4 KiB, the VGA
 * hole 0xA0..0xBF skipped, the range resumes at 0xC0; 0xC0 is not 2 MiB-aligned so 0xC0..0x1FF
 * (320 pages) are 4 KiB; 0x200..0x3FFFF is (0x40000 − 0x200)/512 = 511 × 2 MiB (the GiB cannot
 * be a 1 GiB page: it does not start at a 1 GiB boundary). → 480 × 4 KiB, 511 × 2 MiB.
 * Low memory up to the hole (guests ≥ 3840 MiB): PFN 0x40000 and 0x80000 are 1 GiB pages;
 * 0xC0000..0xEFFFF (768 MiB) lies in the GiB containing the MMIO hole → 384 × 2 MiB.
 * → low total: 480 × 4 KiB, 895 × 2 MiB, 2 × 1 GiB.
 */
import { expect } from "chai";
import { XENMEMF_exact_node } from "../../../src/sim/libxc/memflags.js";
import { xc_interface_open } from "../../../src/sim/libxc/xenctrl.js";
import { hvmLayout, LayoutError, vnumaRanges, type HvmBuildConfig } from "../../../src/sim/xenguest/layout.js";
import { meminit_hvm } from "../../../src/sim/xenguest/meminit_hvm.js";
import { hvm_build } from "../../../src/sim/xenguest/hvm_build.js";
import { ALONE, runToEnd, type Grant } from "../../../src/sim/libxc/scheduler.js";
import { RecordingPort, type PopulateCall } from "../../helpers/recording-port.js";

/**
 * One meminit_hvm against the recording port. Granted one call per advance, as interleaved
 * builds are, it makes every call Xen's meminit_hvm makes, which the cases below pin; `ALONE`
 * lets it merge passes (the last describe).
 */
function build(cfg: Omit<HvmBuildConfig, "domid">, done?: (c: PopulateCall) => number, grant: Grant = 1) {
  const port = new RecordingPort(done);
  const xch = xc_interface_open(port);
  const res = runToEnd(meminit_hvm(xch, hvmLayout({ domid: 1, ...cfg })), grant);
  return { port, res, extents: xch.extentCounts(1) };
}

const MiB_PAGES = 256;

describe("sim/xenguest meminit_hvm: pinned extent counts", () => {
  it("1 GiB guest: 480 × 4K, 511 × 2M, 0 × 1G", () => {
    // lowmem_end = 1 GiB < hole: one range [0, 0x40000) = the low GiB above.
    const { extents, res } = build({ mem_mib: 1024 });
    expect(res.rc).to.equal(0);
    expect(extents).to.deep.equal({ order0: 480, order9: 511, order18: 0 });
    // Xen's own log adds the 0x20 hole pages to the 4 KiB count (cur starts at 0xC0, stat += 0xC0).
    expect(res.stat).to.deep.equal({ normal: 0xc0 + 320, superpages2M: 511, superpages1G: 0 });
  });

  it("4096 MiB guest: 480 × 4K, 1023 × 2M, 2 × 1G", () => {
    // Low part to the hole (480/895/2) + highmem [4 GiB, 4 GiB + 256 MiB) = 128 × 2 MiB.
    const { extents } = build({ mem_mib: 4096 });
    expect(extents).to.deep.equal({ order0: 480, order9: 1023, order18: 2 });
  });

  it("5.5 GiB guest: 480 × 4K, 1279 × 2M, 3 × 1G", () => {
    // highmem = 5632 − 3840 = 1792 MiB at 4 GiB: one 1 GiB page at PFN 0x100000 (above the hole),
    // then 768 MiB = 384 × 2 MiB. 895 + 384 = 1279; 2 + 1 = 3.
    const { extents } = build({ mem_mib: 5632 });
    expect(extents).to.deep.equal({ order0: 480, order9: 1279, order18: 3 });
  });

  it("64 GiB guest: 480 × 4K, 1023 × 2M, 62 × 1G", () => {
    // highmem = 65536 − 3840 = 61696 MiB = 60 GiB + 256 MiB → 60 × 1 GiB + 128 × 2 MiB.
    const { extents } = build({ mem_mib: 65536 });
    expect(extents).to.deep.equal({ order0: 480, order9: 1023, order18: 62 });
  });

  it("populated pages = total − VGA hole, and the claim is released at the end", () => {
    for (const mem_mib of [1024, 4096, 5632, 65536]) {
      const { port } = build({ mem_mib, claim: true });
      const pages = port.populates.reduce((s, c) => s + c.nr * 2 ** c.order, 0);
      expect(pages).to.equal(mem_mib * MiB_PAGES - 0x20);
      // Claim of target − vga hole (= the populated pages), then claim(0).
      expect(port.claims).to.deep.equal([{ domid: 1, nr_pages: mem_mib * MiB_PAGES - 0x20 }, { domid: 1, nr_pages: 0 }]);
    }
  });

  describe("vNUMA (libxl__vnuma_build_vmemrange_hvm ranges)", () => {
    it("1 GiB as 2 × 512 MiB: 480 × 4K, 511 × 2M", () => {
      // vnode0 [0, 512 MiB): 160 + 320 × 4K, (0x20000 − 0x200)/512 = 255 × 2M; vnode1
      // [512, 1024) MiB: 256 × 2M (not 1 GiB-aligned). 255 + 256 = 511.
      const { extents } = build({ mem_mib: 1024, vnuma: [{ mem_mib: 512, pnode: 0 }, { mem_mib: 512, pnode: 1 }] });
      expect(extents).to.deep.equal({ order0: 480, order9: 511, order18: 0 });
    });

    it("4096 MiB as 2 × 2048: 480 × 4K, 1023 × 2M, 2 × 1G", () => {
      // vnode0 [0, 2 GiB): low GiB (480/511) + 1 GiB at 0x40000. vnode1 [2 GiB, 3840 MiB):
      // 1 GiB at 0x80000, then 384 × 2M; [4 GiB, 4 GiB + 256 MiB): 128 × 2M. 511 + 384 + 128.
      const { extents, port } = build({ mem_mib: 4096, vnuma: [{ mem_mib: 2048, pnode: 0 }, { mem_mib: 2048, pnode: 1 }] });
      expect(extents).to.deep.equal({ order0: 480, order9: 1023, order18: 2 });
      const pagesOn = (flags: number) => port.populates.filter((c) => c.flags === flags).reduce((s, c) => s + c.nr * 2 ** c.order, 0);
      expect(pagesOn(0)).to.equal(0xa0); // below the VGA hole: base memflags, no node
      expect(pagesOn(XENMEMF_exact_node(0))).to.equal(2048 * MiB_PAGES - 0xc0);
      expect(pagesOn(XENMEMF_exact_node(1))).to.equal(2048 * MiB_PAGES);
    });

    it("5.5 GiB as 2 × 2816: 480 × 4K, 1791 × 2M, 2 × 1G (the split costs a 1 GiB page)", () => {
      // vnode0 [0, 2816 MiB) = [0, 0xB0000): low GiB 480/511, 1 GiB at 0x40000, then 0x80000..
      // 0xB0000 = 384 × 2M. vnode1: [2816, 3840) MiB: 0xB0000 → 0xC0000 clipped at the 1 GiB
      // boundary = 128 × 2M, 0xC0000..0xF0000 = 384 × 2M (hole GiB); [4 GiB, 4 GiB + 1792 MiB):
      // 1 × 1G + 384 × 2M. 2M: 511 + 384 + 128 + 384 + 384 = 1791; 1G: 1 + 1 = 2.
      const { extents } = build({ mem_mib: 5632, vnuma: [{ mem_mib: 2816, pnode: 0 }, { mem_mib: 2816, pnode: 1 }] });
      expect(extents).to.deep.equal({ order0: 480, order9: 1791, order18: 2 });
    });

    it("64 GiB as 2 × 32 GiB: 480 × 4K, 1535 × 2M, 61 × 1G", () => {
      // vnode0: [0, 3840 MiB) = 480/895/2; [4096, 33024) MiB = 28 GiB + 256 MiB → 28 × 1G + 128 × 2M.
      // vnode1: [33024, 65792) MiB: to the 1 GiB boundary at 33792 MiB: 768 MiB = 384 × 2M; then
      // 32000 MiB = 31 GiB + 256 MiB → 31 × 1G + 128 × 2M. 2M: 895 + 128 + 384 + 128 = 1535; 1G: 2 + 28 + 31 = 61.
      const { extents } = build({ mem_mib: 65536, vnuma: [{ mem_mib: 32768, pnode: 0 }, { mem_mib: 32768, pnode: 1 }] });
      expect(extents).to.deep.equal({ order0: 480, order9: 1535, order18: 61 });
    });

    it("lays vnodes out around the hole", () => {
      const GiB = 2 ** 30;
      const MiB = 2 ** 20;
      expect(vnumaRanges([2048 * MiB, 2048 * MiB], 3840 * MiB, 3840 * MiB, 256 * MiB)).to.deep.equal([
        { start: 0, end: 2 * GiB, nid: 0 },
        { start: 2 * GiB, end: 3840 * MiB, nid: 1 },
        { start: 4 * GiB, end: 4 * GiB + 256 * MiB, nid: 1 },
      ]);
    });

    it("rejects vnodes that do not add up to the guest memory", () => {
      expect(() => hvmLayout({ domid: 1, mem_mib: 1024, vnuma: [{ mem_mib: 512, pnode: 0 }] })).to.throw(LayoutError);
    });
  });

  describe("exact node (xenguest -mem_pnode)", () => {
    it("same counts; everything but the 0xA0 low pages carries XENMEMF_exact_node(pnode)", () => {
      for (const [mem_mib, want] of [[1024, [480, 511, 0]], [4096, [480, 1023, 2]], [5632, [480, 1279, 3]], [65536, [480, 1023, 62]]] as const) {
        const { extents, port } = build({ mem_mib, pnode: 2 });
        expect([extents.order0, extents.order9, extents.order18]).to.deep.equal(want);
        expect(port.populates[0]).to.deep.include({ nr: 0xa0, order: 0, flags: 0 });
        expect(port.populates.slice(1).every((c) => c.flags === XENMEMF_exact_node(2))).to.equal(true);
      }
    });
  });

  describe("superpage fallback (meminit_hvm)", () => {
    it("no 1 GiB pages: each failed GiB becomes 512 × 2 MiB", () => {
      // 4096 MiB: the two 1 GiB attempts fail; 1023 + 2 × 512 = 2047 × 2M.
      const { extents } = build({ mem_mib: 4096 }, (c) => (c.order === 18 ? 0 : c.nr));
      expect(extents).to.deep.equal({ order0: 480, order9: 2047, order18: 0 });
    });

    it("a failed 1 GiB attempt retries the first 8 MiB as 4 × 2 MiB in the same iteration", () => {
      const { port } = build({ mem_mib: 2048 }, (c) => (c.order === 18 ? 0 : c.nr));
      const i = port.populates.findIndex((c) => c.order === 18);
      expect(port.populates[i + 1]).to.deep.include({ nr: 4, order: 9 });
    });

    it("no superpages at all: every page is 4 KiB", () => {
      const { extents } = build({ mem_mib: 4096 }, (c) => (c.order > 0 ? 0 : c.nr));
      expect(extents).to.deep.equal({ order0: 4096 * MiB_PAGES - 0x20, order9: 0, order18: 0 });
    });

    it("a short 2 MiB batch is completed with exactly the failed part in 4 KiB", () => {
      // Grant 1 of every 4 × 2 MiB batch: the other 3 × 512 pages go 4 KiB in one exact call.
      const { port } = build({ mem_mib: 64 }, (c) => (c.order === 9 ? 1 : c.nr));
      const i = port.populates.findIndex((c) => c.order === 9 && c.nr === 4);
      expect(port.populates[i + 1]).to.deep.include({ nr: 3 * 512, order: 0 });
    });

    it("a short exact 4 KiB populate fails the build (EBUSY) and still releases the claim", () => {
      const { res, port } = build({ mem_mib: 64, claim: true }, (c) => (c.order === 0 && c.nr === 320 ? 100 : c.order === 0 ? c.nr : 0));
      expect(res.rc).to.equal(-1);
      expect(res.error).to.match(/Could not allocate memory/);
      expect(port.claims.at(-1)).to.deep.equal({ domid: 1, nr_pages: 0 });
    });

    it("a failing low populate (below 0xA0) stops before the ranges", () => {
      const { res, port } = build({ mem_mib: 64 }, () => 0);
      expect(res.error).to.match(/low memory/);
      expect(port.populates).to.have.length(1);
    });
  });

  describe("layout", () => {
    it("mmio_mib applies only when it lowers RAM below 0xF0000000 (libxl)", () => {
      expect(hvmLayout({ domid: 1, mem_mib: 4096, mmio_mib: 128 }).mmio_size).to.equal(256 * 2 ** 20);
      const big = hvmLayout({ domid: 1, mem_mib: 4096, mmio_mib: 1024 });
      expect(big.mmio_start).to.equal(3 * 2 ** 30);
      expect(big.highmem_end).to.equal(5 * 2 ** 30);
      expect(() => hvmLayout({ domid: 1, mem_mib: 64, mmio_mib: 4096 })).to.throw(LayoutError);
    });

    it("a bigger hole: 4096 MiB with a 1 GiB hole has no 1 GiB page below 4 GiB but one above", () => {
      // lowmem [0, 3 GiB): low GiB 480/511, 1G at 0x40000 and 0x80000 ([2G,3G) ends at the hole
      // start: no intersection). highmem [4G, 5G): 1 × 1G. → 480/511/3.
      const { extents } = build({ mem_mib: 4096, mmio_mib: 1024 });
      expect(extents).to.deep.equal({ order0: 480, order9: 511, order18: 3 });
    });

    it("without a device model there is no VGA hole and no low 0xA0 populate", () => {
      // [0, 64 MiB) from PFN 0: 2 MiB-aligned → 32 × 2M, nothing in 4 KiB.
      const { extents } = build({ mem_mib: 64, device_model: false });
      expect(extents).to.deep.equal({ order0: 0, order9: 32, order18: 0 });
    });

    it("PoD (target < max) is refused with vNUMA and is not simulated otherwise", () => {
      expect(build({ mem_mib: 1024, target_mib: 512, vnuma: [{ mem_mib: 1024, pnode: 0 }] }).res.error).to.match(/vNUMA and PoD/);
      expect(build({ mem_mib: 1024, target_mib: 512 }).res.error).to.match(/PoD/);
    });
  });

  describe("merged passes (a build running alone)", () => {
    const calls = (port: RecordingPort): [number, number][] => port.populates.map((c) => [c.nr, c.order]);

    it("1 TiB: the 1 GiB passes of each stretch are one call, the 4 × 2 MiB passes up to a GiB boundary one call", () => {
      // Low GiB: 160 + 320 × 4K, then 511 × 2M from 0x200 = 127 passes of four (one call of 508)
      // and a pass of three; GiB 1 and 2 (one call of 2); GiB 3 up to the hole: 96 passes of four
      // (one call of 384); highmem 1020 GiB + 256 MiB at 4 GiB: one call of 1020, 32 passes of four.
      const alone = build({ mem_mib: 1024 * 1024 }, undefined, ALONE);
      expect(calls(alone.port)).to.deep.equal([[0xa0, 0], [320, 0], [508, 9], [3, 9], [2, 18], [384, 9], [1020, 18], [128, 9]]);
      const xen = build({ mem_mib: 1024 * 1024 });
      expect(xen.port.populates).to.have.length(1 + 1 + 128 + 2 + 96 + 1020 + 32);
      expect(alone.extents).to.deep.equal(xen.extents);
      expect(alone.res).to.deep.equal(xen.res);
      expect(alone.port.gpfns).to.deep.equal([0, 0xc0, 0x200, 0x3fa00, 0x40000, 0xc0000, 0x100000, 0x100000 + 1020 * 0x40000]);
    });

    it("every 1 GiB extent failing: each merged attempt stops at once, its GiB goes 2 MiB as in Xen", () => {
      const fail1G = (c: PopulateCall): number => (c.order === 18 ? 0 : c.nr);
      const alone = build({ mem_mib: 16 * 1024 }, fail1G, ALONE);
      const xen = build({ mem_mib: 16 * 1024 }, fail1G);
      expect(alone.extents).to.deep.equal(xen.extents);
      // Low: GiB 1 and 2 fail too; highmem 12 GiB + 256 MiB: 12 × 512 + 128 × 2 MiB.
      expect(alone.extents.order9).to.equal(895 + 512 * 2 + 12 * 512 + 128);
      // Highmem: per GiB a 1 GiB attempt of the GiBs left (12 … 1), then one call of 512 × 2 MiB.
      expect(calls(alone.port).slice(-5)).to.deep.equal([[2, 18], [512, 9], [1, 18], [512, 9], [128, 9]]);
      expect(alone.port.populates.filter((c) => c.order === 18).map((c) => c.nr)).to.deep.equal([2, 1, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    });

    it("a merged 1 GiB call coming up short: the GiB it stopped at goes 2 MiB, then merging resumes", () => {
      // Highmem of 16 GiB: 12 GiB + 256 MiB. The call of 12 gets 3; the 4th GiB is 512 × 2 MiB
      // (as after Xen's fourth call, which gets none); the other 8 GiB are one call.
      const { port, extents } = build({ mem_mib: 16 * 1024 }, (c) => (c.order === 18 && c.nr === 12 ? 3 : c.nr), ALONE);
      expect(calls(port).slice(-4)).to.deep.equal([[12, 18], [512, 9], [8, 18], [128, 9]]);
      expect(port.gpfns.slice(-3)).to.deep.equal([0x100000 + 3 * 0x40000, 0x100000 + 4 * 0x40000, 0x100000 + 12 * 0x40000]);
      expect(extents).to.deep.equal({ order0: 480, order9: 895 + 512 + 128, order18: 2 + 3 + 8 });
    });

    it("a merged 2 MiB call coming up short finishes its pass in 4 KiB, then goes on merging", () => {
      // [0x200, 0x4000) is 31 × 2 MiB: 7 passes of four, merged into one call of 28, and one of
      // three. That call gets 6: pass 1 had 2 of its 4, its other 2 × 512 pages go 4 KiB, and
      // passes 2 … 6 are one call of 20.
      let first = true;
      const { port, extents } = build({ mem_mib: 64 }, (c) => (c.order === 9 && first ? ((first = false), 6) : c.nr), ALONE);
      expect(calls(port).slice(2)).to.deep.equal([[28, 9], [2 * 512, 0], [20, 9], [3, 9]]);
      expect(port.gpfns[4]).to.equal(0x200 + 8 * 512);
      expect(extents.order0).to.equal(480 + 2 * 512);
    });
  });

  it("hvm_build adds the 8 special and 8 ioreq pages after meminit", () => {
    const port = new RecordingPort();
    const xch = xc_interface_open(port);
    const r = runToEnd(hvm_build(xch, { domid: 1, mem_mib: 64 }));
    expect(r.ok).to.equal(true);
    expect(r.extents.order0).to.equal(480);
    expect(port.populates.slice(-2).map((c) => [c.nr, c.order, c.flags])).to.deep.equal([[8, 0, 0], [8, 0, 0]]);
  });
});
