/**
 * Text for node kinds, memory tiers and CXL (CEDT windows, host bridges, Generic Ports): lines the
 * topology report (./text.ts) inserts into each node and after the HMAT section.
 */
import { CFMWS_RESTRICTION_BITS } from "../acpi/tables/cedt.js";
import { NODE_KIND_NAMES } from "../topology/kinds.js";
import { windowRange } from "../topology/cxl.js";
import type { Topology, TopologyNode } from "../topology/model.js";
import { oneLineText } from "../util/escape.js";
import { hex } from "../util/hex.js";
import { pluralWord } from "../util/plural.js";

type Bytes = (n: bigint) => string;

/** CFMWS restrictions by their ACPICA names, lower case: "device coherent, volatile". */
function restrictionText(keys: readonly string[]): string {
  const names = CFMWS_RESTRICTION_BITS.filter((b) => keys.includes(b.key)).map((b) => b.label.toLowerCase());
  return names.length === 0 ? "no restrictions" : names.join(", ");
}

/** "  kind: DRAM; memory tier 4 (boot memory: the default DRAM tier)" */
export function nodeKindLines(n: TopologyNode, bytes: Bytes): string[] {
  const extra = n.kinds.slice(1).map((k) => NODE_KIND_NAMES[k]);
  const kind = `${NODE_KIND_NAMES[n.kind]}${extra.length > 0 ? ` (also ${extra.join(", ")})` : ""}`;
  const t = n.memoryTier;
  const tier = t === undefined ? "" : `; memory tier ${t.tier} (abstract distance ${t.adistance}: ${t.reason})`;
  const w = n.cxlWindow;
  const window = w === undefined ? [] : [`  CXL window ${w.index}: ${windowRange(w)} (${bytes(w.size)}), interleaved over host ${pluralWord(w.targets.length, "bridge")} ${w.targets.join(", ")}`];
  return [`  kind: ${kind}${tier}`, ...window];
}

export function tiersText(t: Topology): string[] {
  const s = t.memoryTiers;
  if (s === undefined) return [];
  const ref = s.reference === undefined ? ""
    : ` relative to DRAM node ${s.reference.node} (read/write latency ${s.reference.perf.readLatencyNs}/${s.reference.perf.writeLatencyNs} ns, bandwidth ${s.reference.perf.readBandwidthMBps}/${s.reference.perf.writeBandwidthMBps} MB/s)`;
  const off = s.hmatDisabled === undefined ? "" : `; not from the HMAT: ${s.hmatDisabled}`;
  return [
    "",
    `memory tiers (Linux ${s.kernel}${ref === "" ? "" : `; abstract distances${ref}`}${off}):`,
    ...s.tiers.map((x) => `  memory_tier${x.tier}: ${pluralWord(x.nodes.length, "node")} ${x.nodes.join(", ")}`),
  ];
}

export function cxlText(t: Topology, bytes: Bytes): string[] {
  const c = t.cxl;
  if (c === undefined) return [];
  const lines = [""];
  lines.push(`CXL (Linux ${c.kernel} rules${c.firstFakePxm === undefined ? "" : `; first fake PXM ${c.firstFakePxm}`}):`);
  for (const b of c.hostBridges) {
    const dev = b.device === undefined ? "no ACPI0016 device with this _UID in the namespace"
      : `${b.device}${b.pxm !== undefined ? ` _PXM ${b.pxm}` : b.pxmDynamic === true ? " _PXM computed at run time" : " no _PXM"}`;
    lines.push(`  host bridge UID ${b.uid} (CXL ${b.cxlVersion}): registers ${hex(b.registerBase)} + ${hex(b.registerLength)}; ${dev}`);
  }
  for (const w of c.windows) {
    const ways = w.ways === undefined ? `reserved ways encoding ${w.eniw}` : `${w.ways}-way ${w.arithmetic}`;
    const gran = w.granularityBytes === undefined ? "" : `, ${w.granularityBytes}-byte granularity`;
    lines.push(`  window ${w.index}: ${windowRange(w)} (${bytes(w.size)}), ${ways}${gran} over host ${pluralWord(w.targets.length, "bridge")} ${w.targets.join(", ") || "(none)"}; ${restrictionText(w.restrictionNames)}; QTG ${w.qtgId}`);
    lines.push(`    Linux: ${w.linux.sentence}`);
  }
  for (const g of c.genericPorts) {
    const who = g.hid === undefined ? "PCI handle" : `${oneLineText(g.hid)} UID ${g.uid ?? 0}${g.hostBridgeUid !== undefined ? " (a CEDT host bridge)" : ""}`;
    const linux = g.linux === "hmat-target"
      ? "no node; an HMAT target for CXL performance (hmat.c srat_parse_genport_affinity, 6.8+)"
      : "ignored (no node; HMAT reads Generic Ports from 6.8)";
    lines.push(`  generic port ${who} on PXM ${g.pxm}: Linux ${c.kernel}: ${linux}`);
  }
  if (c.windows.length > 0) lines.push(`  Xen: ${c.xen}`);
  return lines;
}
