/**
 * Mutation fuzzing of the AML reader: real DSDT/SSDTs with random byte flips, interesting
 * opcodes, PkgLength damage, insertions, deletions and truncation. Every case must give a result
 * (diagnostics are fine) or a typed NumakitError, never another exception, and finish quickly.
 * Used by test/aml/fuzz.test.ts (fixed 10k cases) and `npm run fuzz:aml` (many more).
 */
import { loadSources, type RawTable } from "../../src/acpi/index.js";
import { DiagnosticSink } from "../../src/diagnostics.js";
import { NumakitError } from "../../src/errors.js";
import { StaticEvaluator } from "../../src/aml/evaluate.js";
import { readNamespace } from "../../src/aml/index.js";
import { corpusPath } from "../helpers/corpus.js";
import { repoPath } from "../helpers/paths.js";
import { mulberry32 } from "../../src/util/prng.js";

/**
 * DSDT/SSDTs up to `maxBytes` long: samples/4node's DSDT, or (corpus) QEMU tables and four real
 * dumps of the corpus (call after requireCorpus).
 */
export async function fuzzBases(maxBytes: number, from: "samples" | "corpus" = "corpus"): Promise<RawTable[]> {
  const srcs = from === "samples" ? [repoPath("samples", "4node", "DSDT")] : [
    corpusPath("oracle", "01-two-nodes", "tables", "DSDT"), corpusPath("oracle", "11-pc-i440fx", "tables", "DSDT"),
    corpusPath("real", "hp-proliant-dl360-g7-60DCEE46526A.txt"), corpusPath("real", "gigabyte-x299-ud4-pro-331F76F426AF.txt"),
    corpusPath("real", "dell-poweredge-r820-E5985CCBA349.txt"), corpusPath("real", "ampere-altra-ava-ampere_ava_1.txt"),
    corpusPath("oracle", "08-x2apic", "tables", "DSDT")];
  const { tables } = await loadSources(srcs);
  return tables.filter((t) => (t.signature === "DSDT" || t.signature === "SSDT") && t.bytes.length <= maxBytes);
}

/** A tiny seeded PRNG so a failing case is reproducible from its seed. */
export const rng = mulberry32;

/** Bytes that steer the parser into interesting paths: opcodes with PkgLength, prefixes, ends. */
const INTERESTING = [0x00, 0x01, 0xff, 0x5b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x08, 0x06, 0x15, 0x2e, 0x2f, 0x5c, 0x5e, 0x0d, 0x0e, 0xa0, 0xa1, 0xa2, 0xa4, 0x82, 0x83, 0x80, 0x81, 0x86, 0x87, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff];

export function mutate(base: Uint8Array, seed: number): Uint8Array {
  const r = rng(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  // Bytes, not a number[]: copying a real DSDT into an array per case cost a third of the run.
  // Writing past the end grows the table with zeros up to that byte (as an array's holes did).
  let b = base.slice();
  const grow = (pos: number): void => {
    if (pos < b.length) return;
    const c = new Uint8Array(pos + 1);
    c.set(b);
    b = c;
  };
  const insert = (pos: number, bytes: Uint8Array): void => {
    const at = Math.min(pos, b.length);
    const c = new Uint8Array(b.length + bytes.length);
    c.set(b.subarray(0, at));
    c.set(bytes, at);
    c.set(b.subarray(at), at + bytes.length);
    b = c;
  };
  const rounds = 1 + pick(8);
  for (let i = 0; i < rounds; i++) {
    // Mostly mutate the AML body; sometimes the header (length, revision).
    const pos = r() < 0.1 ? pick(Math.min(b.length, 36)) : 36 + pick(Math.max(1, b.length - 36));
    switch (pick(7)) {
      case 0: { const v = pick(256); grow(pos); b[pos] = v; break; }
      case 1: { const v = INTERESTING[pick(INTERESTING.length)] ?? 0; grow(pos); b[pos] = v; break; }
      case 2: { const bit = 1 << pick(8); grow(pos); b[pos] = (b[pos] ?? 0) ^ bit; break; }
      case 3: insert(pos, Uint8Array.from({ length: 1 + pick(8) }, () => INTERESTING[pick(INTERESTING.length)] ?? 0)); break;
      case 4: {
        const at = Math.min(pos, b.length);
        const end = Math.min(b.length, at + 1 + pick(16));
        const c = new Uint8Array(b.length - (end - at));
        c.set(b.subarray(0, at));
        c.set(b.subarray(end), at);
        b = c;
        break;
      }
      case 5: b = b.slice(0, pos); break;
      default: { const from = pick(b.length); insert(pos, b.slice(from, from + 1 + pick(64))); break; }
    }
  }
  return b;
}

export interface FuzzStats { cases: number; diagnostics: number; typedErrors: number; maxMs: number; totalMs: number }

/** Run one case: parse, then evaluate every object (so method bodies are parsed too). */
export function runCase(bytes: Uint8Array, signature: string, stats: FuzzStats): void {
  const t0 = performance.now();
  try {
    const r = readNamespace([{ signature, bytes }]);
    const ev = new StaticEvaluator(r.namespace, (t) => new DiagnosticSink({ table: t }));
    for (const n of r.namespace.walk()) ev.node(n);
    stats.diagnostics += r.diagnostics.length;
  } catch (e) {
    if (!(e instanceof NumakitError)) throw e;
    stats.typedErrors++;
  }
  const ms = performance.now() - t0;
  stats.cases++;
  stats.totalMs += ms;
  stats.maxMs = Math.max(stats.maxMs, ms);
}
