/**
 * Robustness fuzzing of the decoding engine: mutations of real tables (truncated, bit-flipped,
 * lying lengths and counts) and random text/bytes through the source detector. Each case must end
 * in a DecodedTable or a typed NumakitError, within a time bound, with output bounded by the input.
 * Used by test/acpi/fuzz.test.ts (default size) and `npm run fuzz:decode` (FUZZ_SCALE times more).
 */
import fc from "fast-check";
import { decodeTable, type DecodedTable } from "../../src/acpi/decode.js";
import { encodeTable } from "../../src/acpi/encode.js";
import { tableJson } from "../../src/acpi/json.js";
import { printTable } from "../../src/acpi/print.js";
import { tablesFromBytes } from "../../src/acpi/sources/load.js";
import { NumakitError } from "../../src/errors.js";
import type { RawTable } from "../../src/acpi/raw.js";

/** A table to mutate, named for failure messages (a corpus path, a sample, "built SRAT #3"). */
export type FuzzTable = RawTable & { file: string };

/** Generous per-case bound: a corpus table decodes in well under a millisecond. */
export const CASE_MS = 250;

/** Where a table's length-like fields sit, found by decoding the intact table. */
export interface Target {
  table: FuzzTable;
  /** [offset, size in bytes] of every subtable length field. */
  lengths: [number, number][];
  /** [offset, size] of count fields: SLIT Localities, HMAT initiator/target/SMBIOS counts, MSCT Proximity Offset. */
  counts: [number, number][];
}

export function targetsOf(tables: readonly FuzzTable[]): Target[] {
  return tables.map((table) => {
    const t = decodeTable(table);
    const lengths: [number, number][] = [];
    const counts: [number, number][] = [];
    const lengthField = t.def?.subtables?.header.fields.find((f) => f.role === "length");
    for (const s of t.subtables) {
      const at = lengthField === undefined ? undefined : s.offsets[lengthField.key];
      if (lengthField !== undefined && at !== undefined) lengths.push([at, lengthField.size]);
      for (const k of ["initiatorProximityDomainsCount", "targetProximityDomainsCount", "smbiosHandleCount"]) {
        const off = s.offsets[k];
        const f = s.spec.fields.find((x) => x.key === k);
        if (off !== undefined && f !== undefined) counts.push([off, f.size]);
      }
    }
    for (const k of ["localityCount", "proximityOffset"]) {
      const off = t.fixed?.offsets[k];
      const f = t.fixed?.spec.fields.find((x) => x.key === k);
      if (off !== undefined && f !== undefined) counts.push([off, f.size]);
    }
    return { table, lengths, counts };
  });
}

/** A value for a field of `size` bytes, biased to edge cases: 0, 1, small, max, max-1, random. */
function lie(size: number): fc.Arbitrary<bigint> {
  const max = (1n << BigInt(size * 8)) - 1n;
  return fc.oneof(
    fc.constantFrom(0n, 1n, 2n, max, max - 1n, max >> 1n),
    fc.bigInt(0n, 64n),
    fc.bigInt(0n, max),
  );
}

