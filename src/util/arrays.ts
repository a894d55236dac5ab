/**
 * Array helpers for lists whose length comes from the input. `a.push(...b)` and `Math.max(...b)`
 * pass every element as an argument, and past roughly 100 000 of them V8 throws "Maximum call
 * stack size exceeded": a vm_start of 100 000 VMs ended `numakit sim` that way (exit 70). These
 * loop instead. For lists bounded by a small constant (nodes, zones), spreading is fine.
 */

/** Append every item of `items` to `into`. */
export function pushAll<T>(into: T[], items: readonly T[]): void {
  for (const x of items) into.push(x);
}

/** The largest value (-Infinity for none, as Math.max()). */
export function maxOf(values: Iterable<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > m || Number.isNaN(v)) m = Number.isNaN(m) ? m : v;
  return m;
}

/** The smallest value (Infinity for none, as Math.min()). */
export function minOf(values: Iterable<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m || Number.isNaN(v)) m = Number.isNaN(m) ? m : v;
  return m;
}

/** The ids of every list, each once, ascending (a set union of id lists such as cpusets). */
export function sortedUnion(...lists: readonly (readonly number[])[]): number[] {
  const all = new Set<number>();
  for (const l of lists) for (const x of l) all.add(x);
  return [...all].sort((a, b) => a - b);
}
