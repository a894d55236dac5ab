/**
 * The HAP paging pool and the host p2m's page tables (xen/arch/x86/mm/hap/hap.c,
 * xen/arch/x86/mm/p2m.c, xen/arch/x86/mm/p2m-ept.c at X c447b7308b), per domain:
 *
 *  - `hap_set_allocation(d, pages)`: the target counts p2m tables already in use, so the pool's
 *    own pages are set to `pages - p2m_pages` (0 if that is negative); growth is one
 *    `alloc_domheap_page(d, MEMF_no_owner)` per page onto the free list (node: the domain's node
 *    affinity, as every d != NULL allocation), shrinking frees free-list pages and fails with
 *    -ENOMEM when the free list runs dry first.
 *  - `hap_alloc()` takes the head of the free list: p2m tables (`hap_alloc_p2m_page`: total_pages--,
 *    p2m_pages++) and each vCPU's monitor table (`hap_make_monitor_table`, stays in total_pages).
 *    The free list is FIFO (`page_list_add_tail` on growth, `page_list_remove_head` in hap_alloc()
 *    and the shrink): kept as groups of runs in allocation order (Domain.poolFifo), so the pages
 *    taken are the oldest, alternating over nodes as round-robin growth placed them.
 *  - `hap_enable()` at domain creation: 256 pool pages, then `p2m_alloc_table()` takes one root
 *    table for the host p2m and one for each of MAX_NESTEDP2M (10) nested p2ms (p2m_init()
 *    creates them for every HVM domain); altp2m is off (`nr_altp2m` = 0).
 *  - Mapping a populated extent (`guest_physmap_add_page` → `p2m_set_entry` → `ept_set_entry`):
 *    the walk from the root allocates each missing table with `p2m_alloc_ptp()` from the pool;
 *    a failed allocation fails the set_entry (-ENOMEM) and populate_physmap() stops there with
 *    the extent allocated and assigned (in tot_pages) but not mapped and not counted as done.
 *    EPT tables are not freed when entries are removed, only at teardown.
 * Cost is per run of table indices, never per page.
 */
import { pow2 } from "./bits.js";
import type { Domain } from "./domain.js";
import type { ExtentSet } from "./extent-set.js";
import type { NodeRun, PageAllocator } from "./page-alloc.js";
import type { RunSink } from "./bulk-alloc.js";

/** Pool pages `hap_enable()` allocates at domain creation. */
export const HAP_INITIAL_POOL_PAGES = 256;
/** MAX_NESTEDP2M (xen/arch/x86/include/asm/domain.h). */
export const MAX_NESTEDP2M = 10;
/** Root tables `hap_enable()` takes from the pool: host p2m + MAX_NESTEDP2M nested p2ms. */
export const HAP_ROOT_TABLES = 1 + MAX_NESTEDP2M;
/** PAGETABLE_ORDER: each EPT level resolves 9 GFN bits. */
const LEVEL_BITS = 9;
/** `ept->wl`: ept_p2m_init() sets 3 (4-level EPT) in every release (4.18 … staging). */
const EPT_WL = 3;
/**
 * First GFN EPT cannot map: ept_set_entry() returns -EINVAL when `gfn >> ((ept->wl + 1) * 9)` is
 * non-zero (2^36 pages, a 48-bit guest-physical address), before it walks or allocates anything.
 */
export const EPT_GFN_LIMIT = pow2((EPT_WL + 1) * LEVEL_BITS);
/** Page orders of EPT leaf entries (4 KiB, 2 MiB, 1 GiB; hap_has_1gb/hap_has_2mb assumed). */
const LEAF_ORDERS = [18, 9, 0] as const;

/** Calls j < t of a group with m runs that landed in run i: ceil((t − i) / m), at least 0. */
function callsOf(t: number, i: number, m: number): number {
  return Math.max(0, Math.ceil((t - i) / m));
}

/** A sink for pool growth: records the pages' free-list order in d.poolFifo. */
export function poolSink(d: Domain): RunSink {
  return (node, lo, hi, group) => {
    let g = d.poolFifo.at(-1);
    if (group || g === undefined) { g = { runs: [], size: 0, taken: 0 }; d.poolFifo.push(g); }
    g.runs.push({ node, lo, hi });
    g.size += hi - lo;
  };
}

/**
 * `page_list_remove_head()` `n` times on the pool's free list: the pages, as runs per node (cost
 * per group and run, not per page). The caller moves them out of d.pool.
 */
