/**
 * Xen's buddy heap (xen/common/page_alloc.c): per node and zone, free lists of naturally aligned
 * power-of-two blocks ("buddies") for orders 0..MAX_ORDER, the `avail[node][zone]`,
 * `node_avail_pages[node]` and `total_avail_pages` counters, and the dirty (need-scrub) state
 * that drives the clean-first preference. Everything is per buddy (extent), never per page:
 * a buddy is one record in a doubly linked list plus one entry in a head-MFN map for merging.
 *
 * This module is the mechanism only (get_free_buddy, splitting, free_heap_pages with merging,
 * boot population, idle scrubbing); the claim gates and accounting that wrap it live in
 * page-alloc.ts, as in Xen's alloc_heap_pages().
 */
import { flsl, ffsl, pow2, bitSet, alignDown } from "./bits.js";
import type { HostSpec } from "../host.js";
import { UsageError } from "../../errors.js";

/** x86: 2 × PAGETABLE_ORDER (1 GiB). */
export const MAX_ORDER = 18;
/** Pages in a MAX_ORDER buddy. */
const TOP_SIZE = 2 ** MAX_ORDER;
/** `PADDR_BITS - PAGE_SHIFT + 1` on x86. */
export const NR_ZONES = 41;
/**
 * Pages `init_node_heap()` takes for a node's `_heap` and `avail` (every node but the first
 * initialised, whose are static): `(sizeof(**_heap) + sizeof(**avail) * NR_ZONES + PAGE_SIZE - 1)
 * >> PAGE_SHIFT`, `**_heap` being `struct page_list_head [NR_ZONES][MAX_ORDER + 1]` (two pointers,
 * 16 bytes, xen/include/xen/mm.h): (41 × 19 × 16 + 41 × 8 + 4095) >> 12 = 4. The function and the
 * constants are the same at RELEASE-4.18.0 … 4.22.0 and staging, so this is not version dependent.
 */
export const NODE_HEAP_META_PAGES = Math.floor((NR_ZONES * (MAX_ORDER + 1) * 16 + NR_ZONES * 8 + 4095) / 4096);
/**
 * First MFN past what `arch_mfns_in_directmap()` accepts (x86 mm.h: up to `min(DIRECTMAP_VIRT_END,
 * HYPERVISOR_VIRT_END)`): the direct map from PML4 slot 262 to the end of Xen's slots (271), 10 ×
 * 512 GiB = 5 TiB, without CONFIG_BIGMEM (its default) and with PDX = MFN (no PDX compression).
 */
export const DIRECTMAP_END_MFN = (10 * 2 ** 39) / 4096;
/** Zone 0 is MEMZONE_XEN (only with a separate xenheap; never used on x86). */
export const MEMZONE_XEN = 0;
export const NUMA_NO_NODE = 0xff;
/** `first_dirty` value of a clean buddy. */
export const INVALID_DIRTY_IDX = -1;

/** Zone of an MFN: its bit length (`page_to_zone` = `flsl(mfn)`, at least 1). */
export function mfnZone(mfn: number): number {
  return Math.max(1, flsl(mfn));
}

/** `bits_to_zone(b)`. */
export function bitsToZone(bits: number): number {
  return bits < 12 + 1 ? 1 : bits - 12;
}

export interface Buddy {
  mfn: number;
  order: number;
  node: number;
  zone: number;
  /** Index of the first page needing scrub, or INVALID_DIRTY_IDX (Xen's `u.free.first_dirty`). */
  firstDirty: number;
  prev: Buddy | undefined;
  next: Buddy | undefined;
  list: FreeList | undefined;
}

/** `heap(node, zone, order)`: Xen's page_list, head = first. */
export class FreeList {
  head: Buddy | undefined;
  tail: Buddy | undefined;
  size = 0;
  /**
   * How many buddies from the head on are known to follow each other down the MFNs, each
   * directly below the one before and clean: 0 when the list is empty or its head dirty, else at
   * least 1. A lower bound, kept by every list operation in O(1) (it is not Xen's: an index the
   * bulk path (bulk-heap.ts) uses to reach a big guest's k-th 1 GiB buddy without walking k
   * records). A booted node's list of 1 GiB buddies is one such run: boot adds them upwards at the
   * head.
   */
  run = 0;

