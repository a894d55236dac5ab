/**
 * Node distances with provenance. Linux `acpi_parse_slit()` uses the SLIT only when
 * `slit_valid()` holds (every diagonal entry 10, every other entry > 10); rows and columns whose
 * PXM has no node are skipped, and pairs the SLIT does not cover keep the default (10 local,
 * 20 remote, `numa_alloc_distance`). Xen's `acpi_numa_slit_init` applies the same rule.
 * `_SLI` (device objects, ACPI §6.2.15) fills in only when there is no usable SLIT.
 * Every source is kept beside the one used (`Distances.sources`), so nothing the firmware says is
 * dropped by the choice.
 */
import type { DefaultDistances, DistanceSourceInfo, Distances, PartialMatrix, SliDistances, SlitDistances } from "./model.js";
import type { EntryLocation, SlitView } from "../acpi/views.js";
import { MAX_ARRAY_ELEMENTS } from "../acpi/layout/codec.js";

export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

/** What the default source says it is, in the model and in JSON. */
export const DEFAULT_DISTANCE_RULE = "10 local, 20 remote (Linux numa_alloc_distance, Xen)";

/** `_SLI` of a locality (ACPI 6.5 §6.2.15): row[j] = distance from this PXM to PXM j, column[j] = from j to it. */
export interface SliRow {
  pxm: number;
  row: readonly number[];
  column?: readonly number[];
  /** The device whose `_SLI` this is, and where the object is defined. */
  path: string;
  at: EntryLocation;
}

/** slit_valid(), plus the checks Linux does not make but without which it would read garbage. */
export function slitRejection(slit: SlitView): string | undefined {
  if (slit.localities === 0n) return "the SLIT has 0 localities";
  if (slit.localities > 0xffffn) return `the SLIT claims ${slit.localities} localities`;
  const n = Number(slit.localities);
  if (slit.entries.length < n * n) {
    // Cut by the decoder (ARRAY_TOO_LARGE), not by the table: what Linux and Xen make of it is not known here.
    if (slit.capped) return `numakit reads a SLIT matrix of at most ${MAX_ARRAY_ELEMENTS} entries, and this one has ${n * n}: not checked, so not applied here`;
    // Neither Linux nor Xen checks the table's length: they read the rest from the memory after it.
    return `the SLIT matrix needs ${n * n} entries, only ${slit.entries.length} are in the table (Linux and Xen read the rest from the memory after it, so what they use is undefined)`;
  }
  return slitMatrixRejection(n, (i, j) => slit.entries[i * n + j] ?? 0);
}

/**
 * `slit_valid()` itself (Linux drivers/acpi/numa/srat.c, Xen xen/arch/x86/srat.c) on an n × n
 * matrix, `entry(i, j)` the byte of row i, column j: the first entry that fails it, in words, or
 * undefined when every diagonal entry is 10 and every other one above 10.
 */
export function slitMatrixRejection(n: number, entry: (i: number, j: number) => number): string | undefined {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = entry(i, j);
      if (i === j && v !== LOCAL_DISTANCE) return `SLIT entry [${i}][${j}] is ${v}, the diagonal must be 10`;
      if (i !== j && v <= LOCAL_DISTANCE) return `SLIT entry [${i}][${j}] is ${v}, off-diagonal entries must be above 10`;
    }
  }
  return undefined;
}

/*
 * The matrices are n × n for n nodes (a million cells at 1024): each is built row by row with
 * plain loops, which made them several times cheaper than Array.from with a callback per cell.
 */

function defaultMatrix(n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(REMOTE_DISTANCE);
    row[i] = LOCAL_DISTANCE;
    out.push(row);
  }
  return out;
}

function emptyMatrix(n: number): PartialMatrix {
  const out: PartialMatrix = [];
  for (let i = 0; i < n; i++) out.push(new Array<number | null>(n).fill(null));
  return out;
}

/** The SLIT's cells for the nodes' PXMs; a lying locality count or a short matrix leaves nulls. */
function slitMatrix(pxms: readonly number[], slit: SlitView): PartialMatrix {
  const count = slit.localities > 0xffffn ? 0 : Number(slit.localities);
  const n = pxms.length;
  const out: PartialMatrix = [];
  for (let i = 0; i < n; i++) {
    const pi = pxms[i] ?? 0;
    const row = new Array<number | null>(n);
    for (let j = 0; j < n; j++) {
      const pj = pxms[j] ?? 0;
      row[j] = pi < count && pj < count ? slit.entries[pi * count + pj] ?? null : null;
    }
    out.push(row);
  }
  return out;
}

/** `_SLI` rows and columns in namespace order; a later object overrides an earlier one, as before. */
function sliMatrix(pxms: readonly number[], sli: readonly SliRow[]): { matrix: PartialMatrix; objects: SliDistances["objects"] } {
  // Without _SLI objects the matrix is never read (no source is listed): not made.
  const matrix = sli.length === 0 ? [] : emptyMatrix(pxms.length);
  const objects: SliDistances["objects"] = [];
  for (const s of sli) {
    const i = pxms.indexOf(s.pxm);
    const row = matrix[i];
    if (row === undefined) continue;
    let said = 0;
    pxms.forEach((pj, j) => {
      const out = s.row[pj];
      if (out !== undefined) { row[j] = out; said++; }
      const into = s.column?.[pj];
      const other = matrix[j];
      if (into !== undefined && other !== undefined) { other[i] = into; said++; }
    });
    if (said > 0) objects.push({ path: s.path, at: s.at });
  }
  return { matrix, objects };
}

/** The default n × n matrix with every non-null cell of `over` written on it. */
function overDefault(n: number, over: PartialMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const o = over[i];
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = o?.[j] ?? (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE);
    out.push(row);
  }
  return out;
}

export function buildDistances(pxms: readonly number[], slit: SlitView | undefined, sli: readonly SliRow[]): Distances {
  const n = pxms.length;
  const reason = slit === undefined ? "there is no SLIT" : slitRejection(slit);
  const fromSli = sliMatrix(pxms, sli);
  const slitUsed = slit !== undefined && reason === undefined;
  const sliUsed = !slitUsed && fromSli.objects.length > 0;

  const sources: DistanceSourceInfo[] = [];
  let matrix: number[][] | undefined;
  if (slit !== undefined) {
    const s: SlitDistances = { source: "SLIT", used: slitUsed, matrix: slitMatrix(pxms, slit), at: slit.at };
    if (reason !== undefined) s.reason = reason;
    sources.push(s);
    if (slitUsed) matrix = overDefault(n, s.matrix);
  }
  if (fromSli.objects.length > 0) {
    sources.push({ source: "_SLI", used: sliUsed, ...fromSli });
    if (sliUsed) matrix = overDefault(n, fromSli.matrix);
  }
  const byDefault: DefaultDistances = { source: "default", used: !slitUsed && !sliUsed, matrix: defaultMatrix(n), rule: DEFAULT_DISTANCE_RULE };
  sources.push(byDefault);

  if (slitUsed && matrix !== undefined) return { matrix, source: "SLIT", sources };
  return { matrix: matrix ?? defaultMatrix(n), source: sliUsed ? "_SLI" : "default", reason: reason ?? "the SLIT is not used", sources };
}
