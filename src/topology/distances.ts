/**
 * Node distances with provenance. Linux `acpi_parse_slit()` uses the SLIT only when
 * `slit_valid()` holds (every diagonal entry 10, every other entry > 10); rows and columns whose
 * PXM has no node are skipped, and pairs the SLIT does not cover keep the default (10 local,
 * 20 remote, `numa_alloc_distance`). Xen's `acpi_numa_slit_init` applies the same rule.
 * `_SLI` (device objects, ACPI §6.2.15) fills in only when there is no usable SLIT.
 */
import type { DistanceSource, Distances } from "./model.js";
import type { SlitView } from "../acpi/views.js";

export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

/** `_SLI` of a locality (ACPI 6.5 §6.2.15): row[j] = distance from this PXM to PXM j, column[j] = from j to it. */
export interface SliRow { pxm: number; row: readonly number[]; column?: readonly number[] }

/** slit_valid(), plus the checks Linux does not make but without which it would read garbage. */
export function slitRejection(slit: SlitView): string | undefined {
  if (slit.localities === 0n) return "the SLIT has 0 localities";
  if (slit.localities > 0xffffn) return `the SLIT claims ${slit.localities} localities`;
  const n = Number(slit.localities);
  if (slit.entries.length < n * n) return `the SLIT matrix needs ${n * n} entries, only ${slit.entries.length} are present`;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = slit.entries[i * n + j] ?? 0;
      if (i === j && v !== LOCAL_DISTANCE) return `SLIT entry [${i}][${j}] is ${v}, the diagonal must be 10`;
      if (i !== j && v <= LOCAL_DISTANCE) return `SLIT entry [${i}][${j}] is ${v}, off-diagonal entries must be above 10`;
    }
  }
  return undefined;
}

function defaultMatrix(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
}

export function buildDistances(pxms: readonly number[], slit: SlitView | undefined, sli: readonly SliRow[]): Distances {
  const n = pxms.length;
  const matrix = defaultMatrix(n);
  const reason = slit === undefined ? "there is no SLIT" : slitRejection(slit);
  if (slit !== undefined && reason === undefined) {
    const count = Number(slit.localities);
    pxms.forEach((pi, i) => {
      const row = matrix[i] ?? [];
      pxms.forEach((pj, j) => {
        const v = pi < count && pj < count ? slit.entries[pi * count + pj] : undefined;
        if (v !== undefined) row[j] = v;
      });
    });
    return { matrix, source: "SLIT" };
  }
  let source: DistanceSource = "default";
  for (const s of sli) {
    const i = pxms.indexOf(s.pxm);
    const row = matrix[i];
    if (row === undefined) continue;
    pxms.forEach((pj, j) => {
      const out = s.row[pj];
      if (out !== undefined) { row[j] = out; source = "_SLI"; }
      const into = s.column?.[pj];
      const other = matrix[j];
      if (into !== undefined && other !== undefined) { other[i] = into; source = "_SLI"; }
    });
  }
  return { matrix, source, reason: reason ?? "the SLIT is not used" };
}
