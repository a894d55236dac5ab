/**
 * Heat maps as HTML tables with the numbers in the cells: the distance matrix the OS uses and every
 * HMAT matrix (per hierarchy and data type, initiators × targets). Colours are ten CSS classes
 * (h0 best … h9 worst) so a 64×64 matrix costs a few bytes per cell; the script finds a cell's
 * row and column from the table structure, not from per-cell attributes.
 */
import { escapeHtml } from "../../util/escape.js";
import { HMAT_DATA_KEYS, hmatRowKey, indexHmatPairs, type HmatDataKey } from "../../topology/hmat.js";
import type { Topology } from "../../topology/model.js";
import { maxOf, minOf } from "../../util/arrays.js";

export const HEAT_STEPS = 10;

/** On paper, a matrix of more columns than this is squeezed to the page width (class "wide"). */
export const PRINT_FIT_COLUMNS = 12;

/** Green (good) to red (bad), light enough for dark text. */
export const HEATMAP_CSS = [
  "table.heat{border-collapse:collapse;font:12px ui-monospace,monospace;margin:.3em 0 1em}",
  "table.heat th,table.heat td{border:1px solid #fff;padding:2px 6px;text-align:right;min-width:2.2em}",
  "table.heat th{background:#e8edf2;font-weight:600}",
  "table.heat td.na{background:#f4f4f4;color:#999}",
  "table.heat .hl{outline:2px solid #d0342c;outline-offset:-2px}",
  ...Array.from({ length: HEAT_STEPS }, (_, i) => {
    const hue = Math.round(130 - (130 * i) / (HEAT_STEPS - 1));
    return `table.heat td.h${i}{background:hsl(${hue} 60% ${88 - i * 2}%)}`;
  }),
  // Paper: the colours are the point (browsers drop backgrounds unless told), and a page does not
  // scroll: matrices print smaller, a wide one in equal columns of the page's width.
  "@media print{table.heat{font-size:9px;-webkit-print-color-adjust:exact;print-color-adjust:exact}" +
    "table.heat th,table.heat td{padding:1px 2px;min-width:0}" +
    "table.heat.wide{table-layout:fixed;width:100%;font-size:7px}table.heat.wide thead th:first-child{width:4.5em}table.heat.wide th,table.heat.wide td{padding:0;overflow:hidden;overflow-wrap:anywhere}}",
].join("\n");

export interface Axis {
  /** Header text, e.g. "node 3" or "PXM 7". */
  label: string;
  /** The node id, when the axis entry is a node (the picture highlights it). */
  node?: number;
}

export interface HeatMap {
  id: string;
  title: string;
  rows: Axis[];
  cols: Axis[];
  /** values[r][c]; undefined = no data. */
  values: (number | undefined)[][];
  unit: string;
  /** Bandwidth: more is better, so the colour scale runs the other way. */
  higherIsBetter: boolean;
}

function bucket(v: number, min: number, max: number, higherIsBetter: boolean): number {
  if (max === min) return 0;
  const f = (v - min) / (max - min);
  return Math.round((higherIsBetter ? 1 - f : f) * (HEAT_STEPS - 1));
}

function axisCell(a: Axis, scope: "row" | "col"): string {
  return `<th scope="${scope}"${a.node === undefined ? "" : ` data-node="${a.node}"`}>${escapeHtml(a.label)}</th>`;
}

