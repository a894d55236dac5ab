/**
 * Field-level validation driven by the specs: reserved fields and reserved flag bits must be zero
 * (the checks fwts makes as *ReservedNonZero / *ReservedBitsNonZero). Semantic checks live in the
 * topology validator, not here.
 */
import type { DiagnosticSink } from "../diagnostics.js";
import type { DecodedStruct } from "./layout/codec.js";
import { hex } from "../util/hex.js";

export function validateReserved(s: DecodedStruct, sink: DiagnosticSink, what: string): void {
  for (const f of s.spec.fields) {
    const v = s.values[f.key];
    if (v === undefined) continue;
    const at = s.offsets[f.key] ?? s.offset;
    if (f.reserved === true && (typeof v === "number" || typeof v === "bigint") && v !== 0 && v !== 0n) {
      sink.warning("RESERVED_NONZERO", `${what}: ${f.label} is ${hex(v)}, must be zero`, at);
    } else if (f.reservedMask !== undefined && f.reservedMask !== 0 && typeof v === "number" && (v & f.reservedMask) !== 0) {
      sink.warning("RESERVED_BITS_SET", `${what}: ${f.label.replace(" (decoded below)", "")} ${hex(v)} has reserved bits ${hex((v & f.reservedMask) >>> 0)} set`, at);
    }
  }
}
