/**
 * Order statistics of a sweep. Percentiles are nearest-rank (the p-th percentile of n sorted values
 * is the ⌈p·n/100⌉-th), so every figure reported is one a run actually produced, and the median is
 * the lower median (p50). No interpolation: nothing depends on floating-point averaging order.
 */

export interface Spread {
  min: number;
  p5: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` (non-empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no values");
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? Number.NaN;
}

/** min, p5, p50, p95, max of the values (undefined when there are none). */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0] ?? 0, p5: percentile(s, 5), p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? 0 };
}

/** Round for reports: JSON and text carry this many decimals, so tiny float noise never shows. */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
