/**
 * CXL memory as Linux and Xen see it at boot: the CEDT's host bridges (CHBS) and fixed memory
 * windows (CFMWS), and the NUMA nodes Linux makes for windows the SRAT does not describe.
 *
 * Linux, drivers/acpi/numa/srat.c `acpi_numa_init` → `acpi_parse_cfmws` (after the SRAT and SLIT):
 * - fake_pxm starts one above the largest PXM the SRAT walk mapped to a node (node_to_pxm_map);
 * - per CFMWS in table order, if the SRAT already describes the window the window makes no node,
 *   else `acpi_map_pxm_to_node(fake_pxm)` gives it the lowest free node id and fake_pxm++.
 * What "describes" means changed:
 * - v5.17 (Alison Schofield, "ACPI: NUMA: Add a node and memblk for each CFMWS not in SRAT"):
 *   `phys_to_target_node(start) != NUMA_NO_NODE`, i.e. an SRAT range contains the window's start;
 * - v6.7 (commit 8f1004679987, "ACPI/NUMA: Apply SRAT proximity domain to entire CFMWS window"):
 *   `numa_fill_memblks(start, end)`: any SRAT range overlapping the window; those ranges are
 *   stretched to fill the window (their node gets the whole window), no new node.
 * Both look in numa_meminfo, where a window that got a node was put (`numa_add_memblk(node, start,
 * end)`) and, from 6.7, where numa_fill_memblks stretched ranges: a window overlapping an earlier
 * window is described by it and makes no node either.
 * Before v5.17 CFMWS are not read at boot. The nodes have no memory at boot (possible, not
 * online) until a CXL region is committed and onlined (dax/kmem).
 *
 * Xen has no CEDT parser (`git grep -i -E "cedt|cfmws"` finds nothing under xen/ at xen-project/xen
 * c447b7308b, 2026-08): only SRAT memory ranges become Xen nodes (xen/arch/x86/srat.c
 * acpi_numa_memory_affinity_init), so a window the SRAT does not cover has no Xen node.
 *
 * SRAT Generic Port Affinity (type 6): no kernel maps its PXM to a node in acpi_numa_init
 * (srat_proc handles types 0, 1, 2, 3, 5, 7 only). From v6.8 (Dave Jiang, "acpi: numa: Add genport
 * target allocation to the HMAT parsing"), drivers/acpi/numa/hmat.c `srat_parse_genport_affinity`
 * makes the PXM an HMAT memory target so the CXL driver can read CPU→host-bridge performance.
 */
import type { CedtHostBridge, CedtView, CedtWindow } from "../acpi/views-cedt.js";
import { CFMWS_RESTRICTION_BITS, cfmwsInterleaveWays, cxlGranularityBytes } from "../acpi/tables/cedt.js";
import type { EntryLocation } from "../acpi/views.js";
import { atLeast, type KernelVersion } from "./kernel.js";
import type { CxlHostBridgeDevice } from "./devices.js";
import { hex as hexOf } from "../util/hex.js";

/** An enabled SRAT memory range as the CFMWS rule looks at it. */
export interface SratBlock { start: bigint; end: bigint; pxm: number }

export type CfmwsAction = "new-node" | "srat-covers" | "srat-extended" | "window-covers" | "not-read" | "no-numa" | "too-many-nodes";

export interface CxlWindowLinux {
  action: CfmwsAction;
  /** For "new-node": the fake PXM and Linux node id. For SRAT-covered windows: the SRAT PXMs. */
  pxm?: number;
  node?: number;
  sratPxms?: number[];
  /** Earlier windows (indexes) whose node's memblk already describes this one (numa_add_memblk). */
  windows?: number[];
  sentence: string;
}

export interface CxlWindow {
  index: number;
  base: bigint;
  size: bigint;
  /** Encoded interleave ways (ENIW) and the decoded count (undefined for a reserved encoding). */
  eniw: number;
  ways?: number;
  arithmetic: "modulo" | "xor" | `reserved (${number})`;
  granularityBytes?: number;
  restrictions: number;
  restrictionNames: string[];
  qtgId: number;
  /** Interleave targets: host bridge _UIDs (CHBS "Associated host bridge"). */
  targets: number[];
  linux: CxlWindowLinux;
  at: EntryLocation;
}

export interface CxlHostBridge {
  uid: number;
  cxlVersion: "1.1" | "2.0" | `unknown (${number})`;
  registerBase: bigint;
  registerLength: bigint;
  /** ACPI0016 device with this _UID and its static _PXM, when the namespace has them. */
  device?: string;
  pxm?: number;
  /** The device's _PXM is computed at run time. */
  pxmDynamic?: boolean;
  at: EntryLocation;
}

export interface GenericPortInfo {
  pxm: number;
  /** ACPI handle of the port: _HID and _UID (CXL host bridges: ACPI0016 and the CHBS uid). */
  hid?: string;
  uid?: number;
  hostBridgeUid?: number;
  linux: "ignored" | "hmat-target";
  at: EntryLocation;
}

