/** The one place English number agreement lives, so messages never say "1 nodes" or "2 entry". */

/** The noun agreeing with `n`: pluralWord(2, "entry", "entries") "entries"; the plural defaults to word + "s". */
export function pluralWord(n: number | bigint, word: string, many = `${word}s`): string {
  return n === 1 || n === 1n ? word : many;
}

/** The count and the noun: plural(1, "node") "1 node", plural(3, "entry", "entries") "3 entries". */
export function plural(n: number | bigint, word: string, many = `${word}s`): string {
  return `${n} ${pluralWord(n, word, many)}`;
}
