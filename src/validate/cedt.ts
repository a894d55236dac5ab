/**
 * CEDT checks: what Linux's cxl_acpi refuses (drivers/cxl/acpi.c `cxl_acpi_cfmws_verify`: unknown
 * interleave arithmetic, base or size not 256 MiB aligned, a reserved ways encoding, a structure
 * shorter than its target list), and what makes the windows ambiguous: windows overlapping each
 * other or the SRAT's ranges in ways the NUMA rule (src/topology/cxl.ts) resolves by kernel
 * version, interleave targets without a host bridge, host bridges without `_PXM`, fake PXMs that
 * alias a PXM another table names, and QTG ids (offered by the ACPI0017 `_DSM`, which is run-time
 * AML numakit does not evaluate).
 */
import type { DecodedTable } from "../acpi/index.js";
import { describeProvenance } from "../acpi/raw.js";
import { cfmwsInterleaveWays, cfmwsLength } from "../acpi/tables/cedt.js";
import { cedtView, type CedtWindow } from "../acpi/views-cedt.js";
import type { SratEntry } from "../acpi/views.js";
import { windowRange } from "../topology/cxl.js";
import type { Topology } from "../topology/model.js";
import { entryPxm, isEnabled } from "../topology/srat-walk.js";
import { Findings } from "./findings.js";
import { hex } from "../util/hex.js";
import { pluralWord } from "../util/plural.js";

const MiB256 = 256n << 20n;

function range(w: CedtWindow): { start: bigint; end: bigint } {
  return { start: w.windowBaseAddress, end: w.windowBaseAddress + w.windowSize };
}

function overlaps(a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }): boolean {
  return a.start < b.end && b.start < a.end;
}

function checkWindow(w: CedtWindow, i: number, f: Findings, hostBridgeUids: ReadonlySet<number>, xorGranularities: ReadonlySet<number>): void {
  const name = `CFMWS ${i} ${windowRange({ base: w.windowBaseAddress, size: w.windowSize })}`;
  const ways = cfmwsInterleaveWays(w.interleaveMembers);
  if (ways === undefined) f.add("CEDT_CFMWS_WAYS", `${name}: Interleave Members ${w.interleaveMembers} is a reserved encoding; Linux: "CFMWS Interleave Ways (${w.interleaveMembers}) invalid", window not registered`, w.at);
  else if (w.declaredLength < cfmwsLength(ways)) f.add("CEDT_CFMWS_LENGTH", `${name}: length ${w.declaredLength} is less than the ${cfmwsLength(ways)} bytes ${ways} targets need; Linux: window not registered`, w.at);
  else if (w.declaredLength > cfmwsLength(ways)) f.add("CEDT_CFMWS_LENGTH_LONG", `${name}: length ${w.declaredLength} is more than the ${cfmwsLength(ways)} bytes ${ways} targets need (Linux ignores the rest)`, w.at);
  if (w.interleaveArithmetic > 1) f.add("CEDT_CFMWS_ARITHMETIC", `${name}: Interleave Arithmetic ${w.interleaveArithmetic} is reserved (0 modulo, 1 XOR); Linux: window not registered`, w.at);
  else if (w.interleaveArithmetic === 1 && !xorGranularities.has(w.granularity)) {
    f.add("CEDT_CFMWS_XOR_NO_CXIMS", `${name}: XOR interleave but no CXIMS with granularity encoding ${w.granularity}; Linux cannot translate addresses in it`, w.at);
  }
  if (w.windowBaseAddress % MiB256 !== 0n || w.windowSize % MiB256 !== 0n || w.windowSize === 0n) {
    f.add("CEDT_CFMWS_ALIGNMENT", `${name}: base ${hex(w.windowBaseAddress)} and size ${hex(w.windowSize)} must be non-zero multiples of 256 MiB; Linux: window not registered`, w.at);
  }
  if (w.granularity > 6) f.add("CEDT_CFMWS_GRANULARITY", `${name}: Granularity encoding ${w.granularity} is reserved (0-6: 256 B to 16 KiB)`, w.at);
  const missing = [...new Set(w.interleaveTargets.filter((t) => !hostBridgeUids.has(t)))];
  if (missing.length > 0) f.add("CEDT_TARGET_NO_CHBS", `${name}: interleave ${pluralWord(missing.length, "target")} ${missing.join(", ")} name${missing.length === 1 ? "s" : ""} no CHBS host bridge`, w.at);
}

