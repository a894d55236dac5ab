/**
 * The allocator entry points of xen/common/page_alloc.c on top of the buddy heap:
 * `alloc_heap_pages()` (claim gate, two-pass clean-first buddy search, split, counters, claim
 * consumption, last_alloc_node), `alloc_domheap_pages()` (DMA-zone first attempt, MEMF_no_owner,
 * `assign_pages()` with Xen's tot_pages/max_pages errors), the xenheap wrappers (d == NULL) and
 * the matching frees with Xen's scrub rules.
 */
import { Heap, NUMA_NO_NODE, MEMZONE_XEN, NR_ZONES, MAX_ORDER, bitsToZone, type Block } from "./heap.js";
import { Claims } from "./claims.js";
import type { Domain } from "./domain.js";
import { cpuToNode, type HostSpec, nodeSpannedPages } from "../host.js";
import { PAGE_SHIFT } from "../units.js";
import { flsl, pow2 } from "./bits.js";
import type { ExtentSet } from "./extent-set.js";
import { E2BIG, EINVAL, EPERM } from "./errno.js";
import type { Memflags, XenConfig } from "./types.js";

export function memflags(f: Partial<Memflags> = {}): Memflags {
  return {
    node: f.node ?? NUMA_NO_NODE, exact: f.exact ?? false, noScrub: f.noScrub ?? false, keepScrub: f.keepScrub ?? false,
    noRefcount: f.noRefcount ?? false, noOwner: f.noOwner ?? false, noDma: f.noDma ?? false,
  };
}

const always = (): boolean => true;

/**
 * alloc_domheap_pages(): MEMF_no_owner implies MEMF_no_refcount. Built by memflags() like every
 * other record: a spread copy had a shape of its own, and the allocator's reads of it deoptimized.
 */
export function effectiveFlags(flags: Memflags): Memflags {
  return flags.noOwner && !flags.noRefcount ? memflags({ ...flags, noRefcount: true }) : flags;
}

/** alloc_domheap_pages()'s zone ranges (see PageAllocator.domheapZones); shared, do not mutate. */
export interface DomheapZones {
  readonly dma: readonly [number, number] | undefined;
  readonly all: readonly [number, number] | undefined;
}

export class PageAllocator {
  readonly heap: Heap;
  readonly claims: Claims;
  /** `dma_bitsize` (0 = no DMA zone: single-node hosts). */
  readonly dmaBitsize: number;
  private readonly cpuNode: (number | undefined)[];
  /** errno of the last failed assign_pages() (for tests and step results). */
  lastAssignError = 0;

  constructor(readonly spec: HostSpec, readonly config: XenConfig) {
    this.heap = new Heap(spec);
    this.claims = new Claims(this.heap, config, spec.nodes.length);
    this.cpuNode = cpuToNode(spec);
    this.dmaBitsize = this.heap.online.length > 1 ? this.archGetDmaBitsize() : 0;
  }

  /**
   * x86 `arch_get_dma_bitsize()` (only when more than one node is online, `arch_want_default_dmazone`):
   * the first node with memory starting below 4 GiB; a quarter of its span, capped at 32 bits.
   */
  private archGetDmaBitsize(): number {
    for (const id of this.heap.online) {
      const n = this.spec.nodes[id];
      const first = n?.ranges[0];
      if (n === undefined || first === undefined) continue;
      if (first.baseMfn < pow2(32 - PAGE_SHIFT)) {
        return Math.min(flsl(first.baseMfn + Math.floor(nodeSpannedPages(n) / 4) - 1) + PAGE_SHIFT, 32);
      }
    }
    // Xen panics ("No node with memory below 4Gb"); the simulator just has no DMA zone then.
    return 0;
  }

  /** `cpu_to_node()`; unknown CPUs map to node 0 as in `init_cpu_to_node`. */
  cpuToNode(cpu: number): number {
    return this.cpuNode[cpu] ?? 0;
  }

  /** get_free_buddy()'s nodemask: online ∩ d->node_affinity (all online nodes for d == NULL). */
  nodemask(d: Domain | undefined): readonly number[] {
    const online = this.heap.online;
    if (d === undefined) return online;
    if (d.maskOf !== d.node_affinity) {
      const aff = d.node_affinity;
      const m = online.filter((n) => aff.includes(n));
      // An empty intersection is a caller bug in Xen (ASSERT_UNREACHABLE); keep all online nodes.
      d.mask = m.length > 0 ? m : online;
      d.maskOf = aff;
    }
    return d.mask;
  }

