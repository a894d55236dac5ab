/**
 * A Map keyed by MFN whose keys stay small integers. MFNs of large hosts exceed 2^31 (a 12 TiB
 * host has 3·2^30 pages), and V8 keeps such numbers as heap doubles: as Map keys each lookup boxes
 * its key and hashes a double. Here an MFN is split into a high part (which sub-map, an array
 * index) and its low 30 bits (the key within it, always a small integer). An implementation
 * device of the buddy heap's merge lookup (heap.ts), not a Xen structure.
 */
const SPLIT = 2 ** 30;

export class MfnMap<V> {
  /** Sub-map per MFN / 2^30 (index 0 only, below 2^30). */
  private readonly maps: (Map<number, V> | undefined)[] = [];
  private n = 0;

  get size(): number { return this.n; }

  get(mfn: number): V | undefined {
    if (mfn < SPLIT) return this.maps[0]?.get(mfn);
    const hi = Math.floor(mfn / SPLIT);
    return this.maps[hi]?.get(mfn - hi * SPLIT);
  }

  set(mfn: number, v: V): void {
    const hi = mfn < SPLIT ? 0 : Math.floor(mfn / SPLIT);
    let m = this.maps[hi];
    if (m === undefined) { m = new Map(); this.maps[hi] = m; }
    const k = mfn - hi * SPLIT;
    const before = m.size;
    m.set(k, v);
    this.n += m.size - before;
  }

  delete(mfn: number): boolean {
    const hi = mfn < SPLIT ? 0 : Math.floor(mfn / SPLIT);
    const m = this.maps[hi];
    if (m === undefined || !m.delete(mfn - hi * SPLIT)) return false;
    this.n--;
    return true;
  }

  /** The values, by ascending MFN / 2^30, each part in insertion order. */
  *values(): Generator<V> {
    for (const m of this.maps) if (m !== undefined) yield* m.values();
  }
}