  addHead(b: Buddy): void {
    const h = this.head;
    b.list = this;
    b.prev = undefined;
    b.next = h;
    if (h) h.prev = b; else this.tail = b;
    this.head = b;
    this.size++;
    if (b.firstDirty !== INVALID_DIRTY_IDX) this.run = 0;
    else this.run = h !== undefined && this.run > 0 && h.mfn === b.mfn - pow2(b.order) ? this.run + 1 : 1;
  }
  addTail(b: Buddy): void {
    b.list = this;
    b.next = undefined;
    b.prev = this.tail;
    if (this.tail) this.tail.next = b; else this.head = b;
    this.tail = b;
    this.size++;
    // Behind the known run: it stays as it is, unless b is the whole list.
    if (this.size === 1) this.restartRun();
  }
  remove(b: Buddy): void {
    const h = this.head;
    if (b.prev) b.prev.next = b.next; else this.head = b.next;
    if (b.next) b.next.prev = b.prev; else this.tail = b.prev;
    b.prev = b.next = b.list = undefined;
    this.size--;
    this.cutRun(h, b, 1);
  }
  /**
   * Remove `count` buddies that follow each other on this list, `first` to `last`, in one step
   * (the bulk path takes a big guest's 1 GiB buddies this way: remove() for each cost a store
   * into each neighbour). The removed records are left as they were: they are not free any more
   * and no caller keeps them.
   */
  removeRun(first: Buddy, last: Buddy, count: number): void {
    const h = this.head;
    const before = first.prev;
    const after = last.next;
    if (before) before.next = after; else this.head = after;
    if (after) after.prev = before; else this.tail = before;
    first.prev = last.next = undefined;
    this.size -= count;
    this.cutRun(h, first, count);
  }
  /** The run after `count` buddies from `first` on left a list whose head was `h`. */
  private cutRun(h: Buddy | undefined, first: Buddy, count: number): void {
    if (first === h) {
      if (this.run > count) this.run -= count; else this.restartRun();
      return;
    }
    // From inside the run (free buddies are disjoint, so an MFN within the run's span is one of
    // its buddies): the run now ends above it.
    if (h === undefined || this.run < 2 || first.mfn > h.mfn) return;
    const size = pow2(first.order);
    const j = (h.mfn - first.mfn) / size;
    if (j < this.run) this.run = j;
  }
  private restartRun(): void {
    this.run = this.head !== undefined && this.head.firstDirty === INVALID_DIRTY_IDX ? 1 : 0;
  }
}

/** Per-node heap state (`_heap[node]`, `avail[node]`). */
export interface NodeHeap {
  /** Lists indexed by zone * (MAX_ORDER + 1) + order, created on first use. */
  lists: (FreeList | undefined)[];
  /** `avail[node][zone]`. */
  avail: number[];
  /** `node_avail_pages[node]`. */
  availPages: number;
  /** `node_need_scrub[node]`: free pages still marked dirty (upper bound per buddy, see freeHeapPages). */
  needScrub: number;
  /** Present RAM pages of the node (boot). */
  present: number;
  /** Present pages never given to the allocator (MFN 0, `init_node_heap()`'s metadata). */
  reserved: number;
}

/** Boot-time state of page_alloc.c's heap initialisation (Heap's constructor only). */
interface BootState {
  /** `cpu_to_node(0)`: where a d == NULL allocation at boot starts. */
  cpu0Node: number;
  /** `avail[node] != NULL`. */
  initialised: boolean[];
  /** `first_node_initialised`. */
  firstNodeInitialised: boolean;
  /** `xenheap_bits` (0: no limit). */
  xenheapBits: number;
}

/**
 * `init_node_heap()` for the first run [s, s + nr) fed to a node (xen/common/page_alloc.c, the
 * same at RELEASE-4.18.0 … staging), with `use_tail` as `_init_heap_pages()` computes it: the
 * first node initialised has static metadata (0 pages); any other takes NODE_HEAP_META_PAGES
 * pages from the run's tail when `use_tail` (s is MAX_ORDER-aligned and `ffsl(e) <= ffsl(s)`: the
 * tail is the less aligned end) and they are in the direct map and below `xenheap_bits`, else from
 * its head under the same conditions. Otherwise (`xenheap`) Xen allocates the metadata with
 * `alloc_xenheap_pages(get_order_from_pages(needed))` (its `xmalloc()` branch needs the two orders
 * to differ, and both are 2) and the run keeps all its pages.
 */
