/**
 * The text report of a scenario run (`numakit sim`, default format): the scenario's description,
 * the host and Xen it ran on, one row per step (its arguments as the scenario gave them, the
 * return code, the result), the final state of the nodes and domains, and the expectations.
 * A pure function of the scenario, its host and the run report; strings from the scenario file
 * (description, VM names) are shown with visible escapes, never as raw control characters.
 */
import { visibleControls } from "../../util/escape.js";
import { plural } from "../../util/plural.js";
import { nodePresentPages, type HostSpec } from "../host.js";
import { rcName } from "../libxc/hypercalls.js";
import type { BaseStep } from "../scenario/registry.js";
import { scenarioXen, type RunReport, type Scenario } from "../scenario/scenario.js";
import { PAGES_PER_MIB } from "../units.js";
import { pushAll } from "../../util/arrays.js";

/** Arrays longer than this are shown by their length in a step's arguments ("vms=[40 items]"). */
const MAX_ARRAY_SHOWN = 8;

/** A JSON value on one line (JSON.stringify escapes control characters); long arrays (a vm_start's 40 VMs) by their length. */
function shown(v: unknown): string {
  if (Array.isArray(v)) return v.length > MAX_ARRAY_SHOWN ? `[${plural(v.length, "item")}]` : `[${v.map(shown).join(",")}]`;
  if (typeof v === "object" && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${shown(x)}`).join(",")}}`;
  return v === undefined ? "undefined" : JSON.stringify(v);
}

/** `key=value ...`; a top-level string is shown bare unless quoting is needed to read it back (flow=claim, name="a b"). */
function fields(o: Record<string, unknown> | undefined): string {
  if (o === undefined) return "";
  return Object.entries(o).map(([k, v]) => {
    const bare = typeof v === "string" && /^[\w.,:/+-]+$/.test(v);
    return `${shown(k).slice(1, -1)}=${bare ? v : shown(v)}`;
  }).join(" ");
}

/** Rows as columns: the first `left` columns left-aligned, the rest right-aligned; no trailing blanks. */
export function columns(rows: readonly (readonly string[])[], left = 1): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, c) => { widths[c] = Math.max(widths[c] ?? 0, cell.length); });
  return rows.map((r) => r.map((cell, c) => (c < left ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd());
}

function hostLine(spec: HostSpec, scn: Scenario): string {
  const cpus = spec.nodes.reduce((s, n) => s + n.cpus.length, 0);
  const pages = spec.nodes.reduce((s, n) => s + nodePresentPages(n), 0);
  const xen = scenarioXen(scn);
  const claims = xen.nodeClaims === "none" ? "no node claims" : `node claims ${xen.nodeClaims}`;
  return `host: ${plural(spec.nodes.length, "node")}, ${plural(cpus, "CPU")}, ${(pages / PAGES_PER_MIB).toFixed(1)} MiB; Xen ${xen.version}, ${claims}`;
}

/** How many values the run checked: each key of each `expect` of a step that ran. */
function expectationsChecked(steps: readonly BaseStep[], ran: number): number {
  return steps.slice(0, ran).reduce((s, st) => s + Object.keys(st.expect ?? {}).length, 0);
}

function stepRows(scn: Scenario, r: RunReport): string[] {
  const rows: string[][] = [["step", "op", "rc", "arguments", "result"]];
  const below = new Map<number, string[]>();
  r.steps.forEach((s, i) => {
    const step = scn.steps[i];
    const text = scn.ops.get(s.op)?.text;
    // An op with its own rendering (vm_start's per-VM table) shows it below its row instead of the raw result.
    if (text !== undefined) below.set(rows.length, text(s));
    rows.push([String(i), s.op, rcName(s.rc), fields(step?.given), text === undefined ? fields(s.result) : ""]);
  });
  if (r.crash !== undefined) rows.push([String(r.crash.step), r.crash.op, "PANIC", fields(scn.steps[r.crash.step]?.given), visibleControls(r.crash.message)]);
  // Step numbers right-aligned, the rest left.
  const lines = columns(rows.map(([n = "", ...rest]) => [n.padStart(4), ...rest]), 5);
  return lines.flatMap((l, row) => [l, ...(below.get(row) ?? []).map((x) => `      ${visibleControls(x)}`)]);
}

function finalRows(r: RunReport): string[] {
  const out = ["final state:"];
  const claims = r.final.nodes.some((n) => n.claimedPages !== undefined);
  const nodes = [["node", "free pages", "free MiB", ...(claims ? ["claimed pages"] : [])]];
  for (const n of r.final.nodes) {
    nodes.push([String(n.id), String(n.freePages), (n.freePages / PAGES_PER_MIB).toFixed(1), ...(claims ? [String(n.claimedPages ?? 0)] : [])]);
  }
  out.push(...columns(nodes, 0).map((l) => `  ${l}`));
  if (r.final.domains.length > 0) {
    const doms = [["domain", "tot pages", "outstanding", "pages by node"]];
    for (const d of r.final.domains) {
      doms.push([String(d.domid), String(d.totPages), String(d.outstandingPages), Object.entries(d.pagesByNode).map(([k, v]) => `${k}:${v}`).join(" ") || "-"]);
    }
    // The per-node list is text: left-aligned, last.
    const lines = columns(doms.map((d) => d.slice(0, 3)), 0);
    out.push("");
    pushAll(out, lines.map((l, i) => `  ${l}  ${doms[i]?.[3] ?? ""}`.trimEnd()));
  } else {
    out.push("  no domains");
  }
  return out;
}

function expectationLines(scn: Scenario, r: RunReport): string[] {
  // The step that panicked did not finish: its expect was not checked, nor were later ones.
  const checked = expectationsChecked(scn.steps, r.crash === undefined ? scn.steps.length : r.crash.step);
  const failed = r.failures.length - (r.crash === undefined ? 0 : 1);
  const list = r.failures.map((f) => `  ${visibleControls(f)}`);
  if (r.crash !== undefined) {
    const also = failed > 0 ? `; ${failed} of ${plural(checked, "check")} before it failed` : checked > 0 ? `; all ${plural(checked, "check")} before it met` : "";
    return [`expectations: FAILED: Xen panicked in step ${r.crash.step} (${r.crash.op})${also}`, ...list];
  }
  if (failed > 0) return [`expectations: ${failed} of ${plural(checked, "check")} FAILED`, ...list];
  if (checked === 0) return ["expectations: none (the scenario checks nothing)"];
  return [`expectations: all ${plural(checked, "check")} met`];
}

/** The whole text report, ending in a newline. */
export function simRunText(scn: Scenario, host: HostSpec, r: RunReport): string {
  const lines: string[] = [];
  if (scn.description !== undefined) lines.push(visibleControls(scn.description), "");
  lines.push(hostLine(host, scn), "");
  pushAll(lines, stepRows(scn, r));
  lines.push("");
  pushAll(lines, finalRows(r));
  lines.push("");
  pushAll(lines, expectationLines(scn, r));
  return `${lines.join("\n")}\n`;
}
