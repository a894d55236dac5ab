/**
 * The heap side of the bulk path (bulk-alloc.ts): what the next calls of one order would take
 * from a node (`nextRun`), and taking `count` blocks of it at once (`consumeRun`) with exactly
 * the result of `count` Heap.take() calls. These serve only the bulk path, so they live beside
 * it rather than in the allocator's Heap class (they use Heap's internal list operations).
 */
import { bitSet, pow2 } from "./bits.js";
import { INVALID_DIRTY_IDX, MAX_ORDER, type Buddy, type Heap, type NodeHeap } from "./heap.js";

/**
 * A free region the next allocations of one order consume from the top (nextRun): free buddies
 * covering [base, top), all clean or all dirty from their first page, in stretches of list
 * neighbours. Stretch k is `firsts[k]`, the head of its list, and the `counts[k] − 1` buddies
 * after it on that list, each directly below the one before; each stretch lies directly below
 * the one before, and the first's first buddy is the smallest, at the top. `npieces` buddies in
 * all. A caller may pass one to nextRun to be filled again (the bulk path does, once per populate).
 */
export interface HeapRun {
  node: number;
  zone: number;
  firsts: Buddy[];
  counts: number[];
  nstretches: number;
  npieces: number;
  base: number;
  top: number;
  dirty: boolean;
}

/** A HeapRun to be filled by nextRun. */
export function emptyRun(): HeapRun {
  return { node: 0, zone: 0, firsts: [], counts: [], nstretches: 0, npieces: 0, base: 0, top: 0, dirty: false };
}

/** Whether some node has `request` free pages in one zone of [zoneLo, zoneHi] (else get_free_buddy looks at no list). */
export function anyAvail(heap: Heap, zoneLo: number, zoneHi: number, request: number): boolean {
  for (const nh of heap.nodes) {
    if (nh === undefined) continue;
    for (let z = Math.min(zoneHi, heap.topZone); z >= zoneLo; z--) if ((nh.avail[z] ?? 0) >= request) return true;
  }
  return false;
}

/**
 * What the next `alloc_heap_pages(order)` calls would take from `node` in zones
 * [zoneLo, zoneHi], without taking it (for the bulk path, bulk-alloc.ts). `takeDirty` is whether
 * this pass takes a dirty head (order 0 or MEMF_no_scrub, see getFreeBuddy).
 *  - "fail": no list of order >= `order` holds a buddy in a zone get_free_buddy would look at;
 *    the node is skipped and scanning it changes nothing.
 *  - "unknown": the first buddy found is one the bulk path does not model (a dirty head this pass
 *    rotates to the tail, or a partly dirty buddy whose split pieces differ in cleanliness).
 *  - a HeapRun: a uniformly clean (or dirty-from-page-0) region [base, top) that the next calls
 *    consume from the top, one 2^order block per call; see consumeRun.
 * `need`: the pages the caller can use at most; the region is not extended below top − need
 * (a region of at least `need` pages answers the caller as its full extent would, and the
 * extension walks free lists per piece: without the bound a populate of 4 extents would pay for
 * the whole remainder of a 1 GiB buddy every call).
 */
export function nextRun(heap: Heap, node: number, zoneLo: number, zoneHi: number, order: number, takeDirty: boolean, need = Infinity, out?: HeapRun): HeapRun | "fail" | "unknown" {
  const nh = heap.nodes[node];
  if (nh === undefined) return "fail";
  const request = pow2(order);
  for (let zone = Math.min(zoneHi, heap.topZone); zone >= zoneLo; zone--) {
    if ((nh.avail[zone] ?? 0) < request) continue;
    for (let j = order; j <= MAX_ORDER; j++) {
      const pg = nh.lists[zone * (MAX_ORDER + 1) + j]?.head;
      if (pg === undefined) continue;
      const dirty = pg.firstDirty !== INVALID_DIRTY_IDX;
      if ((dirty && !takeDirty) || (dirty && pg.firstDirty !== 0)) return "unknown";
      return extendRun(heap, nh, pg, dirty, need, out ?? emptyRun());
    }
  }
  return "fail";
}

/**
 * The smallest-order buddy `top` found first is split from its top (Heap.take() keeps the upper
 * half), so after it is used up the lists of orders below its order are empty again, and the
 * next call takes the head of the smallest list left. While its own list holds more, that is its
 * successor there (a fresh zone's list of 1 GiB buddies runs downwards from its head, so a big
 * guest takes them one after another); when it was the last, the next larger buddy. When that
 * buddy lies directly below (the remains of an earlier split do: larger pieces lie lower), at the
 * head of its list and equally clean, the region continues through it. Each piece reached is
 * its list's head by the time the calls get to it: the pieces above it are gone by then.
 *
 * A clean stretch jumps over its list's known run (FreeList.run) to the buddy where it ends
 * (found by MFN in the merge lookup), so that the cost of a region grows with its stretches, not
 * with its buddies; past the run it goes on buddy by buddy.
 */
