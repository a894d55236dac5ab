/**
 * The heap side of the bulk path (bulk-alloc.ts): what the next calls of one order would take
 * from a node (`nextRun`), and taking `count` blocks of it at once (`consumeRun`) with exactly
 * the result of `count` Heap.take() calls. These serve only the bulk path, so they live beside
 * it rather than in the allocator's Heap class (they use Heap's internal list operations).
 */
import { bitSet, pow2 } from "./bits.js";
import { INVALID_DIRTY_IDX, MAX_ORDER, type Buddy, type Heap, type NodeHeap } from "./heap.js";

/**
 * A free region the next allocations of one order consume from the top (nextRun): free
 * buddies `pieces[0 .. npieces)` (the smallest, at the top, first; each larger one directly
 * below the previous) covering [base, top), all clean or all dirty from their first page.
 * A caller may pass one to nextRun to be filled again (the bulk path does, once per populate).
 */
export interface HeapRun {
  node: number;
  zone: number;
  pieces: Buddy[];
  npieces: number;
  base: number;
  top: number;
  dirty: boolean;
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
      return extendRun(heap, nh, pg, dirty, need, out ?? { node: 0, zone: 0, pieces: [], npieces: 0, base: 0, top: 0, dirty: false });
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
 */
function extendRun(heap: Heap, nh: NodeHeap, top: Buddy, dirty: boolean, need: number, run: HeapRun): HeapRun {
  const pieces = run.pieces;
  let n = 0;
  pieces[n++] = top;
  let cur = top;
  const end = top.mfn + pow2(top.order);
  while (end - cur.mfn < need) {
    let next: Buddy | undefined;
    const succ = cur.next;
    if (succ !== undefined) {
      if (succ.mfn === cur.mfn - pow2(cur.order) && sameClean(succ, dirty)) next = succ;
    } else {
      for (let o = cur.order + 1; o <= MAX_ORDER && next === undefined; o++) {
        const l = nh.lists[cur.zone * (MAX_ORDER + 1) + o];
        if (l?.head === undefined) continue;
        const cand = heap.find(cur.mfn - pow2(o), o);
        if (cand === undefined || l.head !== cand || cand.node !== cur.node || cand.zone !== cur.zone || !sameClean(cand, dirty)) break;
        next = cand;
      }
    }
    if (next === undefined) break;
    pieces[n++] = next;
    cur = next;
  }
  run.node = top.node;
  run.zone = top.zone;
  run.npieces = n;
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
  for (let i = 0; i < run.npieces; i++) {
    const p = run.pieces[i];
    if (p === undefined) break;
    const pm = p.mfn;
    const end = pm + pow2(p.order);
    if (end <= newTop) break;
    // Off its list. The lowest remainder starts where the piece did: its record is reused (same
    // MFN, same result; it stays in the merge lookup), so that splitting a buddy allocates nothing
    // and leaves the lookup alone in the common case.
    p.list?.remove(p);
    if (pm >= newTop) heap.forget(p);
    let at = pm;
    for (let o = p.order - 1; at < newTop; o--) {
      if (!bitSet(newTop - pm, o)) continue;
      if (at === pm) { p.firstDirty = firstDirty; heap.relist(p, o, nh); }
      else heap.addScrub({ mfn: at, order: o, node: run.node, zone: run.zone, firstDirty, prev: undefined, next: undefined, list: undefined }, nh);
      at += pow2(o);
    }
  }
  nh.avail[run.zone] = (nh.avail[run.zone] ?? 0) - size;
  nh.availPages -= size;
  heap.totalAvail -= size;
  // take() lowers need_scrub by each dirty block's size; max(0, ·) of successive
  // subtractions equals max(0, ·) of their sum.
  if (run.dirty) nh.needScrub = Math.max(0, nh.needScrub - size);
  return newTop;
}