export function heatMapHtml(m: HeatMap): string {
  const all = m.values.flat().filter((v): v is number => v !== undefined);
  const min = minOf(all);
  const max = maxOf(all);
  const body = m.rows.map((r, i) => {
    const cells = m.cols.map((_, j) => {
      const v = m.values[i]?.[j];
      return v === undefined ? '<td class="na">–</td>' : `<td class=h${bucket(v, min, max, m.higherIsBetter)}>${v}</td>`;
    }).join("");
    return `<tr>${axisCell(r, "row")}${cells}</tr>`;
  });
  // In a box of its own that scrolls sideways (as the picture does): a wide matrix is neither
  // clipped by its section (content-visibility paints nothing outside it) nor widens the page.
  return [
    `<div class="matrix"><table class="heat${m.cols.length > PRINT_FIT_COLUMNS ? " wide" : ""}" id="${m.id}">`,
    `<caption>${escapeHtml(m.title)}${m.unit === "" ? "" : ` (${escapeHtml(m.unit)})`}</caption>`,
    `<thead><tr><th></th>${m.cols.map((c) => axisCell(c, "col")).join("")}</tr></thead>`,
    `<tbody>${body.join("\n")}</tbody>`,
    "</table></div>",
  ].join("\n");
}

/** Where the distances come from, in the words of the text report. */
export function distanceProvenance(t: Topology): string {
  const d = t.distances;
  if (d.source === "SLIT") return "from the SLIT";
  if (d.source === "_SLI") return `from _SLI (${d.reason ?? ""})`;
  return `default 10/20: ${d.reason ?? ""}`;
}

export function distanceHeatMap(t: Topology): HeatMap {
  const axis = t.nodes.map((n) => ({ label: `node ${n.id}`, node: n.id }));
  return {
    id: "distances", title: `node distances, ${distanceProvenance(t)}`, rows: axis, cols: axis,
    values: t.nodes.map((_, i) => t.nodes.map((__, j) => t.distances.matrix[i]?.[j])), unit: "", higherIsBetter: false,
  };
}

export const HMAT_LABEL: Record<HmatDataKey, string> = {
  accessLatencyNs: "access latency", readLatencyNs: "read latency", writeLatencyNs: "write latency",
  accessBandwidthMBps: "access bandwidth", readBandwidthMBps: "read bandwidth", writeBandwidthMBps: "write bandwidth",
};

const axisOf = (node: number | undefined, pxm: number): Axis => (node === undefined ? { label: `PXM ${pxm}` } : { label: `node ${node}`, node });

/** One heat map per (memory hierarchy, data type) the HMAT fills; rows initiators, columns targets. */
export function hmatHeatMaps(t: Topology): HeatMap[] {
  const h = t.hmat;
  if (h === undefined) return [];
  const out: HeatMap[] = [];
  const levels = [...new Set(h.pairs.map((p) => p.hierarchy))].sort((a, b) => a - b);
  for (const level of levels) {
    const pairs = h.pairs.filter((p) => p.hierarchy === level);
    // One pass, in first-seen order: each axis PXM's node from its first pair (a find() per PXM
    // and a string key per pair made a 2048 × 2048 structure's maps take 40 s).
    const rowNodes = new Map<number, number | undefined>();
    const colNodes = new Map<number, number | undefined>();
    for (const p of pairs) {
      if (!rowNodes.has(p.initiatorPxm)) rowNodes.set(p.initiatorPxm, p.initiator);
      if (!colNodes.has(p.targetPxm)) colNodes.set(p.targetPxm, p.target);
    }
    const index = indexHmatPairs(pairs);
    const rowKeys = [...rowNodes.keys()];
    const colKeys = [...colNodes.keys()];
    const rows = rowKeys.map((pxm) => axisOf(rowNodes.get(pxm), pxm));
    const cols = colKeys.map((pxm) => axisOf(colNodes.get(pxm), pxm));
    for (const key of HMAT_DATA_KEYS) {
      if (!pairs.some((p) => p.values[key] !== undefined)) continue;
      const ns = key.endsWith("Ns");
      out.push({
        id: `hmat-${level}-${key}`,
        title: `${HMAT_LABEL[key]}${level === 0 ? "" : `, memory-side cache level ${level}`}, initiator × target`,
        rows, cols, unit: ns ? "ns" : "MB/s", higherIsBetter: !ns,
        values: rowKeys.map((i) => { const row = index.get(hmatRowKey(level, i)); return colKeys.map((j) => row?.get(j)?.values[key]); }),
      });
    }
  }
  return out;
}
