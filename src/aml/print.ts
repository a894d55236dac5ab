/** Text rendering of a NamespaceReport for `numakit namespace`. */
import type { NamespaceDevice, PxmInfo } from "./devices.js";
import type { NamespaceReport } from "./read.js";
import type { SliDistances } from "./sli.js";
import type { ObjectValue } from "./value.js";
import { oneLineText } from "../util/escape.js";
import { hex } from "../util/hex.js";
import { plural } from "../util/plural.js";

function show<T>(v: ObjectValue<T>, fmt: (x: T) => string): string {
  return v.static ? fmt(v.value) : `dynamic (${v.reason})`;
}

function pxmLine(p: PxmInfo): string {
  const ignored = p.ownIgnored === undefined ? "" : `; own _PXM at ${p.ownIgnored}`;
  const from = p.inheritedFrom === undefined ? "" : `, inherited from ${p.inheritedFrom}${ignored}`;
  if (!p.static) return `_PXM  dynamic: ${p.reason} [${p.table} ${hex(p.offset)}${from}]`;
  // Linux reads _PXM as an int (acpi_get_pxm): from 2^31 it is negative, which has no node.
  const none = p.value >= 0x80000000 ? ` (Linux: ${p.value - 0x100000000}, no node)` : "";
  return `_PXM  ${p.value}${none} [static, ${p.table} ${hex(p.offset)}${from}]`;
}

function sliLines(s: ObjectValue<SliDistances>): string[] {
  if (!s.static) return [`_SLI  dynamic: ${s.reason} [${s.table} ${hex(s.offset)}]`];
  const v = s.value;
  return [
    `_SLI  ${v.localities} localities [static, ${s.table} ${hex(s.offset)}]`,
    `      row    ${v.row.join(" ")}   (distance from this locality to 0..${v.localities - 1})`,
    `      column ${v.column.join(" ")}   (distance from 0..${v.localities - 1} to this locality)`,
  ];
}

function identity(d: NamespaceDevice): string {
  const parts: string[] = [];
  if (d.hid !== undefined) parts.push(`_HID ${show(d.hid, oneLineText)}`);
  if (d.cids !== undefined) parts.push(`_CID ${show(d.cids, (x) => oneLineText(x.join(",")))}`);
  if (d.uid !== undefined) parts.push(`_UID ${show(d.uid, (x) => (typeof x === "string" ? JSON.stringify(x) : String(x)))}`);
  if (d.adr !== undefined) parts.push(`_ADR ${show(d.adr, (x) => hex(x, 8))}`);
  if (d.sta !== undefined) parts.push(`_STA ${show(d.sta, (x) => hex(x, 2))}`);
  return parts.join("  ");
}

/** Devices that carry their own _PXM or _SLI (all devices with `all`). */
export function selectDevices(report: NamespaceReport, all: boolean): NamespaceDevice[] {
  return all ? report.devices : report.devices.filter((d) => (d.pxm !== undefined && (d.pxm.inheritedFrom === undefined || d.pxm.ownIgnored !== undefined)) || d.sli !== undefined);
}

export function printNamespace(report: NamespaceReport, all: boolean): string {
  const out: string[] = [];
  for (const t of report.tables) {
    const src = t.source === undefined ? "" : `  ${t.source}`;
    out.push(`${t.label.padEnd(6)} ${String(t.length).padStart(7)} bytes  rev ${t.revision}  ${plural(t.devices, "device")}, ${t.pxmObjects} _PXM, ${t.sliObjects} _SLI${src}`);
  }
  const shown = selectDevices(report, all);
  out.push("");
  for (const d of shown) {
    out.push(`${oneLineText(d.path)}  (${d.kind}, ${d.table} ${hex(d.offset)})`);
    const id = identity(d);
    if (id !== "") out.push(`  ${id}`);
    if (d.pxm !== undefined) out.push(`  ${pxmLine(d.pxm)}`);
    if (d.sli !== undefined) out.push(...sliLines(d.sli).map((l) => `  ${l}`));
  }
  const pxm = report.objects.filter((o) => o.name === "_PXM");
  const sli = report.objects.filter((o) => o.name === "_SLI");
  const stat = (xs: typeof pxm): string => `${xs.filter((o) => o.value.static).length} static, ${xs.filter((o) => !o.value.static).length} dynamic`;
  if (shown.length > 0) out.push("");
  out.push(`${plural(report.devices.length, "device")} (${shown.length} listed${all ? "" : ": those with their own _PXM or _SLI; --all lists every device"}); ` +
    `_PXM objects: ${pxm.length} (${stat(pxm)}); _SLI objects: ${sli.length} (${stat(sli)})`);
  return `${out.join("\n")}\n`;
}
