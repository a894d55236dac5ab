/**
 * Typed views over a decoded CEDT (keys from ./tables/cedt.ts), applied at this one boundary so the
 * topology never indexes decoded values by string. Entries cut short by the table are left out
 * (the decoder has reported them).
 */
import type { DecodedTable } from "./decode.js";
import { locationOf, type EntryLocation } from "./views.js";

export interface CedtHostBridge { at: EntryLocation; declaredLength: number; uid: number; cxlVersion: number; registerBase: bigint; registerLength: bigint }
export interface CedtWindow {
  at: EntryLocation; declaredLength: number;
  windowBaseAddress: bigint; windowSize: bigint; interleaveMembers: number; interleaveArithmetic: number;
  granularity: number; restrictions: number; qtgId: number; interleaveTargets: number[];
}

export interface CedtView { hostBridges: CedtHostBridge[]; windows: CedtWindow[] }

export function cedtView(t: DecodedTable): CedtView {
  const view: CedtView = { hostBridges: [], windows: [] };
  for (const s of t.subtables) {
    if (!s.known || s.missing.length > 0) continue;
    const located = { at: locationOf(t, s.offset), declaredLength: s.declaredLength };
    if (s.type === 0) view.hostBridges.push({ ...(s.values as unknown as Omit<CedtHostBridge, "at" | "declaredLength">), ...located });
    else if (s.type === 1) view.windows.push({ ...(s.values as unknown as Omit<CedtWindow, "at" | "declaredLength">), ...located });
  }
  return view;
}