export function fifoTake(d: Domain, n: number): NodeRun[] {
  const out: NodeRun[] = [];
  let left = n;
  while (left > 0) {
    const g = d.poolFifo[0];
    if (g === undefined) break;
    const t = Math.min(left, g.size - g.taken);
    const m = g.runs.length;
    for (let i = 0; i < m; i++) {
      const r = g.runs[i] as NodeRun;
      // Run i hands out its pages from the top: its first c calls took [hi − c, hi).
      const before = callsOf(g.taken, i, m);
      const after = callsOf(g.taken + t, i, m);
      if (after > before) out.push({ node: r.node, lo: r.hi - after, hi: r.hi - before });
    }
    g.taken += t;
    left -= t;
    if (g.taken === g.size) d.poolFifo.shift();
  }
  return out;
}

/**
 * hap_alloc() `n` times: the oldest free pool pages move to the used set. Returns how many were
 * taken (fewer when the free list runs dry). `p2m`: the pages become p2m tables.
 */
export function hapAlloc(d: Domain, n: number, p2m: boolean): number {
  // Most populate calls need no new table: nothing to take.
  if (n <= 0) return 0;
  let taken = 0;
  for (const r of fifoTake(d, Math.min(n, d.paging.free))) {
    d.pool[r.node]?.remove(r.lo, r.hi - r.lo);
    d.poolUsed[r.node]?.add(r.lo, r.hi - r.lo);
    taken += r.hi - r.lo;
  }
  d.paging.free -= taken;
  if (p2m) {
    d.paging.total -= taken;
    d.paging.p2m += taken;
  }
  return taken;
}

/** The pool's growth path: allocate `n` pages onto the free list; returns how many it got. */
export type PoolGrow = (d: Domain, n: number) => number;

/**
 * `hap_set_allocation(d, pages)`: 0 or -ENOMEM (as a negative number from the caller's errno).
 * `grow` allocates pool pages (alloc_domheap_page per page), `freePage` returns one run to the heap.
 */
export function hapSetAllocation(pa: PageAllocator, d: Domain, pages: number, grow: PoolGrow, enomem: number): number {
  const target = pages < d.paging.p2m ? 0 : pages - d.paging.p2m;
  if (d.paging.total < target) {
    const want = target - d.paging.total;
    const got = grow(d, want);
    d.paging.total += got;
    d.paging.free += got;
    return got === want ? 0 : -enomem;
  }
  const excess = d.paging.total - target;
  const n = Math.min(excess, d.paging.free);
  // Xen frees one page at a time from the free list's head (dirty: scrubbed on reuse).
  for (const r of fifoTake(d, n)) {
    d.pool[r.node]?.remove(r.lo, r.hi - r.lo);
    pa.freeRunDescending(r.lo, r.hi, r.node, true, 0);
  }
  d.paging.total -= n;
  d.paging.free -= n;
  return n === excess ? 0 : -enomem;
}

/** Mapping order of an extent of `order` at `gfn`: p2m_set_entry() splits by GFN alignment. */
function mapOrder(gfn: number, order: number): number {
  for (const o of LEAF_ORDERS) if (o <= order && gfn % pow2(o) === 0) return o;
  return 0;
}

/** Per mapping order 0..18: levels (0 = L1 … 2 = L3) whose tables a mapping walks through below the root. */
const LEVELS_FOR: readonly (readonly number[])[] = Array.from({ length: 19 }, (_, order) => levelsBelow(order));

function levelsBelow(order: number): number[] {
  return [2, 1, 0].filter((l) => order < (l + 1) * LEVEL_BITS);
}

/** Levels (0 = L1 … 2 = L3) whose tables a mapping of `order` walks through below the root. */
function levelsFor(order: number): readonly number[] {
  return LEVELS_FOR[order] ?? levelsBelow(order);
}

/** Whether table indices [a, b) of level l lie in the run the domain knows present (Domain.p2mKnown). */
function knownPresent(d: Domain, l: number, a: number, b: number): boolean {
  return a >= (d.p2mKnown[2 * l] as number) && b <= (d.p2mKnown[2 * l + 1] as number);
}

const runScratch: [number, number] = [0, 0];

/** Remember the run of level l's tables that holds index a (all of [a, b) was found present). */
function learnPresent(d: Domain, l: number, set: ExtentSet, a: number): void {
  if (!set.runAt(a, runScratch)) return;
  d.p2mKnown[2 * l] = runScratch[0];
  d.p2mKnown[2 * l + 1] = runScratch[1];
}