function initNodeHeap(s: number, nr: number, boot: BootState): { needed: number; useTail: boolean; xenheap: boolean } {
  if (!boot.firstNodeInitialised) {
    boot.firstNodeInitialised = true;
    return { needed: 0, useTail: false, xenheap: false };
  }
  const needed = NODE_HEAP_META_PAGES;
  const e = s + nr;
  const below = (end: number): boolean => end <= DIRECTMAP_END_MFN && (boot.xenheapBits === 0 || end <= pow2(boot.xenheapBits - 12));
  const useTail = s % TOP_SIZE === 0 && ffsl(e) <= ffsl(s);
  if (useTail && nr >= needed && below(e)) return { needed, useTail: true, xenheap: false };
  if (nr >= needed && below(s + needed)) return { needed, useTail: false, xenheap: false };
  return { needed: 0, useTail, xenheap: true };
}

/** A block handed out by the allocator. */
export interface Block {
  mfn: number;
  order: number;
  node: number;
  /** Whether the block contained unscrubbed pages when it was taken. */
  dirty: boolean;
}

export class Heap {
  /** undefined for nodes without memory (`avail[node]` NULL). */
  readonly nodes: (NodeHeap | undefined)[];
  /** `node_online_map`: nodes with memory or CPUs, ascending. */
  readonly online: number[];
  totalAvail = 0;
  /**
   * Highest zone pages were ever freed into (only free_heap_pages adds to `avail`): every zone
   * above has avail 0 on every node, so zone scans start here rather than at the top zone (the
   * MFNs of a 12 TiB host stop at zone 32; the scans run from zone 40 once per populate).
   */
  topZone = 0;
  /**
   * Free buddies by head MFN: the merge lookup (`mfn_valid && page_state_is(free) && PFN_ORDER`),
   * in two parts. Buddies below MAX_ORDER are in a Map; MAX_ORDER ones (most of a host's free
   * memory, never merged further) in an array by MFN >> MAX_ORDER, whose stores cost a fraction of
   * a Map's deletes: a 4 TiB guest takes 4096 of them (issue 19). Read through find(), kept by
   * remember() and forget(); a buddy moves between the parts when its record is reused at
   * another order.
   */
  private readonly below = new Map<number, Buddy>();
  private readonly top: (Buddy | undefined)[] = [];
  private topCount = 0;

  /** The free buddy of `order` whose head is `mfn`, if there is one. Internal (also bulk-heap.ts). */
  find(mfn: number, order: number): Buddy | undefined {
    const b = order === MAX_ORDER ? this.top[mfn / TOP_SIZE] : this.below.get(mfn);
    return b !== undefined && b.order === order ? b : undefined;
  }

  /** Put `b` in the lookup under its MFN and order. */
  private remember(b: Buddy): void {
    if (b.order !== MAX_ORDER) { this.below.set(b.mfn, b); return; }
    const i = b.mfn / TOP_SIZE;
    if (this.top[i] === undefined) this.topCount++;
    this.top[i] = b;
  }

  /** Take `b` out of the lookup (before its order changes). Internal (also bulk-heap.ts). */
  forget(b: Buddy): void {
    if (b.order !== MAX_ORDER) { this.below.delete(b.mfn); return; }
    const i = b.mfn / TOP_SIZE;
    if (this.top[i] === b) { this.top[i] = undefined; this.topCount--; }
  }

  /**
   * Take `count` buddies of one order out of the lookup whose heads lie `2^order` apart, from
   * `high` down (list neighbours removeRun() took off together). Internal (bulk-heap.ts).
   */
  forgetRun(high: Buddy, count: number): void {
    if (high.order !== MAX_ORDER) {
      for (let k = 0, mfn = high.mfn, size = pow2(high.order); k < count; k++, mfn -= size) this.below.delete(mfn);
      return;
    }
    const i = high.mfn / TOP_SIZE;
    this.top.fill(undefined, i - count + 1, i + 1);
    this.topCount -= count;
  }

