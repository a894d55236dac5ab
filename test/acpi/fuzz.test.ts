/**
 * Robustness fuzzing (issue 2 acceptance): every input ends in a DecodedTable or a typed
 * NumakitError, within CASE_MS, with output bounded by the input (see ../helpers/fuzz.ts).
 * The tables mutated are samples/ and tables the encoder builds from the specs, always, and every
 * corpus table when the corpus is there (together well over 100k cases). `npm run fuzz:decode`
 * runs FUZZ_SCALE (default there: 20) times as many.
 */
import { readdirSync, readFileSync } from "node:fs";
import { expect } from "chai";
import fc from "fast-check";
import { buildTable } from "../../src/acpi/encode.js";
import { tableDefs } from "../../src/acpi/tables/registry.js";
import { tableModelArb } from "../helpers/arbitraries.js";
import { corpusPath, corpusTables, requireCorpus } from "../helpers/corpus.js";
import { checkSource, checkTable, mutate, mutationArb, targetsOf, type FuzzTable, type Target } from "../helpers/fuzz.js";
import { repoPath } from "../helpers/paths.js";
import { FC_BASE_RUNS } from "../helpers/runs.js";

/** FUZZ_SCALE (npm run fuzz:decode) and FC_NUM_RUNS (every property test, see helpers/runs.ts) both scale the runs. */
const SCALE = Number(process.env["FUZZ_SCALE"] ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE * (FC_BASE_RUNS / 100)));

const isNuma = (t: Target): boolean => /^(SRAT|SLIT|HMAT|APIC|MSCT)$/.test(t.table.signature);
/** Up to `max` items spread evenly over `xs` (first and last included). */
const spread = <T>(xs: readonly T[], max: number): T[] =>
  xs.length <= max ? [...xs] : Array.from({ length: max }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (max - 1))] as T);

/** Every length and count field of every target set to edge values; truncation at many points. Returns the cases run. */
function edgeValues(targets: readonly Target[]): number {
  const edges = (size: number): bigint[] => {
    const max = (1n << BigInt(size * 8)) - 1n;
    return [0n, 1n, 2n, 3n, 7n, 8n, 0x7fn, 0xffn, max >> 1n, max - 1n, max];
  };
  let n = 0;
  for (const t of targets) {
    const numa = isNuma(t);
    for (const which of ["lengths", "counts"] as const) {
      const indexes = spread(t[which].map((_, i) => i), numa ? 32 : 4);
      for (const index of indexes) {
        for (const value of edges(t[which][index]?.[1] ?? 1)) {
          checkTable(mutate(t, [{ kind: "field", index, which, value }]), t.table.signature, n % 32 === 0);
          n++;
        }
      }
    }
    for (const value of edges(4)) { checkTable(mutate(t, [{ kind: "header-length", value }]), t.table.signature, true); n++; }
    // The header and first structures byte by byte, then points spread over the rest.
    const len = t.table.bytes.length;
    const points = new Set([...Array.from({ length: Math.min(len, 80) + 1 }, (_, i) => i), ...spread(Array.from({ length: len + 1 }, (_, i) => i), numa ? 48 : 8)]);
    if (!numa) for (const p of [...points]) if (p > 44 && p < len) points.delete(p);
    for (const keep of points) { checkTable(mutate(t, [{ kind: "truncate", keep }]), t.table.signature, keep % 64 === 0); n++; }
  }
  return n;
}

