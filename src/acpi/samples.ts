/**
 * The project's own sample hosts, produced by numakit's encoder (`buildTable`) from small
 * descriptions. scripts/make-samples.ts writes them to samples/ (a sysfs-style directory of
 * binaries plus the same tables as acpidump text); a test checks the files are up to date.
 */
import { buildTable } from "./encode.js";
import { cedt } from "./tables/cedt.js";
import type { SubtableModel } from "./encode.js";
import { hmat } from "./tables/hmat.js";
import { madt } from "./tables/madt.js";
import { slit } from "./tables/slit.js";
import { encodeAcpiDeviceHandle, srat } from "./tables/srat.js";

const GiB = 1n << 30n;
const MiB = 1n << 20n;

export interface SampleNode {
  pxm: number;
  /** APIC IDs of the node's CPUs. */
  apicIds: number[];
  /** Memory ranges [base, length] in bytes, optionally with SRAT flags (default: enabled). */
  memory: ([bigint, bigint] | [bigint, bigint, number])[];
}

/** A CEDT: CXL host bridges (CHBS) and fixed memory windows (CFMWS). */
export interface SampleCedt {
  hostBridges: { uid: number; registerBase: bigint }[];
  windows: { base: bigint; size: bigint; eniw: number; granularity: number; restrictions: number; qtgId: number; targets: number[] }[];
}

export interface SampleHost {
  name: string;
  description: string;
  oemTableId: string;
  nodes: SampleNode[];
  /** SLIT by PXM. */
  distances: number[][];
  /** HMAT read/write latency (ps) and bandwidth (MB/s) per initiator PXM -> target PXM, in base units. */
  hmat: { latencyBase: bigint; bandwidthBase: bigint; readLatency: number[][]; writeLatency: number[][]; readBandwidth: number[][]; writeBandwidth: number[][] };
  /** SRAT Generic Port Affinity entries (ACPI handle: _HID and _UID). */
  genericPorts?: { pxm: number; hid: string; uid: number }[];
  cedt?: SampleCedt;
}

function cedtTable(c: SampleCedt, oemTableId: string): Uint8Array {
  const chbs: SubtableModel[] = c.hostBridges.map((b) => ({
    type: 0, values: { reserved: 0, uid: b.uid, cxlVersion: 1, reserved2: 0, registerBase: b.registerBase, registerLength: 0x10000n },
  }));
  const cfmws: SubtableModel[] = c.windows.map((w) => ({
    type: 1,
    values: {
      reserved: 0, reserved2: 0, windowBaseAddress: w.base, windowSize: w.size, interleaveMembers: w.eniw, interleaveArithmetic: 0,
      reserved3: 0, granularity: w.granularity, restrictions: w.restrictions, qtgId: w.qtgId, interleaveTargets: w.targets,
    },
  }));
  return buildTable(cedt, { header: header(oemTableId, 1), fixed: {}, subtables: [...chbs, ...cfmws] });
}

const header = (oemTableId: string, revision: number) => ({
  revision, oemId: "NUMAKT", oemTableId: oemTableId.padEnd(8).slice(0, 8), oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1,
});

const enabled = 1;