function extendRun(heap: Heap, nh: NodeHeap, top: Buddy, dirty: boolean, need: number, run: HeapRun): HeapRun {
  const end = top.mfn + pow2(top.order);
  let nst = 0;
  let npieces = 0;
  let first = top;
  let cur: Buddy;
  for (;;) {
    const size = pow2(first.order);
    // Buddies of this stretch the calls can use: until the region reaches down to end − need.
    const want = Math.max(1, Math.ceil((need - (end - first.mfn)) / size) + 1);
    let count = 1;
    cur = first;
    const l = first.list;
    if (!dirty && l !== undefined && l.head === first && l.run > 1 && want > 1) {
      const k = Math.min(l.run, want);
      const b = heap.find(first.mfn - (k - 1) * size, first.order);
      if (b === undefined) throw new Error(`heap: free list run of ${l.run} from MFN ${first.mfn} broken`);
      cur = b;
      count = k;
    }
    let stop = false;
    for (; count < want; count++) {
      const succ = cur.next;
      if (succ === undefined) break;
      if (succ.mfn !== cur.mfn - size || !sameClean(succ, dirty)) { stop = true; break; }
      cur = succ;
    }
    run.firsts[nst] = first;
    run.counts[nst++] = count;
    npieces += count;
    if (stop || count >= want) break;
    // cur is the last of its list: the next larger buddy directly below, at the head of its list.
    let next: Buddy | undefined;
    for (let o = cur.order + 1; o <= MAX_ORDER && next === undefined; o++) {
      const ol = nh.lists[cur.zone * (MAX_ORDER + 1) + o];
      if (ol?.head === undefined) continue;
      const cand = heap.find(cur.mfn - pow2(o), o);
      if (cand === undefined || ol.head !== cand || cand.node !== cur.node || cand.zone !== cur.zone || !sameClean(cand, dirty)) break;
      next = cand;
    }
    if (next === undefined) break;
    first = next;
  }
  run.node = top.node;
  run.zone = top.zone;
  run.nstretches = nst;
  run.npieces = npieces;
  run.base = cur.mfn;
  run.top = end;
  run.dirty = dirty;
  return run;
}

/** Whether buddy `b` is as clean as the region: wholly clean, or (a dirty region) dirty from its first page. */
function sameClean(b: Buddy, dirty: boolean): boolean {
  return (b.firstDirty !== INVALID_DIRTY_IDX) === dirty && (!dirty || b.firstDirty === 0);
}

/**
 * Take `count` blocks of 2^order from the top of `run`, with exactly the result of `count`
 * Heap.take() calls: each call splits the smallest remaining piece and keeps its top block, so the
 * region shrinks from the top and what is left of a piece [p, newTop) lies on the free lists as
 * its binary decomposition, larger pieces lower (each alone on its list: the orders below the
 * piece were empty). Counters move by the total. Returns the lowest MFN taken.
 */
export function consumeRun(heap: Heap, run: HeapRun, order: number, count: number): number {
  const nh = heap.nodes[run.node];
  if (nh === undefined) throw new Error("heap: run on a node without heap");
  const size = count * pow2(order);
  const newTop = run.top - size;
  if (newTop < run.base) throw new Error("heap: run overconsumed");
  const firstDirty = run.dirty ? 0 : INVALID_DIRTY_IDX;
  // Stretch by stretch from the top: the buddies wholly taken (heads at or above newTop) leave
  // their list and the lookup in one step (a big guest's 1 GiB buddies are one stretch: one step
  // instead of one per buddy is what keeps a doubled guest's build from costing twice as much,
  // issue 19); then the buddy newTop falls in, if any, is split.
  for (let k = 0; k < run.nstretches; k++) {
    const first = run.firsts[k] as Buddy;
    const count = run.counts[k] ?? 0;
    const bsize = pow2(first.order);
    if (first.mfn + bsize <= newTop) break;
    const whole = first.mfn >= newTop ? Math.min(count, Math.floor((first.mfn - newTop) / bsize) + 1) : 0;
    if (whole > 0) {
      const last = whole === 1 ? first : heap.find(first.mfn - (whole - 1) * bsize, first.order);
      if (last === undefined) throw new Error(`heap: stretch of ${count} from MFN ${first.mfn} broken`);
      first.list?.removeRun(first, last, whole);
      heap.forgetRun(first, whole);
    }
    if (whole === count) continue;
    const p = whole === 0 ? first : heap.find(first.mfn - whole * bsize, first.order);
    if (p === undefined) throw new Error(`heap: stretch of ${count} from MFN ${first.mfn} broken`);
    const pm = p.mfn;
    if (pm + bsize > newTop) {
      // The lowest remainder starts where the buddy did: its record is reused (same MFN, same
      // result; it stays in the merge lookup), so splitting allocates nothing and leaves the
      // lookup alone in the common case.
      p.list?.remove(p);
      let at = pm;
      for (let o = p.order - 1; at < newTop; o--) {
        if (!bitSet(newTop - pm, o)) continue;
        if (at === pm) { p.firstDirty = firstDirty; heap.relist(p, o, nh); }
        else heap.addScrub({ mfn: at, order: o, node: run.node, zone: run.zone, firstDirty, prev: undefined, next: undefined, list: undefined }, nh);
        at += pow2(o);
      }
    }
    break;
  }
  nh.avail[run.zone] = (nh.avail[run.zone] ?? 0) - size;
  nh.availPages -= size;
  heap.totalAvail -= size;
  // take() lowers need_scrub by each dirty block's size; max(0, ·) of successive
  // subtractions equals max(0, ·) of their sum.
  if (run.dirty) nh.needScrub = Math.max(0, nh.needScrub - size);
  return newTop;
}