/** Tables missing for mapping GFNs [lo, hi) at `order`. */
function missingTables(d: Domain, lo: number, hi: number, order: number): number {
  if (hi <= lo) return 0;
  let n = 0;
  for (const l of levelsFor(order)) {
    const shift = (l + 1) * LEVEL_BITS;
    const a = Math.floor(lo / pow2(shift));
    const b = Math.floor((hi - 1) / pow2(shift)) + 1;
    if (knownPresent(d, l, a, b)) continue;
    const set = d.p2mTables[l];
    const present = set?.countIn(a, b) ?? 0;
    n += b - a - present;
    if (set !== undefined && present === b - a) learnPresent(d, l, set, a);
  }
  return n;
}

/** Record every table of [lo, hi) at `order` as present (their pages are already taken). */
function addTables(d: Domain, lo: number, hi: number, order: number): void {
  if (hi <= lo) return;
  for (const l of levelsFor(order)) {
    const shift = (l + 1) * LEVEL_BITS;
    // Add the gaps of [a, b) not yet in the set.
    d.p2mTables[l]?.fill(Math.floor(lo / pow2(shift)), Math.floor((hi - 1) / pow2(shift)) + 1);
  }
}

/** How many of `n` extents of `order` at GFNs gfn, gfn + 2^order, … lie wholly below EPT_GFN_LIMIT. */
export function eptAddressableExtents(gfn: number, order: number, n: number): number {
  return gfn >= EPT_GFN_LIMIT ? 0 : Math.min(n, Math.floor((EPT_GFN_LIMIT - gfn) / pow2(order)));
}

/** Tables missing for mapping `k` extents of `order` at GFNs gfn, gfn + 2^order, …. */
export function p2mTablesNeeded(d: Domain, gfn: number, order: number, k: number): number {
  return missingTables(d, gfn, gfn + k * pow2(order), mapOrder(gfn, order));
}

/**
 * The extents of a populate_physmap call at GFNs gfn, gfn + 2^order, … that the pool can map.
 * Returns `mappable`, how many of the first `n` extents get every table they need from the
 * pool's free pages (the next extent, if any, is the one whose mapping fails). `needAll`: the
 * tables all `n` extents need (p2mTablesNeeded), when the caller has it.
 */
export function p2mMappableExtents(d: Domain, gfn: number, order: number, n: number, needAll = p2mTablesNeeded(d, gfn, order, n)): number {
  const mo = mapOrder(gfn, order);
  const size = pow2(order);
  const budget = d.paging.free;
  if (needAll <= budget) return n;
  // Largest k with the first k extents' tables within the budget (monotone in k).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (missingTables(d, gfn, gfn + mid * size, mo) <= budget) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * Map `k` extents (their tables fit, see p2mMappableExtents), then, if `failing`, the walk of the
 * next extent, which takes the pool's remaining free pages in walk order (per chunk, root first)
 * before the allocation that fails. Returns the tables taken. `need`: p2mTablesNeeded for the `k`
 * extents, when the caller has it. A failing extent that reaches EPT_GFN_LIMIT is walked only
 * below it: p2m_set_entry() sets its chunks one by one and goes on after a failed one, and
 * ept_set_entry() refuses a chunk at or above the limit before walking (-EINVAL), so the chunks
 * below are mapped (their tables taken) and the extent fails.
 */
export function p2mMapExtents(d: Domain, gfn: number, order: number, k: number, failing: boolean, need = p2mTablesNeeded(d, gfn, order, k)): number {
  // No table missing: every level already holds all of them (addTables would add nothing).
  if (need === 0 && !failing) return 0;
  const mo = mapOrder(gfn, order);
  const size = pow2(order);
  hapAlloc(d, need, true);
  addTables(d, gfn, gfn + k * size, mo);
  if (!failing) return need;
  // The failing extent: at most 512 L1 + 1 L2 + 1 L3 tables per extent (order ≤ 18), visited
  // in walk order until the free list is empty.
  const lo = gfn + k * size;
  const hi = Math.min(lo + size, EPT_GFN_LIMIT);
  let taken = 0;
  const levels = levelsFor(mo);
  const visit = (l: number, from: number, to: number): boolean => {
    const shift = (l + 1) * LEVEL_BITS;
    const set = d.p2mTables[l];
    if (set === undefined) return true;
    for (let i = Math.floor(from / pow2(shift)); i * pow2(shift) < to; i++) {
      if (!set.has(i, 1)) {
        if (hapAlloc(d, 1, true) === 0) return false;
        set.add(i, 1);
        taken++;
      }
      const below = levels.find((x) => x === l - 1);
      if (below !== undefined && !visit(below, Math.max(from, i * pow2(shift)), Math.min(to, (i + 1) * pow2(shift)))) return false;
    }
    return true;
  };
  const top = levels[0];
  if (top !== undefined) visit(top, lo, hi);
  return need + taken;
}
