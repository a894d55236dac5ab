/**
 * A set of MFNs kept as sorted, coalesced [start, end) intervals. Domains record the memory they
 * own in these (one set per node), so bookkeeping grows with the number of discontiguous runs,
 * never with pages: 16 GiB populated as 8192 adjacent 2 MiB extents is one or a few intervals.
 *
 * Intervals live in blocks of at most BLOCK sorted entries (a two-level B-tree), so that even a
 * badly fragmented set (every other 4 KiB page freed: half a million runs) updates in
 * O(log n + BLOCK) instead of shifting one huge array.
 */
import { pow2 } from "./bits.js";

const BLOCK = 256;

interface Block {
  starts: number[];
  ends: number[];
}

/** Position of an interval: block index and index within the block. */
interface Pos {
  b: number;
  i: number;
}

export class ExtentSet {
  private blocks: Block[] = [];
  private pages = 0;
  private count = 0;

  get total(): number { return this.pages; }
  get intervals(): number { return this.count; }

  /** The last interval whose start is <= mfn, or undefined. */
  private floor(mfn: number): Pos | undefined {
    let lo = 0;
    let hi = this.blocks.length - 1;
    let b = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.blocks[mid]?.starts[0] ?? Infinity) <= mfn) { b = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const blk = this.blocks[b];
    if (blk === undefined) return undefined;
    lo = 0;
    hi = blk.starts.length - 1;
    let i = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((blk.starts[mid] ?? Infinity) <= mfn) { i = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return { b, i };
  }

  private next(p: Pos | undefined): Pos | undefined {
    if (p === undefined) return this.blocks.length > 0 ? { b: 0, i: 0 } : undefined;
    const blk = this.blocks[p.b];
    if (blk !== undefined && p.i + 1 < blk.starts.length) return { b: p.b, i: p.i + 1 };
    return p.b + 1 < this.blocks.length ? { b: p.b + 1, i: 0 } : undefined;
  }

  private get(p: Pos): [number, number] {
    const blk = this.blocks[p.b];
    return [blk?.starts[p.i] ?? 0, blk?.ends[p.i] ?? 0];
  }

  private set(p: Pos, s: number, e: number): void {
    const blk = this.blocks[p.b];
    if (blk === undefined) return;
    blk.starts[p.i] = s;
    blk.ends[p.i] = e;
  }

  private del(p: Pos): void {
    const blk = this.blocks[p.b];
    if (blk === undefined) return;
    blk.starts.splice(p.i, 1);
    blk.ends.splice(p.i, 1);
    if (blk.starts.length === 0) this.blocks.splice(p.b, 1);
    this.count--;
  }

  /** Insert a new interval right after position p (at the very beginning for undefined). */
  private insertAfter(p: Pos | undefined, s: number, e: number): void {
    let b = p?.b ?? 0;
    let i = p === undefined ? 0 : p.i + 1;
    if (this.blocks.length === 0) { this.blocks.push({ starts: [], ends: [] }); b = 0; i = 0; }
    const blk = this.blocks[b];
    if (blk === undefined) return;
    blk.starts.splice(i, 0, s);
    blk.ends.splice(i, 0, e);
    this.count++;
    if (blk.starts.length > 2 * BLOCK) {
      this.blocks.splice(b + 1, 0, { starts: blk.starts.splice(BLOCK), ends: blk.ends.splice(BLOCK) });
    }
  }

  /** Add [start, start+n); the range must not intersect the set (callers own disjoint memory). */
  add(start: number, n: number): void {
    const end = start + n;
    const p = this.floor(start);
    const q = this.next(p);
    const prev = p === undefined ? undefined : this.get(p);
    const nxt = q === undefined ? undefined : this.get(q);
    if (prev !== undefined && prev[1] > start) throw new Error(`ExtentSet: MFN ${start} added twice`);
    if (nxt !== undefined && nxt[0] < end) throw new Error(`ExtentSet: MFN ${nxt[0]} added twice`);
    const joinPrev = prev !== undefined && prev[1] === start;
    const joinNext = nxt !== undefined && nxt[0] === end;
    if (joinPrev && joinNext && p !== undefined && q !== undefined) {
      this.set(p, prev[0], nxt[1]);
      this.del(q);
    } else if (joinPrev && p !== undefined) {
      this.set(p, prev[0], end);
    } else if (joinNext && q !== undefined) {
      this.set(q, start, nxt[1]);
    } else {
      this.insertAfter(p, start, end);
    }
    this.pages += n;
  }

  /** Whether every MFN of [start, start+n) is in the set. */
  has(start: number, n: number): boolean {
    const p = this.floor(start);
    return p !== undefined && this.get(p)[1] >= start + n;
  }

  /** Remove [start, start+n), which must be wholly in the set. */
  remove(start: number, n: number): void {
    const p = this.floor(start);
    const end = start + n;
    const [s, e] = p === undefined ? [0, -1] : this.get(p);
    if (p === undefined || e < end) throw new Error(`ExtentSet: MFN ${start} not owned`);
    if (s === start && e === end) this.del(p);
    else if (s === start) this.set(p, end, e);
    else if (e === end) this.set(p, s, start);
    else {
      this.set(p, s, start);
      this.insertAfter(p, end, e);
    }
    this.pages -= n;
  }

  /** Start of the highest 2^order-aligned block wholly in the set, or undefined. */
  highestAligned(order: number): number | undefined {
    const size = pow2(order);
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const blk = this.blocks[b];
      if (blk === undefined) continue;
      for (let i = blk.starts.length - 1; i >= 0; i--) {
        const s = blk.starts[i] ?? 0;
        const e = blk.ends[i] ?? 0;
        const top = e - size;
        if (top >= s && top - (top % size) >= s) return top - (top % size);
      }
    }
    return undefined;
  }

  /** The intervals, ascending. */
  *runs(): Generator<[number, number]> {
    for (const blk of this.blocks) for (let i = 0; i < blk.starts.length; i++) yield [blk.starts[i] ?? 0, blk.ends[i] ?? 0];
  }

  /** The intervals, descending. */
  *runsDescending(): Generator<[number, number]> {
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const blk = this.blocks[b];
      if (blk === undefined) continue;
      for (let i = blk.starts.length - 1; i >= 0; i--) yield [blk.starts[i] ?? 0, blk.ends[i] ?? 0];
    }
  }

  /** Remove and return every interval, ascending (teardown). */
  drain(): [number, number][] {
    const out = [...this.runs()];
    this.blocks = [];
    this.pages = 0;
    this.count = 0;
    return out;
  }
}