export function sampleTables(host: SampleHost): { signature: string; bytes: Uint8Array }[] {
  const cpuEntries: SubtableModel[] = host.nodes.flatMap((n) => n.apicIds.map((apic) => ({
    type: 0,
    values: { proximityDomainLow8: n.pxm & 0xff, apicId: apic, flags: enabled, localSapicEid: 0, proximityDomainHigh24: n.pxm >>> 8, clockDomain: 0 },
  })));
  const memEntries: SubtableModel[] = host.nodes.flatMap((n) => n.memory.map(([base, length, flags]) => ({
    type: 1,
    values: { proximityDomain: n.pxm, reserved1: 0, baseAddress: base, addressLength: length, reserved2: 0, flags: flags ?? enabled, reserved3: 0n },
  })));
  const portEntries: SubtableModel[] = (host.genericPorts ?? []).map((g) => ({
    type: 6,
    values: { reserved1: 0, deviceHandleType: 0, proximityDomain: g.pxm, deviceHandle: encodeAcpiDeviceHandle(g.hid, g.uid), flags: enabled, reserved2: 0 },
  }));
  const sratBytes = buildTable(srat, { header: header(host.oemTableId, 3), fixed: { tableRevision: 1, reserved: 0n }, subtables: [...cpuEntries, ...memEntries, ...portEntries] });

  const n = host.distances.length;
  const slitBytes = buildTable(slit, { header: header(host.oemTableId, 1), fixed: { localityCount: BigInt(n), entries: host.distances.flat() } });

  let uid = 0;
  const lapics: SubtableModel[] = host.nodes.flatMap((node) => node.apicIds.map((apic) => ({
    type: 0, values: { processorId: uid++, localApicId: apic, flags: enabled },
  })));
  const ioapic: SubtableModel = { type: 1, values: { iOApicId: 0, reserved: 0, address: 0xfec00000, interrupt: 0 } };
  const madtBytes = buildTable(madt, { header: header(host.oemTableId, 5), fixed: { localApicAddress: 0xfee00000, flags: 1 }, subtables: [...lapics, ioapic] });

  const pxms = host.nodes.map((x) => x.pxm);
  const initiators = host.nodes.filter((x) => x.apicIds.length > 0).map((x) => x.pxm);
  const attrs: SubtableModel[] = host.nodes.map((x) => ({
    type: 0,
    values: { reserved: 0, flags: x.apicIds.length > 0 ? 1 : 0, reserved1: 0, attachedInitiatorProximityDomain: x.apicIds.length > 0 ? x.pxm : 0, memoryProximityDomain: x.pxm, reserved2: 0, reserved3: 0n, reserved4: 0n },
  }));
  const matrix = (dataType: number, base: bigint, m: number[][]): SubtableModel => ({
    type: 1,
    values: {
      reserved: 0, flags: 0, dataType, minimumTransferSize: 0, reserved1: 0,
      initiatorProximityDomainsCount: initiators.length, targetProximityDomainsCount: pxms.length, reserved2: 0, entryBaseUnit: base,
      initiatorProximityDomainList: initiators, targetProximityDomainList: pxms, entries: m.flat(),
    },
  });
  const h = host.hmat;
  const hmatBytes = buildTable(hmat, {
    header: header(host.oemTableId, 2), fixed: { reserved: 0 },
    subtables: [...attrs, matrix(1, h.latencyBase, h.readLatency), matrix(2, h.latencyBase, h.writeLatency), matrix(4, h.bandwidthBase, h.readBandwidth), matrix(5, h.bandwidthBase, h.writeBandwidth)],
  });
  const out = [{ signature: "APIC", bytes: madtBytes }, { signature: "SRAT", bytes: sratBytes }, { signature: "SLIT", bytes: slitBytes }, { signature: "HMAT", bytes: hmatBytes }];
  if (host.cedt !== undefined) out.push({ signature: "CEDT", bytes: cedtTable(host.cedt, host.oemTableId) });
  return out;
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/** Latency/bandwidth matrices that follow the SLIT: remote access costs scale with distance. */
function hmatFrom(distances: number[][], localNs: number, localMBps: number): SampleHost["hmat"] {
  const lat = distances.map((row) => row.map((d) => Math.round((localNs * 1000 * d) / 10 / 100)));
  const bw = distances.map((row) => row.map((d) => Math.round((localMBps * 10) / d / 100)));
  return { latencyBase: 100n, bandwidthBase: 100n, readLatency: lat, writeLatency: lat.map((r) => r.map((x) => Math.round(x * 1.1))), readBandwidth: bw, writeBandwidth: bw.map((r) => r.map((x) => Math.round(x * 0.8))) };
}

/** A 2-socket Intel-style server: 2 × 16 logical CPUs, 64 GiB per socket, SLIT 10/21. */
export const twoSocket: SampleHost = (() => {
  const distances = [[10, 21], [21, 10]];
  return {
    name: "2socket", description: "2-socket server: 2 nodes, 16 CPUs and 64 GiB each, SLIT 10/21", oemTableId: "NK2SOCK",
    nodes: [
      { pxm: 0, apicIds: range(0, 16), memory: [[0n, 0xa0000n], [MiB, 2n * GiB - MiB], [4n * GiB, 62n * GiB]] },
      { pxm: 1, apicIds: range(32, 16), memory: [[66n * GiB, 64n * GiB]] },
    ],
    distances,
    hmat: hmatFrom(distances, 90, 120000),
  };
})();

/** A 4-node host (AMD-style, 2 sockets × 2 dies): 16 CPUs and 64 GiB per node, SLIT 10/16/22. */
export const fourNode: SampleHost = (() => {
  const distances = [[10, 16, 22, 22], [16, 10, 22, 22], [22, 22, 10, 16], [22, 22, 16, 10]];
  return {
    name: "4node", description: "4-node host: 2 sockets × 2 dies, 16 CPUs and 64 GiB per node, SLIT 10/16/22", oemTableId: "NK4NODE",
    nodes: [
      { pxm: 0, apicIds: range(0, 16), memory: [[0n, 0xa0000n], [MiB, 2n * GiB - MiB], [4n * GiB, 62n * GiB]] },
      { pxm: 1, apicIds: range(16, 16), memory: [[66n * GiB, 64n * GiB]] },
      { pxm: 2, apicIds: range(32, 16), memory: [[130n * GiB, 64n * GiB]] },
      { pxm: 3, apicIds: range(48, 16), memory: [[194n * GiB, 64n * GiB]] },
    ],
    distances,
    hmat: hmatFrom(distances, 85, 100000),
  };
})();

/**
 * A 2-socket host with CXL memory, laid out as QEMU's q35 CXL machines and real platforms do it
 * (QEMU hw/acpi/cxl.c: CHBS per pxb-cxl host bridge with _UID = bus number, CXL 2.0, 64 KiB of
 * component registers; CFMWS with restrictions 0x0F and QTG 0; real BIOSes describe programmed CXL
 * memory in the SRAT with flags 0x0B, Linux Documentation/driver-api/cxl/platform/acpi/srat.rst):
 * - PXM 0/1: 8 CPUs and 16 GiB each; SLIT 10/21 and 14/24 to the CXL PXM;
 * - PXM 2: CXL memory the BIOS programmed, in the SRAT as enabled + hot-pluggable + specific purpose,
 *   covering the first 32 GiB of window 0 (64 GiB at 64 GiB, host bridge 12);
 * - window 1: 256 GiB at 192 GiB, 2-way interleaved over host bridges 12 and 222, not in the SRAT:
 *   Linux makes node 3 with fake PXM 3 for it;
 * - SRAT Generic Ports for both host bridges (ACPI0016, PXM 8 and 9);
 * - HMAT: local DRAM 90 ns / 100 GB/s, remote 150 ns / 50 GB/s, CXL 250-300 ns / 25 GB/s.
 */
export const cxlHost: SampleHost = (() => {
  const distances = [[10, 21, 14], [21, 10, 24], [14, 24, 10]];
  const lat = [[900, 1500, 2500], [1500, 900, 3000]];
  const bw = [[1000, 500, 250], [500, 1000, 200]];
  return {
    name: "cxl", description: "2 sockets + CXL: SRAT-described CXL memory, a CFMWS window outside the SRAT, Generic Ports", oemTableId: "NKCXL",
    nodes: [
      { pxm: 0, apicIds: range(0, 8), memory: [[0n, 0xa0000n], [MiB, 2n * GiB - MiB], [4n * GiB, 14n * GiB]] },
      { pxm: 1, apicIds: range(8, 8), memory: [[18n * GiB, 16n * GiB]] },
      { pxm: 2, apicIds: [], memory: [[64n * GiB, 32n * GiB, 0x0b]] },
    ],
    distances,
    hmat: { latencyBase: 100n, bandwidthBase: 100n, readLatency: lat, writeLatency: lat, readBandwidth: bw, writeBandwidth: bw },
    genericPorts: [{ pxm: 8, hid: "ACPI0016", uid: 12 }, { pxm: 9, hid: "ACPI0016", uid: 222 }],
    cedt: {
      hostBridges: [{ uid: 12, registerBase: 0xfe000000n }, { uid: 222, registerBase: 0xfe010000n }],
      windows: [
        { base: 64n * GiB, size: 64n * GiB, eniw: 0, granularity: 0, restrictions: 0x0f, qtgId: 0, targets: [12] },
        { base: 192n * GiB, size: 256n * GiB, eniw: 1, granularity: 5, restrictions: 0x0f, qtgId: 0, targets: [12, 222] },
      ],
    },
  };
})();

export const sampleHosts: readonly SampleHost[] = [twoSocket, fourNode, cxlHost];
