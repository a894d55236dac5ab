/**
 * xenguest's HVM memory population: `meminit_hvm()` (tools/libs/guest/xg_dom_x86.c) and the special
 * pages `alloc_magic_pages_hvm()` allocates after it. Written as a build (src/sim/libxc/scheduler.ts)
 * that yields a label before every hypercall and between the extents of a populate_physmap, so a
 * scheduler can interleave concurrent builds at exactly the points where real builds interleave
 * (Xen takes and drops `heap_lock` once per extent: libxc's populate_physmap_steps()).
 */
import {
  populate_physmap_exact_steps,
  populate_physmap_steps,
  xc_domain_claim_pages,
  type XcInterface,
} from "../libxc/xenctrl.js";
import { hypercall, type Build } from "../libxc/scheduler.js";
import { XC_NUMA_NO_NODE, XENMEMF_exact_node, XENMEMF_populate_on_demand } from "../libxc/memflags.js";
import { FOUR_GIB, type VmemRange, type XcDomImage } from "./layout.js";
import { PAGE_SHIFT } from "../units.js";

export const SUPERPAGE_2MB_SHIFT = 9;
export const SUPERPAGE_2MB_NR_PFNS = 1 << SUPERPAGE_2MB_SHIFT;
export const SUPERPAGE_1GB_SHIFT = 18;
export const SUPERPAGE_1GB_NR_PFNS = 1 << SUPERPAGE_1GB_SHIFT;
/** X86_HVM_NR_SPECIAL_PAGES and, with a device model, NR_IOREQ_SERVER_PAGES (xg_dom_x86.c). */
export const X86_HVM_NR_SPECIAL_PAGES = 8;
export const NR_IOREQ_SERVER_PAGES = 8;
/** X86_HVM_END_SPECIAL_REGION (tools/include/xenguest.h). */
export const X86_HVM_END_SPECIAL_REGION = 0xff000;
/** special_pfn(0) and ioreq_server_pfn(0) (xg_dom_x86.c). */
export const SPECIAL_PFN_0 = X86_HVM_END_SPECIAL_REGION - X86_HVM_NR_SPECIAL_PAGES;
export const IOREQ_SERVER_PFN_0 = SPECIAL_PFN_0 - NR_IOREQ_SERVER_PAGES;

export interface MeminitResult {
  /** 0 or -1, as meminit_hvm returns. */
  rc: number;
  /** The "PHYSICAL MEMORY ALLOCATION" statistic Xen logs (4 KiB count includes the 0xC0 quirk). */
  stat: { normal: number; superpages2M: number; superpages1G: number };
  /** DOMPRINTF message of the failure, when rc = -1. */
  error?: string;
}

/** check_mmio_hole(): does [start, start+size) intersect the MMIO hole? */
function check_mmio_hole(start: number, size: number, mmio_start: number, mmio_size: number): boolean {
  return !(start + size <= mmio_start || start >= mmio_start + mmio_size);
}

/** -cur & (n-1): distance from cur to the next multiple of n (0 if aligned). */
function toBoundary(cur: number, n: number): number {
  const r = cur % n;
  return r === 0 ? 0 : n - r;
}

/*
 * Merged passes. meminit_hvm's loop makes one populate_physmap per pass, and a pass populates at
 * most 1 GiB: a 1 TiB guest is a thousand calls of one 1 GiB extent, and each GiB whose 1 GiB
 * extent fails is 128 calls of four 2 MiB extents. When the build runs alone (a Grant above one),
 * a run of such passes, all of the same shape, is made as one call of all their extents: Xen's
 * populate_physmap allocates and maps extent after extent, and stops at the first failure, so the
 * heap, claims, p2m and statistics come out the same, and the pass that came up short goes on
 * exactly as in Xen (test/sim/bulk.test.ts compares the two on random hosts and guests). Only the
 * number of hypercalls differs, which nothing counts. This is what makes the cost of a big guest
 * grow with its extents' runs rather than with its gigabytes. A grant counts extents (the atomic
 * steps of concurrent builds), so a finite grant merges only as many passes as it has extents.
 */

/**
 * The passes from the 1 GiB-aligned `cur_pfn` that would each populate one 1 GiB extent (a whole
 * GiB of the range, clear of the MMIO hole), at most `max`; the first is known to.
 */
function gigabytePasses(cur_pfn: number, end_pages: number, dom: XcDomImage, max: number): number {
  let n = Math.floor((end_pages - cur_pfn) / SUPERPAGE_1GB_NR_PFNS);
  const start = cur_pfn * 2 ** PAGE_SHIFT;
  // check_mmio_hole(): a GiB is clear when it ends by the hole's start or starts at its end or
  // later. The first is clear, so either every GiB from here is, or those that end by the start.
  if (start < dom.mmio_start + dom.mmio_size) n = Math.min(n, Math.floor((dom.mmio_start - start) / 2 ** 30));
  return Math.max(1, Math.min(n, max));
}

/**
 * The passes from the 2 MiB-aligned `cur_pfn` (where a pass of four 2 MiB extents is due) that
 * would each populate four 2 MiB extents: those up to the next 1 GiB boundary (where the 1 GiB
 * attempt comes back) or the range's end, at most `max`.
 */