  constructor(spec: HostSpec) {
    this.nodes = spec.nodes.map((n) => (n.ranges.length === 0 ? undefined : {
      lists: [], avail: new Array<number>(NR_ZONES).fill(0), availPages: 0, needScrub: 0, present: 0, reserved: 0,
    }));
    this.online = spec.nodes.filter((n) => n.ranges.length > 0 || n.cpus.length > 0).map((n) => n.id);
    // end_boot_allocator(): the first boot region on CPU0's node first, then all remaining
    // regions in reverse order (list order shapes which buddy a later allocation takes).
    const cpu0Node = spec.nodes.find((n) => n.cpus.includes(0))?.id ?? 0;
    const regions = spec.nodes.flatMap((n) => n.ranges.map((r) => ({ node: n.id, r })))
      .sort((a, b) => a.r.baseMfn - b.r.baseMfn);
    const firstIdx = regions.findIndex((x) => x.node === cpu0Node);
    const feed = firstIdx < 0 ? [] : regions.splice(firstIdx, 1);
    feed.push(...regions.reverse());
    // setup.c: a host reaching past the direct map gets xenheap_max_mfn(lo), lo the direct map's
    // last MFN (xenheap_bits 42).
    const maxPage = feed.reduce((m, x) => Math.max(m, x.r.baseMfn + x.r.pages), 0);
    const boot: BootState = {
      initialised: [], firstNodeInitialised: false, cpu0Node,
      xenheapBits: maxPage > DIRECTMAP_END_MFN ? Math.min(flsl(DIRECTMAP_END_MFN) - 1 + 12, 52) : 0,
    };
    for (const { node, r } of feed) {
      const nh = this.nodes[node];
      if (nh === undefined) continue;
      nh.present += r.pages;
      this.initHeapPages(r.baseMfn, r.pages, node, boot);
    }
    // The host starts booted and idle: bootscrub=idle has scrubbed all free memory.
  }

  /**
   * `init_node_heap()`'s `alloc_xenheap_pages(2, 0)` for `node`'s metadata at boot:
   * `alloc_domheap_pages(NULL, 2, MEMF_bits(xenheap_bits) | MEMF_no_scrub)`, so get_free_buddy()
   * from CPU 0's node over the online nodes, zones up to `xenheap_bits` (all without it); dma_bitsize
   * is still 0 during end_boot_allocator(). The block stays Xen's (reserved on its node).
   * `BUG_ON(!_heap[node])` when nothing initialised has an order-2 block: Xen cannot boot.
   */
  private bootXenheapAlloc(node: number, boot: BootState): void {
    const order = 2;
    const zoneHi = boot.xenheapBits === 0 ? NR_ZONES - 1 : bitsToZone(boot.xenheapBits);
    const f = { reqNode: NUMA_NO_NODE, exact: false, useUnscrubbed: true };
    const pg = this.getFreeBuddy(MEMZONE_XEN + 1, zoneHi, order, f, this.online, boot.cpu0Node, () => true);
    if (pg === undefined) {
      throw new UsageError(`host: Xen cannot boot it: no free order-${order} block for node ${node}'s heap metadata (init_node_heap(): BUG_ON(!_heap[node]))`, {}, "E_SIM_HOST");
    }
    const b = this.take(pg, order);
    const owner = this.nodes[b.node];
    if (owner !== undefined) owner.reserved += pow2(order);
  }

  /**
   * `init_heap_pages()` / `_init_heap_pages()`: MFN 0 is kept out of the allocator (a buddy holding
   * it could merge across zones); the first run fed to a node gives up its heap metadata
   * (`initNodeHeap`); the rest is fed as maximal aligned power-of-two chunks.
   */
  private initHeapPages(start: number, pages: number, node: number, boot: BootState): void {
    let s = start;
    let e = start + pages;
    const nh = this.nodes[node];
    if (s === 0) {
      s = 1;
      if (nh !== undefined) nh.reserved += 1;
    }
    if (s < e && nh !== undefined && boot.initialised[node] !== true) {
      // `if ( unlikely(!avail[nid]) )` in _init_heap_pages().
      boot.initialised[node] = true;
      const { needed, useTail, xenheap } = initNodeHeap(s, e - s, boot);
      if (xenheap) this.bootXenheapAlloc(node, boot);
      nh.reserved += needed;
      if (useTail) e -= needed; else s += needed;
    }
    while (s < e) {
      let inc = Math.min(MAX_ORDER, flsl(e - s) - 1);
      if (s !== 0) inc = Math.min(inc, ffsl(s) - 1);
      this.freeHeapPages(s, inc, node, false);
      s += pow2(inc);
    }
  }

  private list(nh: NodeHeap, zone: number, order: number): FreeList {
    const k = zone * (MAX_ORDER + 1) + order;
    let l = nh.lists[k];
    if (l === undefined) { l = new FreeList(); nh.lists[k] = l; }
    return l;
  }

