/**
 * Natural order of names (SSDT2 before SSDT10): exactly `a.localeCompare(b, "en", { numeric:
 * true })`, ICU's collation. Making an ICU collator loads collation data, which cost more CPU than
 * decoding a whole dump (issue 19): names made of ASCII letters, digits and dots (what sysfs and
 * acpidump -b write) are ordered here by ICU's rules for them, and any other pair by the collator,
 * made once on first need.
 *
 * ICU's rules for those characters (root collation, alternate non-ignorable, numeric on): at the
 * primary level '.' < digits < letters; a run of digits is one element weighed by its numeric
 * value; letters compare case-blind; a name that is a prefix of the other comes first. Pairs that
 * are equal at the primary level (case, leading zeros) go to the collator, which breaks such ties.
 */
let collator: Intl.Collator | undefined;

function collate(a: string, b: string): number {
  collator ??= new Intl.Collator("en", { numeric: true });
  return collator.compare(a, b);
}

/** Names whose every pair this module orders itself: letters, digits, dots; digit runs without a leading zero, at most 15 digits. */
const SIMPLE = /^(?:[A-Za-z.]|[1-9][0-9]{0,14}(?![0-9])|0(?![0-9]))*$/;

/** The primary class of a character code: '.' 0, digit 1, letter 2. */
function classOf(c: number): number {
  return c === 0x2e ? 0 : c <= 0x39 ? 1 : 2;
}

export function naturalCompare(a: string, b: string): number {
  if (!SIMPLE.test(a) || !SIMPLE.test(b)) return collate(a, b);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const ka = classOf(ca);
    const kb = classOf(cb);
    if (ka !== kb) return ka - kb;
    if (ka === 1) {
      let ei = i;
      while (ei < a.length && classOf(a.charCodeAt(ei)) === 1) ei++;
      let ej = j;
      while (ej < b.length && classOf(b.charCodeAt(ej)) === 1) ej++;
      const d = Number(a.slice(i, ei)) - Number(b.slice(j, ej));
      if (d !== 0) return d < 0 ? -1 : 1;
      i = ei;
      j = ej;
    } else {
      // Letters case-blind ('.' is only equal to itself).
      const la = ca | 0x20;
      const lb = cb | 0x20;
      if (la !== lb) return la < lb ? -1 : 1;
      i++;
      j++;
    }
  }
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1;
  // Equal at the primary level: case (and only case) differs, or nothing does.
  return a === b ? 0 : collate(a, b);
}
