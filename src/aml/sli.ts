/**
 * `_SLI` (System Locality Information) buffer decoding.
 *
 * Layout, verified against the ACPI Specification 6.6 (UEFI Forum, May 2025) §6.2.16 "_SLI
 * (System Locality Information)" (the same text is §6.2.15 in ACPI 6.5 and §6.2.14 in 4.0):
 * for the device's locality i (its _PXM) and N localities in the SLIT,
 *   - if i < N the buffer is [(i,0) … (i,N-1), (0,i) … (N-1,i)]: 2·N bytes, row i then column i;
 *   - if i >= N (a locality beyond the boot-time SLIT) it is
 *     [(i,0) … (i,i), (0,i) … (i,i)]: 2·(i+1) bytes.
 * So in both cases the buffer holds 2·M bytes with M = max(N, i+1): M bytes of row i (distances
 * from i), then M bytes of column i (distances to i); (i,i) is always 10. The spec's example: a
 * new node 4 added to a 4-node SLIT evaluates to [17,21,14,23,10, 17,21,14,23,10].
 * illumos `acpidev_dr_get_latency()` checks the same: length 2·max(N, i+1) and bytes [i] and
 * [M+i] equal to 10. (Linux does not evaluate _SLI.)
 */
import { NotStatic, type AmlValue } from "./value.js";

export interface SliDistances {
  /** The raw buffer. */
  bytes: number[];
  /** M: the number of localities the buffer describes (its length / 2). */
  localities: number;
  /** Row i: distance from this locality to locality j, for j = 0..M-1. */
  row: number[];
  /** Column i: distance from locality j to this locality, for j = 0..M-1. */
  column: number[];
}

/** Decode a static _SLI value; `NotStatic` when it is not a buffer of even length. */
export function decodeSli(v: AmlValue): SliDistances | NotStatic {
  if (v.type !== "buffer") return new NotStatic(`_SLI is a ${v.type}, not a Buffer`);
  if (v.bytes.length === 0 || v.bytes.length % 2 !== 0) return new NotStatic(`_SLI buffer has ${v.bytes.length} bytes; it must hold 2·M bytes (row then column)`);
  const bytes = [...v.bytes];
  const m = bytes.length / 2;
  return { bytes, localities: m, row: bytes.slice(0, m), column: bytes.slice(m) };
}

/** Findings about a decoded _SLI for locality `pxm` (undefined when _PXM is not static). */
export function checkSli(sli: SliDistances, pxm: number | undefined, slitLocalities?: number): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = [];
  if (pxm !== undefined) {
    if (pxm >= sli.localities) {
      out.push({ code: "AML_SLI_TOO_SHORT", message: `_SLI describes ${sli.localities} localities but the device's _PXM is ${pxm}; it needs at least ${pxm + 1}` });
    } else if (sli.row[pxm] !== 10 || sli.column[pxm] !== 10) {
      out.push({ code: "AML_SLI_DIAGONAL", message: `_SLI distance (${pxm},${pxm}) is ${sli.row[pxm]}/${sli.column[pxm]}, not 10` });
    }
  }
  if (slitLocalities !== undefined && pxm !== undefined) {
    const expected = Math.max(slitLocalities, pxm + 1);
    if (sli.localities !== expected) out.push({ code: "AML_SLI_LENGTH", message: `_SLI describes ${sli.localities} localities; with ${slitLocalities} in the SLIT and _PXM ${pxm} it should describe ${expected}` });
  }
  return out;
}
