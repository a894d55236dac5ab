/**
 * SLIT, System Locality Distance Information Table (ACPI 6.5 §5.2.17): a u64 locality count N and
 * an N×N byte matrix. The count is untrusted: the engine clamps the matrix to the bytes present.
 */
import { array, fieldOffset, u64 } from "../layout/types.js";
import { struct, type TableDef } from "./def.js";
import { HEADER_SIZE } from "./header.js";

/** Matrix cells the table claims (N²), saturating instead of overflowing for absurd N. */
export function slitCells(localities: bigint): number {
  if (localities > 0xffffffffn) return Number.MAX_SAFE_INTEGER;
  const n = Number(localities);
  return Math.min(n * n, Number.MAX_SAFE_INTEGER);
}

export const slit: TableDef = {
  signature: "SLIT",
  name: "System Locality Information Table",
  fixed: struct("SLIT.fixed", "SLIT", [
    u64("Localities", { key: "localityCount", jsonNumber: true }),
    array("Entry", "u8", (v) => slitCells(v["localityCount"] as bigint), { key: "entries" }),
  ]),
};

/** Table offsets of the locality count (36) and of the matrix (44), from the spec. */
export const SLIT_LOCALITIES_OFFSET = HEADER_SIZE + fieldOffset(slit.fixed, "localityCount");
export const SLIT_ENTRIES_OFFSET = HEADER_SIZE + fieldOffset(slit.fixed, "entries");