function writeLe(b: Uint8Array, at: number, size: number, v: bigint): void {
  for (let i = 0; i < size && at + i < b.length; i++) b[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

export type Mutation =
  | { kind: "truncate"; keep: number }
  | { kind: "flip"; bits: number[] }
  | { kind: "header-length"; value: bigint }
  | { kind: "field"; index: number; which: "lengths" | "counts"; value: bigint }
  | { kind: "append"; extra: Uint8Array };

export function mutationArb(t: Target): fc.Arbitrary<Mutation> {
  const n = t.table.bytes.length;
  const options: fc.Arbitrary<Mutation>[] = [
    fc.integer({ min: 0, max: n }).map((keep) => ({ kind: "truncate", keep })),
    fc.array(fc.nat({ max: Math.max(0, n * 8 - 1) }), { minLength: 1, maxLength: 8 }).map((bits) => ({ kind: "flip", bits })),
    lie(4).map((value) => ({ kind: "header-length", value })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => ({ kind: "append", extra })),
  ];
  for (const which of ["lengths", "counts"] as const) {
    const fields = t[which];
    if (fields.length === 0) continue;
    options.push(fc.nat({ max: fields.length - 1 }).chain((index) =>
      lie(fields[index]?.[1] ?? 1).map((value): Mutation => ({ kind: "field", index, which, value }))));
  }
  return fc.oneof(...options);
}

export function mutate(t: Target, muts: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(t.table.bytes);
  for (const m of muts) {
    switch (m.kind) {
      case "truncate": b = b.slice(0, m.keep); break;
      case "flip": for (const bit of m.bits) if (bit >> 3 < b.length) b[bit >> 3] = (b[bit >> 3] ?? 0) ^ (1 << (bit & 7)); break;
      case "header-length": writeLe(b, 4, 4, m.value); break;
      case "append": { const c = new Uint8Array(b.length + m.extra.length); c.set(b); c.set(m.extra, b.length); b = c; break; }
      case "field": { const f = t[m.which][m.index]; if (f !== undefined) writeLe(b, f[0], f[1], m.value); break; }
    }
  }
  return b;
}

function fail(what: string): never {
  throw new Error(`robustness contract broken: ${what}`);
}

/** CPU milliseconds of this process: unlike wall time, not inflated when a busy machine deschedules us. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Run one case under the time bound (CPU time). A case is first timed by the wall clock, which is
 * cheap to read (process.cpuUsage() is a system call, and cost a sixth of the fuzz run at one per
 * case) and never less than the CPU time the case took; only a case over the bound by the wall
 * clock runs once more, timed by CPU, and fails if it is slow again: a GC pause or a descheduled
 * process can hit one case, a hang or blow-up repeats.
 */
function timed<T>(run: () => T): T {
  const t0 = performance.now();
  const r = run();
  if (performance.now() - t0 < CASE_MS) return r;
  const t1 = cpuMs();
  const again = run();
  const ms = cpuMs() - t1;
  if (ms >= CASE_MS) fail(`a case took ${ms.toFixed(0)} ms of CPU twice (bound ${String(CASE_MS)} ms)`);
  return again;
}

/** Decode (and optionally print and serialise) one input; assert the engine's robustness contract. */
export function checkTable(bytes: Uint8Array, signature: string, render: boolean): DecodedTable {
  // Plain checks, not chai: this runs >100k times.
  return timed(() => {
    const t = decodeTable({ signature, bytes, source: { file: "fuzz" } });
    // Every byte is kept and nothing is invented: the model re-encodes to exactly the input.
    if (!Buffer.from(encodeTable(t)).equals(Buffer.from(bytes))) fail(`encode(decode(b)) !== b for ${signature} of ${String(bytes.length)} bytes`);
    if (t.diagnostics.length > bytes.length + 8) fail(`${String(t.diagnostics.length)} diagnostics for ${String(bytes.length)} bytes`);
    if (render) {
      // Output is linear in the input: at most ~100 characters a byte, plus headers.
      const bound = 100 * bytes.length + 4096;
      if (printTable(t).length > bound) fail("text output not bounded by the input");
      if (JSON.stringify(tableJson(t)).length > bound) fail("JSON output not bounded by the input");
    }
    return t;
  });
}

/** Run the source detector on arbitrary bytes: tables or a typed error, bounded by the input. */
export function checkSource(bytes: Uint8Array): void {
  timed(() => {
    try {
      const tables = tablesFromBytes(bytes, "fuzz");
      // Text: every table byte needs at least two hex digits; binary: the file is one table.
      const total = tables.reduce((n, t) => n + t.bytes.length, 0);
      if (total > bytes.length) fail(`${String(total)} table bytes from a ${String(bytes.length)}-byte source`);
      for (const t of tables) checkTable(t.bytes, t.signature, false);
    } catch (err) {
      if (!(err instanceof NumakitError)) throw err;
      if (err.oneLine().includes("\n")) fail("a multi-line error message");
    }
  });
}