/** Random combinations of truncation, bit flips, lying lengths and counts, mostly on the NUMA tables. */
function randomMutations(targets: readonly Target[], numRuns: number): void {
  const numa = targets.filter(isNuma);
  const other = targets.filter((t) => !isNuma(t));
  // Targets are drawn by index so a counterexample stays short; a failure names the table's file.
  const index = (list: Target[]): fc.Arbitrary<number> => fc.nat({ max: list.length - 1 }).map((i) => targets.indexOf(list[i] as Target));
  const arb = (other.length === 0 ? index(numa) : fc.oneof({ weight: 9, arbitrary: index(numa) }, { weight: 1, arbitrary: index(other) }))
    .chain((i) => fc.tuple(fc.constant(i), fc.array(mutationArb(targets[i] as Target), { minLength: 1, maxLength: 3 }), fc.nat({ max: 31 })));
  fc.assert(fc.property(arb, ([i, muts, r]) => {
    const t = targets[i] as Target;
    try {
      checkTable(mutate(t, muts), t.table.signature, r === 0);
    } catch (err) {
      throw new Error(`${t.table.file} ${t.table.signature}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }), { numRuns });
}

/** Line-level damage (lines dropped, inserted, cut, doubled) to an acpidump text. */
function lineDamage(text: string, numRuns: number): void {
  const lines = text.split("\n");
  const edit = fc.tuple(fc.nat({ max: 4 }), fc.nat(), fc.string({ maxLength: 12 }));
  const arb = fc.tuple(fc.nat({ max: lines.length - 1 }), fc.integer({ min: 1, max: 120 }), fc.array(edit, { maxLength: 6 }));
  fc.assert(fc.property(arb, ([from, len, edits]) => {
    const part = lines.slice(from, from + len);
    for (const [op, at, s] of edits) {
      const i = part.length === 0 ? 0 : at % part.length;
      const l = part[i] ?? "";
      if (op === 0) part.splice(i, 1);
      else if (op === 1) part.splice(i, 0, s);
      else if (op === 2) part[i] = l.slice(0, at % (l.length + 1)) + s + l.slice(at % (l.length + 1));
      else if (op === 3) part[i] = l.slice(0, at % (l.length + 1));
      else part.splice(i, 0, l);
    }
    checkSource(new Uint8Array(Buffer.from(part.join("\n"), "latin1")));
  }), { numRuns });
}

/** samples/'s binary tables and, per NUMA signature, 12 valid tables built from the specs (a fixed seed). */
function ownTables(): FuzzTable[] {
  const samples = ["2socket", "4node"].flatMap((host) => readdirSync(repoPath("samples", host)).sort()
    .map((sig) => ({ file: `samples/${host}/${sig}`, source: { file: `samples/${host}/${sig}` }, signature: sig, bytes: new Uint8Array(readFileSync(repoPath("samples", host, sig))) })));
  const built = ["SRAT", "SLIT", "HMAT", "APIC", "MSCT"].flatMap((sig) => {
    const def = tableDefs.get(sig);
    if (def === undefined) throw new Error(`no spec for ${sig}`);
    return fc.sample(tableModelArb(def, 10), { numRuns: 12, seed: 4242 }).map((m, i) => ({ file: `built ${sig} #${String(i)}`, source: { file: `built ${sig} #${String(i)}` }, signature: sig, bytes: buildTable(def, m) }));
  });
  return [...samples, ...built];
}

describe("acpi: robustness fuzzing of samples/ and encoder-built tables", function () {
  this.timeout(600_000);
  let targets: Target[] = [];
  before(() => { targets = targetsOf(ownTables()); });

  it("length and count fields set to edge values; truncation at many points", () => {
    expect(targets.length).to.be.at.least(60);
    expect(edgeValues(targets)).to.be.at.least(10_000);
  });

  it("random combinations of truncation, bit flips, lying lengths and counts", () => {
    randomMutations(targets, runs(20_000));
  });

  it("the source detector on random bytes and random acpidump-like text", () => {
    const alphabet = fc.constantFrom(..."0123456789ABCDEFabcdef :@\n\n\t .x()nilSRAT RSD PTR".split(""));
    const texty = fc.string({ unit: alphabet, maxLength: 600 }).map((s) => new Uint8Array(Buffer.from(s, "latin1")));
    const dumpy = fc.array(fc.tuple(fc.constantFrom("SRAT @ 0x0000000000000000", "SLIT @ (nil)", "RSD PTR @ 0x00000000000F0000", "", "junk"),
      fc.array(fc.tuple(fc.nat({ max: 0x1ffff }), fc.uint8Array({ maxLength: 17 })), { maxLength: 6 })), { maxLength: 6 })
      .map((blocks) => new Uint8Array(Buffer.from(blocks.map(([h, rows]) => `${h}\n${rows.map(([off, b]) =>
        `    ${off.toString(16).padStart(4, "0")}: ${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ")}  ascii`).join("\n")}\n`).join("\n"), "latin1")));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), texty, dumpy), (b) => { checkSource(b); }), { numRuns: runs(12_000) });
  });

  it("line-level damage to samples/4node.acpidump.txt", () => {
    lineDamage(readFileSync(repoPath("samples", "4node.acpidump.txt"), "latin1"), runs(3_000));
  });
});

describe("acpi: robustness fuzzing of the corpus tables", function () {
  this.timeout(600_000);
  let targets: Target[] = [];
  before(function () {
    requireCorpus(this);
    targets = targetsOf(corpusTables());
  });

  it("length and count fields of every corpus table set to edge values; truncation at many points", () => {
    expect(edgeValues(targets)).to.be.at.least(25_000);
  });

  it("random combinations of truncation, bit flips, lying lengths and counts", () => {
    randomMutations(targets, runs(30_000));
  });

  it("line-level damage to real acpidump text", () => {
    lineDamage(readFileSync(corpusPath("real", "supermicro-h8dgu-57ED146F2C3C.txt"), "latin1"), runs(5_000));
  });
});