  /** `page_list_add_scrub()`: dirty buddies go to the tail, clean ones to the head. Internal (also bulk-heap.ts). */
  addScrub(b: Buddy, nh: NodeHeap): void {
    this.listAddScrub(b, nh);
    this.remember(b);
  }

  /** The list half of page_list_add_scrub(): dirty to the tail, clean to the head. */
  private listAddScrub(b: Buddy, nh: NodeHeap): void {
    const l = this.list(nh, b.zone, b.order);
    if (b.firstDirty !== INVALID_DIRTY_IDX) l.addTail(b); else l.addHead(b);
  }

  /**
   * Put a buddy taken off its list to be split back on a list, its record reused for the lower
   * remainder at `order`: it keeps its place in the merge lookup under its MFN unless it leaves
   * the MAX_ORDER part. Internal (also bulk-heap.ts).
   */
  relist(b: Buddy, order: number, nh: NodeHeap): void {
    if (b.order === MAX_ORDER && order !== MAX_ORDER) { this.forget(b); b.order = order; this.remember(b); }
    else b.order = order;
    this.listAddScrub(b, nh);
  }

  /** Take a buddy off its list and the merge lookup. Internal (also bulk-heap.ts). */
  unlink(b: Buddy): void {
    b.list?.remove(b);
    this.forget(b);
  }

  /** Free pages of a node (`node_avail_pages`); 0 for memory-less nodes. */
  nodeAvail(node: number): number {
    return this.nodes[node]?.availPages ?? 0;
  }

  /**
   * One scan of `get_free_buddy()` over the node order Xen uses (see there). `nodemask` is
   * `node_online_map ∩ d->node_affinity` (or online for d == NULL); `start` the first node.
   * `nodeOk(node)` is a claim variant's per-node check (XS-v4 `node_allocatable_request`,
   * claim sets' usable-memory check); nodes failing it are skipped like empty ones.
   */
  getFreeBuddy(
    zoneLo: number, zoneHi: number, order: number,
    f: { reqNode: number; exact: boolean; useUnscrubbed: boolean },
    nodemask: readonly number[], start: number, nodeOk: (node: number) => boolean,
  ): Buddy | undefined {
    const request = pow2(order);
    let mask: readonly number[] = nodemask;
    let node = start;
    let first = node;
    let retry = false;
    for (;;) {
      const nh = this.nodes[node];
      if (nh !== undefined && nodeOk(node)) {
        for (let zone = Math.min(zoneHi, this.topZone); zone >= zoneLo; zone--) {
          if ((nh.avail[zone] ?? 0) < request) continue;
          // Smallest order that can satisfy the request.
          for (let j = order; j <= MAX_ORDER; j++) {
            const l = nh.lists[zone * (MAX_ORDER + 1) + j];
            const pg = l?.head;
            if (l === undefined || pg === undefined) continue;
            if (pg.firstDirty === INVALID_DIRTY_IDX) return pg;
            // Single dirty pages are taken anyway (scrubbing one page is quick); larger dirty
            // buddies only in the MEMF_no_scrub pass. Rejected ones rotate to the tail.
            if (order === 0 || f.useUnscrubbed) return pg;
            l.remove(pg);
            l.addTail(pg);
          }
        }
      }
      if (f.exact && f.reqNode !== NUMA_NO_NODE) return undefined;
      // Pick next node.
      if (!mask.includes(node)) {
        // The very first node may be caller-specified and outside the nodemask.
        const fn = mask[0];
        if (fn !== undefined) { first = node = fn; continue; }
      } else {
        node = mask.find((n) => n > node) ?? mask[0] ?? node;
      }
      if (node === first) {
        // All of nodemask tried: fall back to the other online nodes (not for exact requests).
        if (f.exact || retry) return undefined;
        retry = true;
        mask = this.online.filter((n) => !mask.includes(n));
        const fn = mask[0];
        if (fn === undefined) return undefined;
        first = node = fn;
      }
    }
  }