export interface CxlModel {
  kernel: string;
  /** ACPI0017 CXL root devices in the namespace (undefined: no DSDT/SSDT among the sources). */
  rootDevices?: string[];
  hostBridges: CxlHostBridge[];
  windows: CxlWindow[];
  genericPorts: GenericPortInfo[];
  /** The first fake PXM Linux would use (when it reads the CEDT). */
  firstFakePxm?: number;
  xen: string;
}

function arithmeticName(a: number): CxlWindow["arithmetic"] {
  return a === 0 ? "modulo" : a === 1 ? "xor" : `reserved (${a})`;
}

function restrictionNames(r: number): string[] {
  return CFMWS_RESTRICTION_BITS.filter((b) => ((r >>> b.shift) & 1) === 1).map((b) => b.key);
}

function overlaps(a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Addresses as Linux prints them in dmesg: lower-case hex. */
const hexLower = (n: bigint): string => hexOf(n, 0, { lower: true });

export interface LinuxState {
  kernel: KernelVersion;
  /** Whether Linux's NUMA init succeeds with the SRAT (else CFMWS nodes are moot). */
  sratUsed: boolean;
  sratBlocks: readonly SratBlock[];
  /** Node ids Linux already handed out (the SRAT walk's map size) and the max node count. */
  nodesUsed: number;
  maxNodes: number;
  maxPxm: number | undefined;
}

/** A numa_meminfo block: an SRAT range, or the range of a window Linux gave a node. */
interface MemBlk extends SratBlock { window?: number; node?: number }

/**
 * numa_fill_memblks (arch/x86/mm/numa.c, 6.7+; mm/numa_memblks.c from 6.12), in place on the blocks
 * overlapping [start, end): sorted by start, the first is stretched down to start, the last up to
 * end, and each gap between them is filled by moving the next block's start back.
 */
function fillMemblks(hits: MemBlk[], range: { start: bigint; end: bigint }): void {
  const blk = [...hits].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const first = blk[0];
  const last = blk[blk.length - 1];
  if (first === undefined || last === undefined) return;
  if (range.start < first.start) first.start = range.start;
  if (range.end > last.end) last.end = range.end;
  let prevEnd = first.end;
  for (const curr of blk.slice(1)) {
    if (prevEnd >= curr.start) { if (prevEnd < curr.end) prevEnd = curr.end; }
    else { curr.start = prevEnd; prevEnd = curr.end; }
  }
}

/** What Linux does with each window, in table order; new nodes take fake PXMs and the next ids. */
function linuxWindows(windows: readonly CedtWindow[], s: LinuxState): { actions: CxlWindowLinux[]; firstFakePxm?: number } {
  if (!atLeast(s.kernel, 5, 17)) {
    return { actions: windows.map(() => ({ action: "not-read", sentence: "Linux before 5.17 does not read CFMWS at boot: no node" })) };
  }
  if (!s.sratUsed) {
    return { actions: windows.map(() => ({ action: "no-numa", sentence: "Linux does not use the SRAT, so NUMA init fails and this window gets no node" })) };
  }
  const firstFakePxm = (s.maxPxm ?? -1) + 1;
  let fake = firstFakePxm;
  let nodes = s.nodesUsed;
  const fill = atLeast(s.kernel, 6, 7);
  // numa_meminfo as acpi_parse_cfmws sees it: the SRAT's ranges, then each window that got a node
  // (numa_add_memblk), ranges stretched in place by numa_fill_memblks (6.7+).
  const meminfo: MemBlk[] = s.sratBlocks.map((b) => ({ ...b }));
  const actions = windows.map((w, index): CxlWindowLinux => {
    const range = { start: w.windowBaseAddress, end: w.windowBaseAddress + w.windowSize };
    const hits = meminfo.filter((b) => (fill ? overlaps(b, range) : b.start <= range.start && range.start < b.end));
    if (hits.length > 0) {
      const covered = hits.reduce((n, b) => n + ((b.end < range.end ? b.end : range.end) - (b.start > range.start ? b.start : range.start)), 0n);
      if (fill) fillMemblks(hits, range);
      const fromSrat = hits.filter((b) => b.window === undefined);
      const pxms = [...new Set(fromSrat.map((b) => b.pxm))];
      const earlier = [...new Set(hits.flatMap((b) => (b.window === undefined ? [] : [b.window])))];
      const byWindows = earlier.map((i) => `CFMWS ${i}'s node ${meminfo.find((b) => b.window === i)?.node ?? "?"}`).join(", ");
      if (fromSrat.length === 0) {
        const [described, how] = !fill ? ["its start", "phys_to_target_node(start) finds it"]
          : covered < w.windowSize ? ["part of it", "numa_fill_memblks stretches that range over the whole window"] : ["it", "numa_fill_memblks finds it"];
        return { action: "window-covers", windows: earlier, sentence: `an earlier window already describes ${described} (${byWindows}); ${how}: no new node` };
      }
      const also = earlier.length === 0 ? "" : ` and ${byWindows}`;
      const out: CxlWindowLinux = fill && covered < w.windowSize
        ? { action: "srat-extended", sratPxms: pxms, sentence: `the SRAT describes part of it (PXM ${pxms.join(", ")})${also}; numa_fill_memblks stretches those ranges over the whole window: no new node` }
        : { action: "srat-covers", sratPxms: pxms, sentence: `the SRAT describes it (PXM ${pxms.join(", ")})${also}: no new node` };
      if (earlier.length > 0) out.windows = earlier;
      return out;
    }
    if (nodes >= s.maxNodes) {
      return { action: "too-many-nodes", sentence: "ACPI NUMA: Too many proximity domains while processing CFMWS: no node" };
    }
    const node = nodes++;
    const pxm = fake++;
    // numa_add_memblk_to() keeps no empty range.
    if (range.end > range.start) meminfo.push({ ...range, pxm, window: index, node });
    return { action: "new-node", pxm, node, sentence: `not in the SRAT: node ${node} with fake PXM ${pxm} (possible, no memory until a CXL region is onlined)` };
  });
  return { actions, firstFakePxm };
}

function hostBridge(b: CedtHostBridge, devices: readonly CxlHostBridgeDevice[]): CxlHostBridge {
  const v = b.cxlVersion;
  const hb: CxlHostBridge = {
    uid: b.uid, cxlVersion: v === 0 ? "1.1" : v === 1 ? "2.0" : `unknown (${v})`,
    registerBase: b.registerBase, registerLength: b.registerLength, at: b.at,
  };
  // CXL 2.0 §9.14.1.1: the CHBS "Associated host bridge" is the _UID of an ACPI0016 device.
  const dev = devices.find((d) => d.uid === b.uid);
  if (dev !== undefined) {
    hb.device = dev.path;
    if (dev.pxm !== undefined) hb.pxm = dev.pxm;
    if (dev.pxmDynamic === true) hb.pxmDynamic = true;
  }
  return hb;
}

export interface CxlInput {
  cedt: CedtView | undefined;
  genericPorts: { pxm: number; enabled: boolean; hid?: string; uid?: number; at: EntryLocation }[];
  hostBridgeDevices: readonly CxlHostBridgeDevice[];
  /** ACPI0017 devices; undefined when there is no namespace to look in. */
  rootDevices: readonly string[] | undefined;
  linux: LinuxState;
}

/** The CXL model, or undefined when there is neither a CEDT nor a Generic Port. */
export function buildCxl(input: CxlInput): CxlModel | undefined {
  const cedt = input.cedt;
  if (cedt === undefined && input.genericPorts.length === 0) return undefined;
  const windows = cedt?.windows ?? [];
  const { actions, firstFakePxm } = linuxWindows(windows, input.linux);
  const hmatTarget = atLeast(input.linux.kernel, 6, 8);
  const model: CxlModel = {
    kernel: `${input.linux.kernel.major}.${input.linux.kernel.minor}`,
    hostBridges: (cedt?.hostBridges ?? []).map((b) => hostBridge(b, input.hostBridgeDevices)),
    windows: windows.map((w, index): CxlWindow => {
      const ways = cfmwsInterleaveWays(w.interleaveMembers);
      const gran = cxlGranularityBytes(w.granularity);
      const out: CxlWindow = {
        index, base: w.windowBaseAddress, size: w.windowSize, eniw: w.interleaveMembers,
        arithmetic: arithmeticName(w.interleaveArithmetic), restrictions: w.restrictions,
        restrictionNames: restrictionNames(w.restrictions), qtgId: w.qtgId, targets: w.interleaveTargets,
        linux: actions[index] ?? { action: "not-read", sentence: "" }, at: w.at,
      };
      if (ways !== undefined) out.ways = ways;
      if (gran !== undefined) out.granularityBytes = gran;
      return out;
    }),
    genericPorts: input.genericPorts.filter((g) => g.enabled).map((g) => {
      const gp: GenericPortInfo = { pxm: g.pxm, linux: hmatTarget ? "hmat-target" : "ignored", at: g.at };
      if (g.hid !== undefined) gp.hid = g.hid;
      if (g.uid !== undefined) {
        gp.uid = g.uid;
        if (g.hid === "ACPI0016" && cedt?.hostBridges.some((b) => b.uid === g.uid) === true) gp.hostBridgeUid = g.uid;
      }
      return gp;
    }),
    xen: "Xen does not read the CEDT: windows the SRAT does not cover get no Xen node (CXL memory there is not Xen's to allocate)",
  };
  if (firstFakePxm !== undefined && actions.some((a) => a.action === "new-node")) model.firstFakePxm = firstFakePxm;
  if (input.rootDevices !== undefined) model.rootDevices = [...input.rootDevices];
  return model;
}

/** The text for a window's range, as Linux prints it ("[mem 0x...-0x...]"). */
export function windowRange(w: Pick<CxlWindow, "base" | "size">): string {
  return `[mem ${hexLower(w.base)}-${hexLower(w.base + w.size - 1n)}]`;
}