function fourSuperpagePasses(cur_pfn: number, end_pages: number, max: number): number {
  const limit = Math.min(end_pages, (Math.floor(cur_pfn / SUPERPAGE_1GB_NR_PFNS) + 1) * SUPERPAGE_1GB_NR_PFNS);
  return Math.max(1, Math.min(Math.floor((limit - cur_pfn) / (4 * SUPERPAGE_2MB_NR_PFNS)), max));
}

/**
 * meminit_hvm() of tools/libs/guest/xg_dom_x86.c, step by step. PFN arithmetic uses plain numbers: PFNs stay below
 * 2^40, far inside a double's exact range, and `%` replaces C's masks.
 */
export function* meminit_hvm(xch: XcInterface, dom: XcDomImage): Build<MeminitResult> {
  const domid = dom.guest_domid;
  const stat = { normal: 0, superpages2M: 0, superpages1G: 0 };
  const nr_pages = dom.total_pages;
  const target_pages = dom.target_pages;
  let memflags = 0;
  let error: string | undefined;
  let label9 = "";
  let label9nr = -1;
  if (nr_pages > target_pages) memflags |= XENMEMF_populate_on_demand;

  let vmemranges: VmemRange[];
  let vnode_to_pnode: number[];
  body: {
    if (dom.vmemranges.length === 0) {
      // Dummy vnode: [0, lowmem_end) and [4G, highmem_end), vnode 0 → XC_NUMA_NO_NODE.
      vmemranges = [{ start: 0, end: dom.lowmem_end, nid: 0 }];
      if (dom.highmem_end > FOUR_GIB) vmemranges.push({ start: FOUR_GIB, end: dom.highmem_end, nid: 0 });
      vnode_to_pnode = [dom.mem_pnode ?? XC_NUMA_NO_NODE];
    } else {
      if (nr_pages > target_pages) { error = "Cannot enable vNUMA and PoD at the same time"; break body; }
      vmemranges = dom.vmemranges;
      vnode_to_pnode = dom.vnode_to_pnode;
    }
    const total = vmemranges.reduce((s, r) => s + (r.end - r.start) / 2 ** PAGE_SHIFT, 0);
    if (total !== nr_pages) { error = `vNUMA memory pages mismatch (0x${total.toString(16)} != 0x${nr_pages.toString(16)})`; break body; }

    // Claim before set_pod_target, which allocates. The claim excludes the VGA hole.
    if (dom.claim_enabled) {
      yield `d${domid} claim_pages ${target_pages - dom.vga_hole_size}`;
      const rc = xc_domain_claim_pages(xch, domid, target_pages - dom.vga_hole_size);
      if (rc !== 0) { error = "Could not allocate memory for HVM guest as we cannot claim memory!"; break body; }
    }
    if ((memflags & XENMEMF_populate_on_demand) !== 0) {
      // xc_domain_set_pod_target is outside the simulated hypercall surface.
      error = "Could not set PoD target for HVM guest (populate-on-demand is not simulated)";
      break body;
    }

    // PFNs 0x00..0x9F with the base memflags (no node, whatever the vNUMA layout says).
    if (dom.device_model) {
      const label = `d${domid} populate 160 x order 0 (below VGA hole)`;
      const rc = yield* populate_physmap_exact_steps(xch, label, yield label, domid, 0xa0, 0, memflags, 0);
      if (rc !== 0) { error = "Could not populate low memory (< 0xA0)."; break body; }
    }

    for (const range of vmemranges) {
      let new_memflags = memflags;
      const pnode = vnode_to_pnode[range.nid] ?? XC_NUMA_NO_NODE;
      if (pnode !== XC_NUMA_NO_NODE) new_memflags |= XENMEMF_exact_node(pnode);
      // `>> PAGE_SHIFT` as a floor: the result is a small integer to V8 (a plain division gives a
      // boxed double, and every function the PFNs reach recompiles for doubles).
      const end_pages = Math.floor(range.end / 2 ** PAGE_SHIFT);
      // Computed for every range, the first too: a path first taken when a build reaches its
      // second range (thousands of calls in) made V8 recompile this whole build.
      let cur_pages = Math.floor(range.start / 2 ** PAGE_SHIFT);
      // The range covering the VGA hole starts at 0xC0 (0x00..0x9F were done above); Xen's log
      // statistic counts the 0xC0 PFNs as 4 KiB pages although 0x20 of them are the hole.
      if (range.start === 0 && dom.device_model) { cur_pages = 0xc0; stat.normal += 0xc0; }

      let rc = 0;
      while (rc === 0 && end_pages > cur_pages) {
        let count = Math.min(end_pages - cur_pages, SUPERPAGE_1GB_NR_PFNS);
        let cur_pfn = cur_pages;
        // Clip to the next 1 GiB boundary. (The "else" clip for counts > 1 GiB never fires.)
        const to1g = toBoundary(cur_pfn, SUPERPAGE_1GB_NR_PFNS);
        if (to1g !== 0 && count > to1g) count = to1g;

        if (cur_pfn % SUPERPAGE_1GB_NR_PFNS === 0 && count % SUPERPAGE_1GB_NR_PFNS === 0 &&
            !check_mmio_hole(cur_pfn * 2 ** PAGE_SHIFT, 2 ** 30, dom.mmio_start, dom.mmio_size)) {
          const nr = count / SUPERPAGE_1GB_NR_PFNS;
          const label = `d${domid} populate ${nr} x order 18`;
          const grant = yield label;
          // One pass is one extent (nr is 1): as many passes as the grant has extents.
          const passes = grant === undefined || grant <= 1 ? 1 : gigabytePasses(cur_pfn, end_pages, dom, grant);
          const done = yield* populate_physmap_steps(xch, label, grant, domid, nr * passes, SUPERPAGE_1GB_SHIFT, new_memflags, cur_pfn);
          if (done > 0) {
            stat.superpages1G += done;
            cur_pages += done * SUPERPAGE_1GB_NR_PFNS;
          }
          // Every pass done whole, or the one that came up short (with nothing done: nr is 1) goes
          // on from its own start with its whole count, as Xen's does.
          if (done === nr * passes) count = 0;
          cur_pfn = cur_pages;
        }

        if (count !== 0) {
          // At most 4 × 2 MiB per call; alignment is judged on cur_pfn, the value before the 1 GiB try.
          count = Math.min(count, SUPERPAGE_2MB_NR_PFNS * 4);
          const to2m = toBoundary(cur_pfn, SUPERPAGE_2MB_NR_PFNS);
          if (to2m !== 0 && count > to2m) count = to2m;
          else if (count % SUPERPAGE_2MB_NR_PFNS !== 0 && count > SUPERPAGE_2MB_NR_PFNS) {
            count -= count % SUPERPAGE_2MB_NR_PFNS;
          }
          if (cur_pfn % SUPERPAGE_2MB_NR_PFNS === 0 && count % SUPERPAGE_2MB_NR_PFNS === 0) {
            const nr = count / SUPERPAGE_2MB_NR_PFNS;
            // The label of the hot call (nr is 4 but at range edges) is built once per nr, not per call.
            if (nr !== label9nr) { label9 = `d${domid} populate ${nr} x order 9`; label9nr = nr; }
            const grant = yield label9;
            // A pass is four extents: as many whole passes as the grant has extents (a grant of
            // fewer than four makes the one pass's call in parts).
            const passes = grant === undefined || grant < 4 || nr !== 4 ? 1 : fourSuperpagePasses(cur_pfn, end_pages, Math.floor(grant / 4));
            // Measured (callgrind, 200 VMs of the 1000-VM start): the loop written inline here
            // saved 0.5% of the instructions, not worth a second copy of populate_physmap_steps().
            const done = yield* populate_physmap_steps(xch, label9, grant, domid, nr * passes, SUPERPAGE_2MB_SHIFT, new_memflags, cur_pages);
            if (done > 0) {
              stat.superpages2M += done;
              cur_pages += done * SUPERPAGE_2MB_NR_PFNS;
              // Every pass done whole, or what is left of the one that came up short.
              count = done === nr * passes ? 0 : count - (done % nr) * SUPERPAGE_2MB_NR_PFNS;
            }
          }
        }

        // 4 KiB fallback, all-or-error; cur_pages advances even when it fails.
        if (count !== 0) {
          const n = count;
          const label = `d${domid} populate ${n} x order 0`;
          rc = yield* populate_physmap_exact_steps(xch, label, yield label, domid, n, 0, new_memflags, cur_pages);
          cur_pages += n;
          stat.normal += n;
        }
      }
      if (rc !== 0) { error = "Could not allocate memory for HVM guest."; break body; }
    }
  }

  // Always: cancel whatever claim is left (also one xenopsd made), success or failure.
  yield* hypercall(`d${domid} claim_pages 0`, () => xc_domain_claim_pages(xch, domid, 0));
  const result: MeminitResult = { rc: error === undefined ? 0 : -1, stat };
  if (error !== undefined) result.error = error;
  return result;
}

/**
 * alloc_magic_pages_hvm(): after meminit (claim already released), the special pages and, with a
 * device model, the ioreq server pages, each as one exact order-0 populate with memflags 0 (so they
 * follow the domain's node affinity, not the vNUMA layout).
 */
export function* alloc_magic_pages_hvm(xch: XcInterface, dom: XcDomImage): Build<number> {
  const domid = dom.guest_domid;
  const special = `d${domid} populate ${X86_HVM_NR_SPECIAL_PAGES} x order 0 (special pages)`;
  let rc = yield* populate_physmap_exact_steps(xch, special, yield special, domid, X86_HVM_NR_SPECIAL_PAGES, 0, 0, SPECIAL_PFN_0);
  if (rc === 0 && dom.device_model) {
    const ioreq = `d${domid} populate ${NR_IOREQ_SERVER_PAGES} x order 0 (ioreq server pages)`;
    rc = yield* populate_physmap_exact_steps(xch, ioreq, yield ioreq, domid, NR_IOREQ_SERVER_PAGES, 0, 0, IOREQ_SERVER_PFN_0);
  }
  return rc;
}