  /**
   * Take `pg` off the free lists and split it down to `order` (alloc_heap_pages step 5): each
   * halving returns the LOWER half to the free lists and keeps the upper one (`pg += 1 << order`),
   * so the caller gets the highest-addressed 2^order block of the buddy.
   */
  take(pg: Buddy, order: number): Block {
    const nh = this.nodes[pg.node];
    if (nh === undefined) throw new Error("heap: buddy on a node without heap");
    // Off its list; it leaves the merge lookup only if no lower half reuses its record (below).
    pg.list?.remove(pg);
    if (pg.order === order) this.forget(pg);
    const node = pg.node;
    const zone = pg.zone;
    let mfn = pg.mfn;
    let buddyOrder = pg.order;
    let firstDirty = pg.firstDirty;
    while (buddyOrder !== order) {
      buddyOrder--;
      const half = pow2(buddyOrder);
      const lowDirty = firstDirty !== INVALID_DIRTY_IDX && half > firstDirty ? firstDirty : INVALID_DIRTY_IDX;
      // The first lower half starts at pg's MFN: pg's record (off every list now) is reused for it.
      let low: Buddy;
      if (mfn === pg.mfn) { low = pg; low.firstDirty = lowDirty; this.relist(low, buddyOrder, nh); }
      else { low = { mfn, order: buddyOrder, node, zone, firstDirty: lowDirty, prev: undefined, next: undefined, list: undefined }; this.addScrub(low, nh); }
      mfn += half;
      if (firstDirty !== INVALID_DIRTY_IDX) firstDirty = firstDirty >= half ? firstDirty - half : 0;
    }
    const request = pow2(order);
    nh.avail[zone] = (nh.avail[zone] ?? 0) - request;
    nh.availPages -= request;
    this.totalAvail -= request;
    const dirty = firstDirty !== INVALID_DIRTY_IDX;
    if (dirty) nh.needScrub = Math.max(0, nh.needScrub - (request - firstDirty));
    return { mfn, order, node, dirty };
  }

  /**
   * `free_heap_pages(pg, order, need_scrub)`: counters up, then merge with the predecessor or
   * successor buddy while it is free, of exactly this order and on the same node; the merged
   * buddy is dirty if either part was.
   */
  freeHeapPages(mfn: number, order: number, node: number, needScrub: boolean): void {
    const nh = this.nodes[node];
    if (nh === undefined) throw new Error(`heap: free on node ${node} without memory`);
    const zone = mfnZone(mfn);
    const n = pow2(order);
    if (zone > this.topZone) this.topZone = zone;
    nh.avail[zone] = (nh.avail[zone] ?? 0) + n;
    nh.availPages += n;
    this.totalAvail += n;
    let firstDirty = INVALID_DIRTY_IDX;
    if (needScrub) { nh.needScrub += n; firstDirty = 0; }
    let head = mfn;
    let o = order;
    while (o < MAX_ORDER) {
      const mask = pow2(o);
      if (bitSet(head, o)) {
        const pred = this.find(head - mask, o);
        if (pred === undefined || pred.node !== node) break;
        this.unlink(pred);
        if (pred.firstDirty === INVALID_DIRTY_IDX && firstDirty !== INVALID_DIRTY_IDX) firstDirty = mask + firstDirty;
        else firstDirty = pred.firstDirty;
        head -= mask;
      } else {
        const succ = this.find(head + mask, o);
        if (succ === undefined || succ.node !== node) break;
        if (firstDirty === INVALID_DIRTY_IDX && succ.firstDirty !== INVALID_DIRTY_IDX) firstDirty = mask + succ.firstDirty;
        this.unlink(succ);
      }
      o++;
    }
    this.addScrub({ mfn: head, order: o, node, zone, firstDirty, prev: undefined, next: undefined, list: undefined }, nh);
    // mark_page_free() saw pages marked "offlining" while in use: now they leave the heap.
    for (const p of this.pendingIn(mfn, n)) { this.pending.delete(p); this.reserveOfflinedPage(p, node); }
  }

  /**
   * Pending pages in [mfn, mfn + n), in the order they were marked. Cost min(n, pending) (plus
   * sorting the hits): a scenario may mark thousands of pages and then free millions of extents.
   */
  private pendingIn(mfn: number, n: number): number[] {
    if (this.pending.size === 0) return [];
    if (n >= this.pending.size) return [...this.pending.keys()].filter((p) => p >= mfn && p < mfn + n);
    const hits: number[] = [];
    for (let p = mfn; p < mfn + n; p++) if (this.pending.has(p)) hits.push(p);
    // Several in one block: keep the marking order, as a scan over `pending` would (without one).
    const mark = (p: number): number => this.pending.get(p) ?? 0;
    return hits.length > 1 ? hits.sort((a, b) => mark(a) - mark(b)) : hits;
  }

