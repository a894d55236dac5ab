/**
 * Seed lists for a sweep: `--seeds 1..200`, `"seeds": "1..200"`, `"seeds": [1, 5, 9]`, or a comma
 * list of seeds and ranges (`1..100,500`). A seed names one interleaving of the VM starts
 * (src/sim/libxc/scheduler.ts), so a list is replayable. Seeds are 32-bit (mulberry32's state).
 */
import { UsageError, type Location } from "../../errors.js";

/** Most runs one sweep may ask for per flow: bounds memory and time whatever the input says. */
export const MAX_SEEDS = 100_000;
const MAX_SEED = 0xffffffff;

function seedOf(text: string, what: string, loc: Location): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${what}: "${text}" is not a seed (a whole number, or A..B)`, loc, "E_SIM_SWEEP");
  const n = Number(text);
  if (n > MAX_SEED) throw new UsageError(`${what}: seed ${text} is above ${MAX_SEED}`, loc, "E_SIM_SWEEP");
  return n;
}

/** Parse a seed list; duplicates are an error (they would weigh one interleaving twice). */
export function parseSeeds(v: unknown, what: string, loc: Location = {}): number[] {
  const out: number[] = [];
  const add = (n: number): void => {
    if (out.length >= MAX_SEEDS) throw new UsageError(`${what}: more than ${MAX_SEEDS} seeds`, loc, "E_SIM_SWEEP");
    out.push(n);
  };
  if (Array.isArray(v)) {
    for (const x of v) add(seedOf(typeof x === "number" && Number.isInteger(x) && x >= 0 ? String(x) : JSON.stringify(x), what, loc));
  } else if (typeof v === "string") {
    const parts = v.split(",").map((p) => p.trim());
    for (const p of parts) {
      const m = /^(\S+?)\.\.(\S+)$/.exec(p);
      if (m === null) { add(seedOf(p, what, loc)); continue; }
      const a = seedOf(m[1] ?? "", what, loc);
      const b = seedOf(m[2] ?? "", what, loc);
      if (b < a) throw new UsageError(`${what}: range ${p} is empty (${b} < ${a})`, loc, "E_SIM_SWEEP");
      if (b - a + 1 > MAX_SEEDS - out.length) throw new UsageError(`${what}: more than ${MAX_SEEDS} seeds`, loc, "E_SIM_SWEEP");
      for (let s = a; s <= b; s++) out.push(s);
    }
  } else {
    throw new UsageError(`${what} must be a string such as "1..200" or a list of seeds`, loc, "E_SIM_SWEEP");
  }
  if (out.length === 0) throw new UsageError(`${what}: no seeds`, loc, "E_SIM_SWEEP");
  const seen = new Set<number>();
  for (const s of out) {
    if (seen.has(s)) throw new UsageError(`${what}: seed ${s} appears twice`, loc, "E_SIM_SWEEP");
    seen.add(s);
  }
  return out;
}

/** A compact label for a seed list: "1..200" for a run of consecutive seeds, else the count. */
export function seedsLabel(seeds: readonly number[]): string {
  const first = seeds[0];
  const last = seeds[seeds.length - 1];
  if (first === undefined || last === undefined) return "none";
  if (seeds.length === 1) return String(first);
  const consecutive = seeds.every((s, i) => s === first + i);
  return consecutive ? `${first}..${last}` : `${seeds.length} seeds from ${first}`;
}
