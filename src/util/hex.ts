/**
 * The one hex formatter. Reports follow the tools they imitate: iasl and fwts print upper case
 * ("0x1F", "[02Ch"), Linux and Xen log messages and hwloc's bitmaps lower case ("[mem 0x1000-0x1fff]"),
 * the iasl printer and acpidump columns no "0x" prefix. Those are options, not more copies.
 */
export interface HexOptions {
  /** Lower-case digits (Linux/Xen/hwloc style); default upper case. */
  lower?: boolean;
  /** Without the "0x" prefix (table columns); default with it. */
  bare?: boolean;
}

/** `n` in hex, zero-padded to at least `digits` digits: hex(31) "0x1F", hex(9, 2, { bare: true }) "09". */
export function hex(n: number | bigint, digits = 0, opts: HexOptions = {}): string {
  const s = n.toString(16).padStart(digits, "0");
  const cased = opts.lower === true ? s : s.toUpperCase();
  return opts.bare === true ? cased : `0x${cased}`;
}
