/**
 * Adapter from the AML namespace reader (src/aml, `readNamespace`) to NamespaceLocality: devices
 * with a static `_PXM` of their own or inherited from an ancestor, `_SLI` rows and columns, and the `_SLI` findings. A dynamic `_PXM`
 * (computed at run time) is reported, never guessed (docs/aml.md).
 */
import { encodeTable, type DecodedTable } from "../acpi/index.js";
import { describeProvenance } from "../acpi/raw.js";
import { readNamespace } from "../aml/index.js";
import { amlBlocks } from "../aml/blocks.js";
import type { Diagnostic } from "../diagnostics.js";
import { NO_NAMESPACE, type CxlHostBridgeDevice, type NamespaceLocality } from "./devices.js";
import type { SliRow } from "./distances.js";
import type { NodeDevice } from "./model.js";
import { slitView } from "../acpi/views.js";

/** _STA bit 0 "present" and bit 3 "functioning" (ACPI 6.5 §6.3.7). */
const STA_PRESENT = 1 << 0;
const STA_FUNCTIONING = 1 << 3;

export function namespaceLocality(tables: readonly DecodedTable[]): NamespaceLocality {
  const blocks = amlBlocks(tables);
  if (blocks.length === 0) return NO_NAMESPACE;
  const slit = tables.find((t) => t.signature === "SLIT");
  const localities = slit === undefined ? undefined : slitView(slit)?.localities;
  const opts = localities !== undefined && localities <= 0xffffn ? { slitLocalities: Number(localities) } : {};
  const ns = readNamespace(blocks.map((t) => ({ signature: t.signature, bytes: encodeTable(t), source: t.source })), opts);
  const devices: NodeDevice[] = [];
  const sli: SliRow[] = [];
  const dynamic: NamespaceLocality["dynamic"] = [];
  let firstDynamic: { table: string; offset: number; reason: string } | undefined;
  // AML syntax findings are `numakit namespace`'s; these change what the topology can say (a full
  // namespace means devices and their _PXM were not read).
  const diagnostics: Diagnostic[] = ns.diagnostics.filter((d) => d.code.startsWith("AML_SLI") || d.code === "AML_NAMESPACE_FULL");
  // A device whose static _STA says neither present nor functioning is not enumerated, nor is
  // anything below it (ACPI 6.5 §6.3.7; Linux acpi_bus_scan skips the subtree): no node to report.
  const absent = new Set(ns.devices.filter((d) => d.sta?.static === true && (d.sta.value & (STA_PRESENT | STA_FUNCTIONING)) === 0).map((d) => d.path));
  const isAbsent = (path: string): boolean => {
    for (let p = path; absent.size > 0; p = p.slice(0, p.lastIndexOf("."))) {
      if (absent.has(p)) return true;
      if (!p.includes(".")) return false;
    }
    return false;
  };
  const cxlHostBridges: CxlHostBridgeDevice[] = [];
  const cxlRoots: string[] = [];
  const sourceOf = new Map(ns.tables.map((t) => [t.label, t.source ?? ""]));
  for (const d of ns.devices) {
    const p = d.pxm;
    if (d.hid?.static === true && d.hid.value === "ACPI0017" && !isAbsent(d.path)) cxlRoots.push(d.path);
    if (d.hid?.static === true && d.hid.value === "ACPI0016" && !isAbsent(d.path)) {
      const hb: CxlHostBridgeDevice = { path: d.path };
      if (d.uid?.static === true) hb.uid = d.uid.value;
      if (p?.static === true) hb.pxm = p.value; else if (p !== undefined && p.ownIgnored === undefined) hb.pxmDynamic = true;
      cxlHostBridges.push(hb);
    }
    if (p === undefined || isAbsent(d.path)) continue;
    if (p.inheritedFrom !== undefined) {
      // A child of a placed device (a NIC or GPU below a root bridge) lives on its ancestor's node.
      if (p.static) {
        const dev: NodeDevice = { path: d.path, pxm: p.value, inheritedFrom: p.inheritedFrom };
        if (d.hid?.static === true) dev.hid = d.hid.value;
        devices.push(dev);
      }
      continue;
    }
    // A constant _PXM ACPICA cannot make an Integer of, and no ancestor's: Linux's acpi_get_pxm()
    // returns -1, no node; nothing is computed at run time.
    if (!p.static && p.ownIgnored !== undefined) continue;
    if (!p.static) {
      dynamic.push(d.hid?.static === true ? { path: d.path, hid: d.hid.value } : { path: d.path });
      firstDynamic ??= { table: p.table, offset: p.offset, reason: p.reason };
      continue;
    }
    const dev: NodeDevice = { path: d.path, pxm: p.value };
    if (d.hid?.static === true) dev.hid = d.hid.value;
    if (d.uid?.static === true) dev.uid = d.uid.value;
    devices.push(dev);
    if (d.sli?.static === true) {
      const at = { table: d.sli.table, offset: d.sli.offset, source: sourceOf.get(d.sli.table) ?? "" };
      sli.push({ pxm: p.value, row: d.sli.value.row, column: d.sli.value.column, path: d.path, at });
    }
  }
  // One finding for all of them: firmware often computes _PXM for every CPU object (X10DAi: 195).
  if (firstDynamic !== undefined) {
    const names = dynamic.slice(0, 4).map((d) => d.path).join(", ");
    diagnostics.push({
      code: "DEVICE_PXM_DYNAMIC", severity: "info", table: firstDynamic.table, offset: firstDynamic.offset,
      message: `${dynamic.length} device(s) compute _PXM at run time (${names}${dynamic.length > 4 ? ", …" : ""}; first: ${firstDynamic.reason}); numakit does not place them`,
      source: describeProvenance(blocks[0]?.source ?? { file: "" }),
    });
  }
  const out: NamespaceLocality = { devices, sli, dynamic, diagnostics };
  if (cxlHostBridges.length > 0) out.cxlHostBridges = cxlHostBridges;
  if (cxlRoots.length > 0) out.cxlRoots = cxlRoots;
  return out;
}
