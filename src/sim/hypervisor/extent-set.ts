/**
 * A set of MFNs kept as sorted, coalesced [start, end) intervals. Domains record the memory they
 * own in these (one set per node), so bookkeeping grows with the number of discontiguous runs,
 * never with pages: 16 GiB populated as 8192 adjacent 2 MiB extents is one or a few intervals.
 *
 * Intervals live in blocks of at most 2·BLOCK sorted entries (a two-level B-tree), so that even a
 * badly fragmented set (every other 4 KiB page freed: half a million runs) updates in
 * O(log n + BLOCK) instead of shifting one huge array. A block is one flat array of
 * start, end, start, end, … (a domain holds dozens of sets, most with one interval: one array each
 * keeps them small). Lookups are binary searches in place (no position objects, no copies): they
 * run several times per hypercall.
 */
import { pow2 } from "./bits.js";

/** Split size in intervals: new runs mostly go in front of a block (memory is handed out top down), so blocks stay short. */
const BLOCK = 64;

/** start, end of interval i at [2i], [2i + 1]. */
type Block = number[];

/** The blocks of every empty set (never mutated: the first add replaces it). */
const NO_BLOCKS: Block[] = [];
/** Result of the last floor(): block index and array index (2 × interval) within it (fb = -1: none). Shared scratch, read right after the call. */
let fb = -1;
let fi = 0;

/**
 * The most runs a deferred set logs before it merges them: a log grows with calls, a set with
 * runs, so this bounds the log's memory (32 KiB a set).
 */
export const LOG_MAX = 2 * 1024;

/**
 * A deferred set's log is a Float64Array (MFNs pass 2^31 on big hosts: doubles either way) whose
 * store lies outside the JavaScript heap, so that the scavenger does not copy a thousand domains'
 * growing logs again at every collection. It grows fourfold when full, from 32 runs to 2·LOG_MAX
 * numbers: a store outside the heap costs a few microseconds to make, so few and large.
 */
const EMPTY_LOG = new Float64Array(0);

function grow(log: Float64Array): Float64Array {
  const out = new Float64Array(Math.min(2 * LOG_MAX, Math.max(64, 4 * log.length)));
  out.set(log);
  return out;
}

export class ExtentSet {
  private blocks: Block[] = NO_BLOCKS;
  private pages = 0;
  private count = 0;
  /**
   * A deferred set's adds not yet merged into the blocks, as start, n pairs (undefined: the set
   * merges at once). A domain's memory is such a set: with a thousand builds interleaved, each
   * populate_physmap adds a run below the domain's others, and merging it at once (a front insert
   * into the domain's blocks, which were cold since its previous call) was the largest single cost
   * of a 1000-VM start; the runs are read far less often than they are added (teardown,
   * decrease_reservation, the invariant checks), and merged then, in ascending order (appends).
   * `total` never waits for the merge.
   */
  private log: Float64Array | undefined;
  /** Numbers in use at the front of `log` (two per run). */
  private logLen = 0;

  /** `deferred`: adds are logged and merged when the set is next read (see `log`). */
  constructor(deferred = false) {
    if (deferred) this.log = EMPTY_LOG;
  }

  get total(): number { return this.pages; }
  get intervals(): number { this.settle(); return this.count; }
  /** Runs a deferred set has logged and not yet merged (0 for an immediate set). */
  get logged(): number { return this.logLen >> 1; }

  /**
   * Merge the logged adds (a deferred set, before any read). Sorted by start first: a domain's
   * runs come mostly top down, so the log is usually descending, read backwards. An overlap
   * throws here ("added twice"), later than an immediate add would.
   */
  private settle(): void {
    const log = this.log;
    if (log === undefined || this.logLen === 0) return;
    const m = this.logLen >> 1;
    // Emptied first: insert() may throw, and a second read must not merge the same runs again.
    this.logLen = 0;
    let descending = true;
    for (let k = 1; k < m && descending; k++) descending = (log[2 * k] as number) < (log[2 * k - 2] as number);
    if (descending) {
      for (let k = m - 1; k >= 0; k--) this.insert(log[2 * k] as number, log[2 * k + 1] as number);
      return;
    }
    const order = Array.from({ length: m }, (_, k) => k).sort((x, y) => (log[2 * x] as number) - (log[2 * y] as number));
    for (const k of order) this.insert(log[2 * k] as number, log[2 * k + 1] as number);
  }

