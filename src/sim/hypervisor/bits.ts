/**
 * Bit helpers for MFNs. MFNs of large hosts exceed 2^32 (a 12 TiB host has 3·2^30 pages; the
 * 52-bit address space allows 2^40), so JavaScript's 32-bit bitwise operators cannot be used;
 * these work on any safe integer below 2^53.
 */
const TWO32 = 2 ** 32;

/** `flsl(x)`: 1-based index of the most significant set bit, 0 for x = 0. */
export function flsl(x: number): number {
  if (x >= TWO32) return 32 + (32 - Math.clz32(Math.floor(x / TWO32)));
  return 32 - Math.clz32(x);
}

/** `ffsl(x)`: 1-based index of the least significant set bit, 0 for x = 0. */
export function ffsl(x: number): number {
  if (x === 0) return 0;
  const lo = x % TWO32;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  return 32 + ffsl(Math.floor(x / TWO32));
}

/** 2^0 … 2^63: `2 ** n` with a variable exponent is a Math.pow call, far slower on the hot path. */
const POW2 = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** 2^order (order 0..63). */
export function pow2(order: number): number {
  return POW2[order] ?? 2 ** order;
}

/** Whether bit `order` of x is set (i.e. x & (1 << order)). */
export function bitSet(x: number, order: number): boolean {
  return Math.floor(x / pow2(order)) % 2 === 1;
}

/** x rounded down to a multiple of 2^order. */
export function alignDown(x: number, order: number): number {
  const s = 2 ** order;
  return x - (x % s);
}
