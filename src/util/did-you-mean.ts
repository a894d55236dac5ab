/** "did you mean" suggestions for a mistyped name (a command, an option). */

/** Levenshtein distance, O(a·b) over two short words. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidate when it is close enough to be a typo (at most a third of the word's
 * letters wrong, and at least one letter right), or a candidate the word is a prefix of.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = c.startsWith(w) && w.length >= 2 ? 0 : editDistance(w, c);
    if (best === undefined || d < best.d) best = { name: c, d };
  }
  if (best === undefined) return undefined;
  return best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}