  /** Sets (fb, fi) to the last interval whose start is <= mfn; fb = -1 when there is none. */
  private floor(mfn: number): void {
    const blocks = this.blocks;
    const last = blocks.length - 1;
    fi = 0;
    // The ends first: memory is handed out top down (a new run below every other one) and GFNs
    // bottom up (a new table after every other one); each touches one block, not log2(blocks).
    if (last < 0 || ((blocks[0] as Block)[0] as number) > mfn) { fb = -1; return; }
    let b = 0;
    if (((blocks[last] as Block)[0] as number) <= mfn) b = last;
    else {
      let lo = 1;
      let hi = last - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (((blocks[mid] as Block)[0] as number) <= mfn) { b = mid; lo = mid + 1; } else hi = mid - 1;
      }
    }
    fb = b;
    const blk = blocks[b] as Block;
    const n = blk.length >> 1;
    if ((blk[2 * n - 2] as number) <= mfn) { fi = 2 * n - 2; return; }
    let lo = 0;
    let hi = n - 2;
    let i = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((blk[2 * mid] as number) <= mfn) { i = mid; lo = mid + 1; } else hi = mid - 1;
    }
    fi = 2 * i;
  }

  /** Remove the interval at array index i of block b. */
  private del(b: number, i: number): void {
    const blk = this.blocks[b] as Block;
    // In place (splice would allocate the array of removed entries on every call).
    const n = blk.length - 2;
    for (let k = i; k < n; k++) blk[k] = blk[k + 2] as number;
    blk.pop();
    blk.pop();
    if (blk.length === 0) {
      if (this.blocks.length === 1) this.blocks = NO_BLOCKS; else this.blocks.splice(b, 1);
    }
    this.count--;
  }

  /** Insert a new interval at array index i of block b (b = 0, i = 0: the very beginning). */
  private insertAt(b: number, i: number, s: number, e: number): void {
    if (this.blocks.length === 0) { this.blocks = [[s, e]]; this.count++; return; }
    const blk = this.blocks[b] as Block;
    // In front of a block already past its split size (runs handed out top down, see BLOCK):
    // a new block, so that the front inserts that follow shift a short array, not a long one.
    if (i === 0 && blk.length >= 2 * BLOCK) { this.blocks.splice(b, 0, [s, e]); this.count++; return; }
    // Shifted in place (splice would allocate an empty array of removed entries on every call).
    const n = blk.length;
    blk.push(s, e);
    for (let k = n - 1; k >= i; k--) blk[k + 2] = blk[k] as number;
    blk[i] = s;
    blk[i + 1] = e;
    this.count++;
    if (blk.length > 4 * BLOCK) this.blocks.splice(b + 1, 0, blk.splice(2 * BLOCK));
  }

  /** Add [start, start+n); the range must not intersect the set (callers own disjoint memory). */
  add(start: number, n: number): void {
    const log = this.log;
    // Counted after the merge, as before deferred sets existed: an add that throws counts nothing.
    if (log === undefined) { this.insert(start, n); this.pages += n; return; }
    this.pages += n;
    // Extend the last logged run when the new one touches it (one domain allocating alone).
    const k = this.logLen - 2;
    if (k >= 0) {
      const s0 = log[k] as number;
      const n0 = log[k + 1] as number;
      if (start + n === s0) { log[k] = start; log[k + 1] = n0 + n; return; }
      if (s0 + n0 === start) { log[k + 1] = n0 + n; return; }
    }
    if (this.logLen === log.length) this.log = grow(log);
    (this.log as Float64Array)[this.logLen++] = start;
    (this.log as Float64Array)[this.logLen++] = n;
    if (this.logLen >= 2 * LOG_MAX) this.settle();
  }

  /** Merge [start, start+n) into the blocks (pages counted by the caller). */
  private insert(start: number, n: number): void {
    const end = start + n;
    this.floor(start);
    const pb = fb;
    const pi = fi;
    // The interval after the floor (or the first one): (qb, qi), qb = -1 when there is none.
    let qb = -1;
    let qi = 0;
    if (pb < 0) { if (this.blocks.length > 0) qb = 0; }
    else if (pi + 2 < (this.blocks[pb] as Block).length) { qb = pb; qi = pi + 2; }
    else if (pb + 1 < this.blocks.length) qb = pb + 1;
    const prev = pb < 0 ? undefined : (this.blocks[pb] as Block);
    const nxt = qb < 0 ? undefined : (this.blocks[qb] as Block);
    const prevEnd = prev === undefined ? -1 : prev[pi + 1] as number;
    const nxtStart = nxt === undefined ? Infinity : nxt[qi] as number;
    if (prev !== undefined && prevEnd > start) throw new Error(`ExtentSet: MFN ${start} added twice`);
    if (nxt !== undefined && nxtStart < end) throw new Error(`ExtentSet: MFN ${nxtStart} added twice`);
    const joinPrev = prev !== undefined && prevEnd === start;
    const joinNext = nxt !== undefined && nxtStart === end;
    if (joinPrev && joinNext) {
      prev[pi + 1] = nxt[qi + 1] as number;
      this.del(qb, qi);
    } else if (joinPrev) {
      prev[pi + 1] = end;
    } else if (joinNext) {
      nxt[qi] = start;
    } else if (pb < 0) {
      this.insertAt(0, 0, start, end);
    } else {
      this.insertAt(pb, pi + 2, start, end);
    }
  }

  /** Whether every MFN of [start, start+n) is in the set. */
  has(start: number, n: number): boolean {
    this.settle();
    this.floor(start);
    return fb >= 0 && ((this.blocks[fb] as Block)[fi + 1] as number) >= start + n;
  }

  /** Remove [start, start+n), which must be wholly in the set. */
  remove(start: number, n: number): void {
    this.settle();
    this.floor(start);
    const b = fb;
    const i = fi;
    const end = start + n;
    const blk = b < 0 ? undefined : this.blocks[b];
    const s = blk === undefined ? 0 : blk[i] as number;
    const e = blk === undefined ? -1 : blk[i + 1] as number;
    if (blk === undefined || e < end) throw new Error(`ExtentSet: MFN ${start} not owned`);
    if (s === start && e === end) this.del(b, i);
    else if (s === start) blk[i] = end;
    else if (e === end) blk[i + 1] = start;
    else {
      blk[i + 1] = start;
      this.insertAt(b, i + 2, end, e);
    }
    this.pages -= n;
  }

  /** The interval holding x, as [start, end) in `out`; false (out untouched) when x is not in the set. */
  runAt(x: number, out: [number, number]): boolean {
    this.settle();
    this.floor(x);
    if (fb < 0) return false;
    const blk = this.blocks[fb] as Block;
    const e = blk[fi + 1] as number;
    if (e <= x) return false;
    out[0] = blk[fi] as number;
    out[1] = e;
    return true;
  }

  /** How many members lie in [lo, hi): a binary search, then the intervals overlapping it. */
  countIn(lo: number, hi: number): number {
    this.settle();
    if (hi <= lo || this.count === 0) return 0;
    this.floor(lo);
    let b = fb < 0 ? 0 : fb;
    let i = fi;
    let n = 0;
    for (; b < this.blocks.length; b++, i = 0) {
      const blk = this.blocks[b] as Block;
      for (; i < blk.length; i += 2) {
        const s = blk[i] as number;
        if (s >= hi) return n;
        const e = blk[i + 1] as number;
        if (e > lo) n += (e < hi ? e : hi) - (s > lo ? s : lo);
      }
    }
    return n;
  }

  /** Add every member of [lo, hi) not yet in the set (the gaps); returns how many were added. */
  fill(lo: number, hi: number): number {
    this.settle();
    if (hi <= lo) return 0;
    // Collect the gaps first (adding while walking would move the positions); few per call.
    let cur = lo;
    let gaps: number[] | undefined;
    if (this.count > 0) {
      this.floor(lo);
      let b = fb < 0 ? 0 : fb;
      let i = fi;
      outer: for (; b < this.blocks.length; b++, i = 0) {
        const blk = this.blocks[b] as Block;
        for (; i < blk.length; i += 2) {
          const s = blk[i] as number;
          if (s >= hi) break outer;
          const e = blk[i + 1] as number;
          if (e <= cur) continue;
          if (s > cur) (gaps ??= []).push(cur, s);
          cur = e;
          if (cur >= hi) break outer;
        }
      }
    }
    let added = 0;
    if (gaps !== undefined) for (let k = 0; k < gaps.length; k += 2) { const s = gaps[k] as number; const e = gaps[k + 1] as number; this.add(s, e - s); added += e - s; }
    if (cur < hi) { this.add(cur, hi - cur); added += hi - cur; }
    return added;
  }

  /** Start of the highest 2^order-aligned block wholly in the set, or undefined. */
  highestAligned(order: number): number | undefined {
    this.settle();
    const size = pow2(order);
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const blk = this.blocks[b] as Block;
      for (let i = blk.length - 2; i >= 0; i -= 2) {
        const s = blk[i] as number;
        const e = blk[i + 1] as number;
        const top = e - size;
        if (top >= s && top - (top % size) >= s) return top - (top % size);
      }
    }
    return undefined;
  }

  /** Call fn(start, end) for each interval, ascending. */
  forEachRun(fn: (start: number, end: number) => void): void {
    this.settle();
    for (const blk of this.blocks) for (let i = 0; i < blk.length; i += 2) fn(blk[i] as number, blk[i + 1] as number);
  }

  /** The intervals, ascending. */
  *runs(): Generator<[number, number]> {
    this.settle();
    for (const blk of this.blocks) for (let i = 0; i < blk.length; i += 2) yield [blk[i] as number, blk[i + 1] as number];
  }

  /** The intervals, descending. */
  *runsDescending(): Generator<[number, number]> {
    this.settle();
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const blk = this.blocks[b] as Block;
      for (let i = blk.length - 2; i >= 0; i -= 2) yield [blk[i] as number, blk[i + 1] as number];
    }
  }

  /** Remove and return every interval, ascending (teardown). */
  drain(): [number, number][] {
    this.settle();
    const out: [number, number][] = [];
    this.forEachRun((s, e) => out.push([s, e]));
    this.blocks = NO_BLOCKS;
    this.pages = 0;
    this.count = 0;
    return out;
  }
}
