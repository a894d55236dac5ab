/**
 * `part` as a percentage of `whole`, rounded to two decimals, that never claims a whole or a
 * nothing it does not have: 16 pages of a 12 GiB VM on another node is 99.99% local, not 100%,
 * and a few pages out of terabytes is 0.01%, not 0%. Reports print 100.00 and 0.00 only when the
 * part is all or nothing, so "100.00" and "fully local" always agree.
 */
export function percentOf(part: number, whole: number): number {
  if (whole === 0) return 0;
  const p = Math.round(((100 * part) / whole) * 100) / 100;
  if (p === 100 && part < whole) return 99.99;
  if (p === 0 && part > 0) return 0.01;
  return p;
}

/** A page count in whole MiB, "<1" for a few pages that would round to nothing. */
export function mibText(pages: number, pagesPerMib: number): string {
  const mib = Math.round(pages / pagesPerMib);
  return mib === 0 && pages > 0 ? "<1" : String(mib);
}