  /** Offlined pages (XEN_SYSCTL_page_offline_op), and in-use pages waiting to be offlined when freed. */
  readonly offlined = new Map<number, number>();
  /** Pending page → when it was marked (a sequence number): pages leave the heap in marking order. */
  readonly pending = new Map<number, number>();
  private marks = 0;
  /** Called after a page left the free counters by offlining (claim sets repair their invariants here). */
  onOfflined: (node: number) => void = () => undefined;

  /** The free buddy containing mfn, if the page is free. */
  private freeBuddyOf(mfn: number): Buddy | undefined {
    for (let o = 0; o <= MAX_ORDER; o++) {
      const b = this.find(alignDown(mfn, o), o);
      if (b !== undefined) return b;
    }
    return undefined;
  }

  /**
   * `offline_page()`: a free page is taken out of its buddy at once (`reserve_offlined_page`:
   * the rest of the buddy goes back as aligned pieces, without merging beyond it; counters −1, claims
   * untouched); a page in use is marked and offlined when freed ("pending").
   */
  offlinePage(mfn: number, node: number): "offlined" | "pending" {
    if (this.offlined.has(mfn)) return "offlined";
    if (this.freeBuddyOf(mfn) === undefined) { if (!this.pending.has(mfn)) this.pending.set(mfn, this.marks++); return "pending"; }
    this.reserveOfflinedPage(mfn, node);
    return "offlined";
  }

  /** `online_page()`: an offlined page returns to the heap (clean); a pending one is simply unmarked. */
  onlinePage(mfn: number): boolean {
    if (this.pending.delete(mfn)) return true;
    const node = this.offlined.get(mfn);
    if (node === undefined) return false;
    this.offlined.delete(mfn);
    this.freeHeapPages(mfn, 0, node, false);
    return true;
  }

  private reserveOfflinedPage(mfn: number, node: number): void {
    const b = this.freeBuddyOf(mfn);
    const nh = this.nodes[node];
    if (b === undefined || nh === undefined) return;
    this.unlink(b);
    const end = b.mfn + pow2(b.order);
    const dirtyFrom = b.firstDirty === INVALID_DIRTY_IDX ? Infinity : b.mfn + b.firstDirty;
    const pieces = (s: number, e: number): void => {
      for (let at = s; at < e;) {
        let o = Math.min(flsl(e - at) - 1, at === 0 ? MAX_ORDER : ffsl(at) - 1);
        o = Math.min(o, MAX_ORDER);
        const size = pow2(o);
        const fd = dirtyFrom < at + size ? Math.max(0, dirtyFrom - at) : INVALID_DIRTY_IDX;
        this.addScrub({ mfn: at, order: o, node, zone: b.zone, firstDirty: fd, prev: undefined, next: undefined, list: undefined }, nh);
        at += size;
      }
    };
    pieces(b.mfn, mfn);
    pieces(mfn + 1, end);
    nh.avail[b.zone] = (nh.avail[b.zone] ?? 0) - 1;
    nh.availPages -= 1;
    this.totalAvail -= 1;
    this.offlined.set(mfn, node);
    this.onOfflined(node);
  }

  /** Offlined pages of a node. */
  offlinedOn(node: number): number {
    let n = 0;
    for (const v of this.offlined.values()) if (v === node) n++;
    return n;
  }

  /**
   * Idle-CPU scrubbing (`scrub_free_pages()`), run to completion: every dirty free buddy (of `node`,
   * or all nodes) becomes clean and moves to the head of its list.
   */
  scrub(node?: number): number {
    let pages = 0;
    this.nodes.forEach((nh, id) => {
      if (nh === undefined || (node !== undefined && id !== node)) return;
      for (const l of nh.lists) {
        if (l === undefined) continue;
        // Unscrubbed buddies are always at the end of the list.
        while (l.tail !== undefined && l.tail.firstDirty !== INVALID_DIRTY_IDX) {
          const b = l.tail;
          l.remove(b);
          pages += pow2(b.order) - b.firstDirty;
          b.firstDirty = INVALID_DIRTY_IDX;
          l.addHead(b);
        }
      }
      nh.needScrub = 0;
    });
    return pages;
  }

  /** Every free buddy (for invariant checks and tests). */
  *buddies(): Generator<Buddy> {
    yield* this.below.values();
    for (const b of this.top) if (b !== undefined) yield b;
  }

  /** Number of free buddies (the heap's memory footprint is proportional to this). */
  get buddyCount(): number {
    return this.below.size + this.topCount;
  }
}