/** SRAT ranges and windows: overlaps the NUMA rule resolves by kernel version, or cannot. */
function checkSratOverlap(windows: readonly CedtWindow[], srat: readonly SratEntry[], revision: number, f: Findings): void {
  const blocks = srat.flatMap((e) => (e.type === 1 && isEnabled(e) && e.addressLength > 0n
    ? [{ start: e.baseAddress, end: e.baseAddress + e.addressLength, pxm: entryPxm(e, revision), at: e.at }] : []));
  windows.forEach((w, i) => {
    const r = range(w);
    const name = `CFMWS ${i} ${windowRange({ base: w.windowBaseAddress, size: w.windowSize })}`;
    const hits = blocks.filter((b) => overlaps(b, r));
    if (hits.length === 0) return;
    const straddle = hits.filter((b) => b.start < r.start || b.end > r.end);
    for (const b of straddle) {
      f.add("CEDT_CFMWS_SRAT_STRADDLE", `${name}: SRAT range PXM ${b.pxm} [mem ${hex(b.start)}-${hex(b.end - 1n)}] crosses the window's boundary`, b.at);
    }
    const pxms = [...new Set(hits.map((b) => b.pxm))];
    if (pxms.length > 1) f.add("CEDT_CFMWS_SRAT_MIXED", `${name}: SRAT ranges of PXMs ${pxms.join(", ")} lie in one window; Linux 6.7+ stretches each over the gaps (numa_fill_memblks)`, w.at);
    const covered = hits.reduce((n, b) => n + ((b.end < r.end ? b.end : r.end) - (b.start > r.start ? b.start : r.start)), 0n);
    const startCovered = hits.some((b) => b.start <= r.start && r.start < b.end);
    if (covered < w.windowSize && !startCovered) {
      f.add("CEDT_CFMWS_SRAT_PARTIAL", `${name}: the SRAT covers part of the window but not its start: Linux 5.17-6.6 makes a new node for the window (over the SRAT's range), 6.7+ extends the SRAT's node instead`, w.at);
    } else if (covered < w.windowSize) {
      f.add("CEDT_CFMWS_SRAT_PARTIAL_INFO", `${name}: the SRAT covers ${hex(covered)} of ${hex(w.windowSize)} bytes, including its start: no new node on any kernel (6.7+ extends the SRAT range over the window)`, w.at);
    }
  });
}