  /**
   * get_free_buddy()'s first node: the requested node, else the affine node after
   * last_alloc_node (cycle_node), else the executing pCPU's node.
   */
  startNode(mask: readonly number[], mf: Memflags, d: Domain | undefined, cpu: number): number {
    if (mf.node !== NUMA_NO_NODE) return mf.node;
    let start = NUMA_NO_NODE;
    if (d !== undefined) {
      // cycle_node(): the first affine node above last_alloc_node, wrapping. A loop, not
      // mask.find() with a closure: the closure's context was allocated on every call (once
      // per populate_physmap), even with a requested node that never reached it.
      start = mask[0] ?? NUMA_NO_NODE;
      for (const n of mask) if (n > d.last_alloc_node) { start = n; break; }
    }
    return start === NUMA_NO_NODE ? this.cpuToNode(cpu) : start;
  }

  /**
   * `alloc_heap_pages(zone_lo, zone_hi, order, memflags, d)`. `cpu` is the pCPU executing the
   * code: the start node when there is neither a requested node nor a domain affinity.
   */
  allocHeapPages(zoneLo: number, zoneHi: number, order: number, mf: Memflags, d: Domain | undefined, cpu: number): Block | undefined {
    if (order > MAX_ORDER) return undefined;
    const request = pow2(order);
    if (!this.claims.hostAllows(d, request, mf.noRefcount)) return undefined;
    const mask = this.nodemask(d);
    const start = this.startNode(mask, mf, d, cpu);
    const nodeOk = this.config.nodeClaims === "none" ? always : (node: number): boolean => this.claims.nodeAllows(d, node, request, mf.noRefcount);
    const f = { reqNode: mf.node, exact: mf.exact, useUnscrubbed: mf.noScrub };
    // Two passes: clean buddies first; only then accept dirty ones (scrubbed after allocation).
    let pg = this.heap.getFreeBuddy(zoneLo, zoneHi, order, f, mask, start, nodeOk);
    if (pg === undefined && !mf.noScrub) {
      pg = this.heap.getFreeBuddy(zoneLo, zoneHi, order, { ...f, useUnscrubbed: true }, mask, start, nodeOk);
    }
    if (pg === undefined) return undefined;
    const block = this.heap.take(pg, order);
    if (d !== undefined && !mf.noRefcount) this.claims.consumeAtAlloc(d, request, block.node);
    if (d !== undefined) d.last_alloc_node = block.node;
    return block;
  }

  /**
   * `alloc_domheap_pages(d, order, memflags)`: zones above the DMA zone first, then all zones
   * (unless MEMF_no_dma); each attempt is a full alloc_heap_pages (claim gate included). Pages for
   * a domain without MEMF_no_owner are then assigned (`assign_pages`); on failure they are freed
   * (dirty only if MEMF_no_scrub left them unscrubbed) and the consumed claim is lost.
   */
  allocDomheapPages(d: Domain | undefined, order: number, flags: Memflags, cpu = 0): Block | undefined {
    const mf = effectiveFlags(flags);
    const zones = this.domheapZones(mf);
    let block: Block | undefined;
    if (zones.dma !== undefined) block = this.allocHeapPages(zones.dma[0], zones.dma[1], order, mf, d, cpu);
    if (block === undefined && zones.all !== undefined) block = this.allocHeapPages(zones.all[0], zones.all[1], order, mf, d, cpu);
    if (block === undefined) return undefined;
    if (d !== undefined && !mf.noOwner) {
      const rc = this.assignPages(d, block, mf);
      if (rc !== 0) {
        this.lastAssignError = rc;
        this.heap.freeHeapPages(block.mfn, block.order, block.node, mf.noScrub);
        return undefined;
      }
    } else if (d !== undefined) {
      d.pool[block.node]?.add(block.mfn, pow2(order));
    }
    return block;
  }

  /**
   * alloc_domheap_pages()'s zone ranges: `dma` = above the DMA zone (tried first when there is
   * one), `all` = every zone (undefined with MEMF_no_dma).
   */
  domheapZones(mf: Memflags): DomheapZones {
    // Fixed per host (dma_bitsize) and MEMF_no_dma: built once (this runs on every populate).
    const k = mf.noDma ? 1 : 0;
    let z = this.zonesCache[k];
    if (z === undefined) {
      const zoneHi = Math.min(bitsToZone(64 + PAGE_SHIFT), NR_ZONES - 1);
      const noDma = this.dmaBitsize === 0 ? false : mf.noDma;
      const dmaZone = this.dmaBitsize === 0 ? zoneHi : bitsToZone(this.dmaBitsize);
      z = { dma: dmaZone < zoneHi ? [dmaZone + 1, zoneHi] : undefined, all: noDma ? undefined : [MEMZONE_XEN + 1, zoneHi] };
      this.zonesCache[k] = z;
    }
    return z;
  }
  private readonly zonesCache: (DomheapZones | undefined)[] = [];

