/**
 * A set of MFNs kept as sorted, coalesced [start, end) intervals. Domains record the memory they
 * own in these (one set per node), so bookkeeping grows with the number of discontiguous runs,
 * never with pages: 16 GiB populated as 8192 adjacent 2 MiB extents is one or a few intervals.
 */
export class ExtentSet {
  private starts: number[] = [];
  private ends: number[] = [];
  private pages = 0;

  get total(): number { return this.pages; }
  get intervals(): number { return this.starts.length; }

  /** Index of the last interval whose start is <= mfn, or -1. */
  private floor(mfn: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] ?? 0) <= mfn) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans;
  }

  /** Add [start, start+n); the range must not intersect the set (callers own disjoint memory). */
  add(start: number, n: number): void {
    const end = start + n;
    const i = this.floor(start);
    const prevEnd = i >= 0 ? (this.ends[i] ?? 0) : -1;
    if (prevEnd > start) throw new Error(`ExtentSet: MFN ${start} added twice`);
    const next = i + 1;
    const nextStart = this.starts[next];
    if (nextStart !== undefined && nextStart < end) throw new Error(`ExtentSet: MFN ${nextStart} added twice`);
    const joinPrev = i >= 0 && prevEnd === start;
    const joinNext = nextStart === end;
    if (joinPrev && joinNext) {
      this.ends[i] = this.ends[next] ?? end;
      this.starts.splice(next, 1);
      this.ends.splice(next, 1);
    } else if (joinPrev) {
      this.ends[i] = end;
    } else if (joinNext) {
      this.starts[next] = start;
    } else {
      this.starts.splice(next, 0, start);
      this.ends.splice(next, 0, end);
    }
    this.pages += n;
  }

  /** Whether every MFN of [start, start+n) is in the set. */
  has(start: number, n: number): boolean {
    const i = this.floor(start);
    return i >= 0 && (this.ends[i] ?? 0) >= start + n;
  }

  /** Remove [start, start+n), which must be wholly in the set. */
  remove(start: number, n: number): void {
    const i = this.floor(start);
    const s = this.starts[i];
    const e = this.ends[i];
    if (s === undefined || e === undefined || e < start + n) throw new Error(`ExtentSet: MFN ${start} not owned`);
    const end = start + n;
    if (s === start && e === end) {
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else if (s === start) {
      this.starts[i] = end;
    } else if (e === end) {
      this.ends[i] = start;
    } else {
      this.ends[i] = start;
      this.starts.splice(i + 1, 0, end);
      this.ends.splice(i + 1, 0, e);
    }
    this.pages -= n;
  }

  /** Start of the highest 2^order-aligned block wholly in the set, or undefined. */
  highestAligned(order: number): number | undefined {
    const size = 2 ** order;
    for (let i = this.starts.length - 1; i >= 0; i--) {
      const s = this.starts[i] ?? 0;
      const e = this.ends[i] ?? 0;
      const b = e - size - ((e - size) % size);
      if (e - size >= 0 && b >= s) return b;
    }
    return undefined;
  }

  /** The intervals, ascending. */
  *runs(): Generator<[number, number]> {
    for (let i = 0; i < this.starts.length; i++) yield [this.starts[i] ?? 0, this.ends[i] ?? 0];
  }

  /** Remove and return every interval, ascending (teardown). */
  drain(): [number, number][] {
    const out = [...this.runs()];
    this.starts = [];
    this.ends = [];
    this.pages = 0;
    return out;
  }
}