export function checkCedt(cedtT: DecodedTable, topology: Topology, srat: readonly SratEntry[], revision: number, otherPxms: ReadonlySet<number>, f: Findings): void {
  const view = cedtView(cedtT);
  const tableAt = { table: "CEDT", source: describeProvenance(cedtT.source) };
  const uids = new Map<number, number>();
  for (const b of view.hostBridges) {
    uids.set(b.uid, (uids.get(b.uid) ?? 0) + 1);
    // ACPICA actbl1.h ACPI_CEDT_CHBS_LENGTH_CXL11 / _CXL20: the register block each version has.
    const want = b.cxlVersion === 0 ? 0x2000n : b.cxlVersion === 1 ? 0x10000n : undefined;
    if (want === undefined) f.add("CEDT_CHBS_VERSION", `CHBS UID ${b.uid}: Specification version ${b.cxlVersion} is reserved (0 CXL 1.1, 1 CXL 2.0)`, b.at);
    else if (b.registerLength !== want) f.add("CEDT_CHBS_REGISTER_LENGTH", `CHBS UID ${b.uid}: register length ${hex(b.registerLength)}, CXL ${b.cxlVersion === 0 ? "1.1 RCRB" : "2.0 component registers"} are ${hex(want)}`, b.at);
  }
  for (const [uid, n] of uids) if (n > 1) f.add("CEDT_CHBS_DUPLICATE_UID", `${n} CHBS structures name host bridge UID ${uid}`, tableAt);
  const xor = new Set(cedtT.subtables.filter((s) => s.type === 2 && s.known).map((s) => s.values["interleaveGranularity"] as number));
  view.windows.forEach((w, i) => { checkWindow(w, i, f, new Set(uids.keys()), xor); });
  for (let i = 0; i < view.windows.length; i++) {
    for (let j = i + 1; j < view.windows.length; j++) {
      const a = view.windows[i];
      const b = view.windows[j];
      if (a !== undefined && b !== undefined && a.windowSize > 0n && b.windowSize > 0n && overlaps(range(a), range(b))) {
        f.add("CEDT_CFMWS_OVERLAP", `CFMWS ${i} ${windowRange({ base: a.windowBaseAddress, size: a.windowSize })} overlaps CFMWS ${j} ${windowRange({ base: b.windowBaseAddress, size: b.windowSize })}`, b.at);
      }
    }
  }
  checkSratOverlap(view.windows, srat, revision, f);
  const cxl = topology.cxl;
  if (cxl === undefined) return;
  for (const hb of cxl.hostBridges) {
    if (cxl.rootDevices === undefined) continue;
    if (hb.device === undefined) f.add("CEDT_CHBS_NO_DEVICE", `CHBS UID ${hb.uid}: no ACPI0016 host bridge with _UID ${hb.uid} in the DSDT/SSDTs`, hb.at);
    else if (hb.pxm === undefined && hb.pxmDynamic !== true) f.add("CEDT_HOST_BRIDGE_NO_PXM", `CXL host bridge ${hb.device} (UID ${hb.uid}) has no _PXM: Linux cannot place it (NUMA_NO_NODE)`, hb.at);
    else if (hb.pxm === undefined) f.add("CEDT_HOST_BRIDGE_PXM_DYNAMIC", `CXL host bridge ${hb.device} (UID ${hb.uid}) computes its _PXM at run time`, hb.at);
  }
  if (cxl.rootDevices !== undefined && cxl.rootDevices.length === 0 && cxl.windows.length > 0) {
    f.add("CEDT_NO_CXL_ROOT", "no ACPI0017 CXL root device in the DSDT/SSDTs: Linux's cxl_acpi does not bind, so no CXL window is used by the CXL driver", tableAt);
  }
  const qtgs = [...new Set(cxl.windows.map((w) => w.qtgId))];
  if (cxl.windows.length > 0) {
    const where = cxl.rootDevices === undefined || cxl.rootDevices.length === 0 ? "the ACPI0017 _DSM" : `${cxl.rootDevices.join(", ")} _DSM`;
    f.add("CEDT_QTG_UNCHECKED", `windows use QTG ${pluralWord(qtgs.length, "id")} ${qtgs.join(", ")}; the ids the platform offers come from ${where} (function 1), run-time AML numakit does not evaluate`, tableAt);
  }
  for (const w of cxl.windows) {
    const pxm = w.linux.pxm;
    if (w.linux.action === "new-node" && pxm !== undefined && otherPxms.has(pxm)) {
      f.add("CEDT_FAKE_PXM_ALIAS", `CFMWS ${w.index}: Linux's fake PXM ${pxm} for the window is also a PXM other tables name (Generic Port, HMAT or _PXM): Linux maps both to node ${w.linux.node ?? "?"}`, w.at);
    }
    if (w.linux.action === "too-many-nodes") f.add("CEDT_CFMWS_NO_NODE", `CFMWS ${w.index}: ${w.linux.sentence}`, w.at);
  }
}