  /** `assign_pages()`: dying → -EINVAL; tot > max → -EPERM; nr > max - tot → -E2BIG. */
  private assignPages(d: Domain, block: Block, mf: Memflags): number {
    const nr = pow2(block.order);
    if (d.is_dying) return -EINVAL;
    if (!mf.noRefcount) {
      if (d.tot_pages > d.max_pages) return -EPERM;
      if (nr > d.max_pages - d.tot_pages) return -E2BIG;
      this.claims.adjustTotPages(d, nr);
    }
    d.pages[block.node]?.add(block.mfn, nr);
    return 0;
  }

  /**
   * `free_domheap_pages()` for a domain's own memory: tot_pages down (in 4.18 this refills an
   * active claim), pages scrubbed later only if the domain is dying.
   */
  freeDomainPages(d: Domain, mfn: number, order: number, node: number): void {
    d.pages[node]?.remove(mfn, pow2(order));
    this.claims.adjustTotPages(d, -pow2(order));
    this.heap.freeHeapPages(mfn, order, node, d.is_dying);
  }

  /** Anonymous pages (paging pool, MEMF_no_owner) and xenheap pages are always freed dirty. */
  freeXenPages(mfn: number, order: number, node: number): void {
    this.heap.freeHeapPages(mfn, order, node, true);
  }

  /**
   * Free [lo, hi) of `node` with the result of freeing it 2^unit pages at a time from the top down
   * (free_heap_pages per extent in decrease_reservation, per page when the paging pool shrinks):
   * the free buddies that result do not depend on the order of the frees (a block is a free buddy
   * iff it is wholly free and its parent is not, within a node), and each final buddy is put on
   * its list when the lowest of its freed pages is freed; freeing aligned blocks from the top down
   * keeps that order. A page waiting to be offlined leaves the heap while being freed, which
   * depends on the exact steps, so then the frees go one unit at a time.
   */
  freeRunDescending(lo: number, hi: number, node: number, needScrub: boolean, unit: number): void {
    const size = pow2(unit);
    if (this.heap.pending.size > 0) {
      for (let m = hi - size; m >= lo; m -= size) this.heap.freeHeapPages(m, unit, node, needScrub);
      return;
    }
    const blocks: [number, number][] = [];
    this.forEachAlignedBlock(lo, hi, (mfn, order) => blocks.push([mfn, order]));
    for (let i = blocks.length - 1; i >= 0; i--) {
      const [mfn, order] = blocks[i] ?? [0, 0];
      this.heap.freeHeapPages(mfn, order, node, needScrub);
    }
  }

  /**
   * Give back an arbitrary run [start, end) of pages on `node` as maximal aligned power-of-two
   * blocks (the merge result equals Xen's page-by-page put_page in relinquish_memory()).
   */
  forEachAlignedBlock(start: number, end: number, fn: (mfn: number, order: number) => void): void {
    let s = start;
    while (s < end) {
      let o = Math.min(MAX_ORDER, flsl(end - s) - 1);
      while (o > 0 && s % pow2(o) !== 0) o--;
      fn(s, o);
      s += pow2(o);
    }
  }

  /** `alloc_xenheap_pages(0, …)` → `alloc_domheap_pages(NULL, 0, memflags | MEMF_no_scrub)`. */
  allocXenheapPage(node: number, cpu: number): Block | undefined {
    return this.allocDomheapPages(undefined, 0, memflags({ node, noScrub: true }), cpu);
  }
}

/** A run [lo, hi) of one node's memory. */
export interface NodeRun {
  node: number;
  lo: number;
  hi: number;
}

function* alignedRunsDescending(set: ExtentSet, order: number): Generator<[number, number]> {
  const size = pow2(order);
  for (const [s, e] of set.runsDescending()) {
    const lo = Math.ceil(s / size) * size;
    const hi = Math.floor(e / size) * size;
    if (hi > lo) yield [lo, hi];
  }
}

/**
 * The `count` highest 2^order-aligned blocks wholly in `sets` (per node; only `node`'s if given),
 * as runs, highest first: what `count` repeated picks of "the node whose set holds the highest
 * aligned block, and that block" choose (decrease_reservation's guest model, the pool shrink),
 * since removing the top block of a run never makes a new block fit.
 */
export function highestBlocks(sets: readonly ExtentSet[], order: number, count: number, node?: number): NodeRun[] {
  const size = pow2(order);
  const its = sets.map((s, n) => (node === undefined || n === node ? alignedRunsDescending(s, order) : undefined));
  const heads = its.map((it) => it?.next());
  const out: NodeRun[] = [];
  let left = count;
  while (left > 0) {
    let best = -1;
    let bestHi = -1;
    heads.forEach((h, n) => { if (h !== undefined && h.done !== true && h.value[1] > bestHi) { best = n; bestHi = h.value[1]; } });
    const h = heads[best];
    if (h === undefined || h.done === true) break;
    const [lo, hi] = h.value;
    const k = Math.min(left, (hi - lo) / size);
    out.push({ node: best, lo: hi - k * size, hi });
    left -= k;
    heads[best] = its[best]?.next();
  }
  return out;
}
