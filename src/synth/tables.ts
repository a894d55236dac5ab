/**
 * A laid-out host → SRAT, SLIT, HMAT and MADT bytes, through the table specs (buildTable): no
 * offsets here. SRAT is revision 3 (CPU PXMs are 32-bit), HMAT revision 2 (ACPI 6.3+: latencies in
 * picoseconds, bandwidths in MB/s), MADT revision 5 with CPUs in APIC-id order, as QEMU lists them.
 * arm64 (virt): SRAT GICC Affinity structures (type 3) name CPUs by ACPI Processor UID, and the
 * MADT is the one QEMU's virt builds with gic-version=3: GICD, one GICC per CPU in UID order, GICR
 * and the ITS (hw/arm/virt-acpi-build.c build_madt(), qemu/qemu f6b174ff9652).
 */
import { buildTable, type SubtableModel } from "../acpi/encode.js";
import { hmat as hmatDef } from "../acpi/tables/hmat.js";
import { madt as madtDef } from "../acpi/tables/madt.js";
import { slit as slitDef } from "../acpi/tables/slit.js";
import { encodeAcpiDeviceHandle, encodePciDeviceHandle, srat as sratDef } from "../acpi/tables/srat.js";
import { UsageError, type Location } from "../errors.js";
import { HMAT_MATRIX_KEYS, type DescHandle, type Description, type DescHmat } from "./desc.js";
import type { Host } from "./layout.js";

export interface SynthTable { signature: string; bytes: Uint8Array }

const header = (revision: number, tableId: string) => ({
  revision, oemId: "NUMAKT", oemTableId: tableId, oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1,
});
const ENABLED = 1;

function handleBytes(h: DescHandle): Uint8Array {
  // ACPI 6.5 Tables 5.59/5.60, through the Device Handle specs.
  return "pci" in h ? encodePciDeviceHandle(h.pci.segment, h.pci.bus, h.pci.device, h.pci.function) : encodeAcpiDeviceHandle(h.acpi.hid, h.acpi.uid);
}

function sratTable(host: Host): Uint8Array {
  const subs: SubtableModel[] = [];
  for (const n of host.nodes) {
    for (const c of n.cpus) {
      if (c.kind === "gicc") subs.push({ type: 3, values: { proximityDomain: n.pxm, acpiProcessorUid: c.id, flags: ENABLED, clockDomain: 0 } });
      else if (c.kind === "x2apic") subs.push({ type: 2, values: { reserved1: 0, proximityDomain: n.pxm, x2apicId: c.id, flags: ENABLED, clockDomain: 0, reserved2: 0 } });
      else subs.push({ type: 0, values: { proximityDomainLow8: n.pxm & 0xff, apicId: c.id, flags: ENABLED, localSapicEid: 0, proximityDomainHigh24: n.pxm >>> 8, clockDomain: 0 } });
    }
  }
  for (const n of host.nodes) {
    for (const r of n.memory) {
      const flags = ENABLED | (r.hotplug ? 2 : 0) | (r.nonvolatile ? 4 : 0) | (r.specificPurpose ? 8 : 0);
      subs.push({ type: 1, values: { proximityDomain: n.pxm, reserved1: 0, baseAddress: r.base, addressLength: r.length, reserved2: 0, flags, reserved3: 0n } });
    }
  }
  for (const n of host.nodes) {
    for (const h of n.genericInitiators) {
      subs.push({ type: 5, values: { reserved1: 0, deviceHandleType: "pci" in h ? 1 : 0, proximityDomain: n.pxm, deviceHandle: handleBytes(h), flags: ENABLED, reserved2: 0 } });
    }
  }
  return buildTable(sratDef, { header: header(3, "NKSYNTH"), fixed: { tableRevision: 1, reserved: 0n }, subtables: subs });
}

/** The distance matrix by node index the description asks for, or undefined (no SLIT). */
export function distanceMatrix(d: Description): number[][] | undefined {
  const dist = d.distances;
  if (dist === undefined) return undefined;
  if ("matrix" in dist) return dist.matrix;
  return d.nodes.map((_, i) => d.nodes.map((__, j) => {
    if (i === j) return dist.local;
    if ("sockets" in dist && dist.sockets[i] === dist.sockets[j]) return dist.sameSocket;
    return dist.remote;
  }));
}

/**
 * SLIT localities are proximity domains 0..max: with sparse PXMs the rows of absent domains are
 * 10 on the diagonal and 255 ("unreachable") elsewhere, which slit_valid() (Linux, Xen) accepts.
 */
function slitTable(d: Description, matrix: number[][]): Uint8Array {
  const pxms = d.nodes.map((n) => n.pxm);
  const count = Math.max(...pxms) + 1;
  const entries = new Array<number>(count * count).fill(255);
  for (let i = 0; i < count; i++) entries[i * count + i] = 10;
  pxms.forEach((pi, i) => { pxms.forEach((pj, j) => { entries[pi * count + pj] = matrix[i]?.[j] ?? 255; }); });
  return buildTable(slitDef, { header: header(1, "NKSYNTH"), fixed: { localityCount: BigInt(count), entries } });
}

/**
 * One entry base unit for a whole matrix: the largest power of ten dividing every value that keeps
 * every entry below 0xFFFF (0 and 0xFFFF mean "no data"), so values round-trip exactly.
 */
function entryBase(values: readonly number[], scale: number, what: string, loc: Location): number {
  for (let base = scale; base <= 1e12; base *= 10) {
    const ok = values.every((v) => (v * scale) % base === 0);
    if (!ok) break;
    if (values.every((v) => (v * scale) / base <= 0xfffe)) return base;
  }
  throw new UsageError(`hmat.${what}: the values cannot share one HMAT entry base unit (each entry is 16 bits: use values that are multiples of a common power of ten)`, loc, "E_DESC");
}

/** Initiators and targets of the HMAT matrices (defaults: CPU or generic-initiator nodes; memory nodes). */
export function hmatAxes(host: Host, h: DescHmat): { initiators: number[]; targets: number[] } {
  return {
    initiators: h.initiators ?? host.nodes.filter((n) => n.cpus.length > 0 || n.genericInitiators.length > 0).map((n) => n.pxm),
    targets: h.targets ?? host.nodes.filter((n) => n.memory.length > 0).map((n) => n.pxm),
  };
}

const ASSOC = { none: 0, direct: 1, complex: 2 } as const;
const POLICY = { none: 0, "write-back": 1, "write-through": 2 } as const;

function hmatTable(host: Host, h: DescHmat, loc: Location): Uint8Array {
  const { initiators, targets } = hmatAxes(host, h);
  const subs: SubtableModel[] = [];
  for (const n of host.nodes) {
    if (n.memory.length === 0) continue;
    const attached = n.initiator ?? (n.cpus.length > 0 ? n.pxm : undefined);
    subs.push({ type: 0, values: { reserved: 0, flags: attached === undefined ? 0 : 1, reserved1: 0, attachedInitiatorProximityDomain: attached ?? 0, memoryProximityDomain: n.pxm, reserved2: 0, reserved3: 0n, reserved4: 0n } });
  }
  HMAT_MATRIX_KEYS.forEach((key, dataType) => {
    const m = h.matrices[key];
    if (m === undefined) return;
    if (m.length !== initiators.length || m.some((row) => row.length !== targets.length)) {
      throw new UsageError(`hmat.${key}: must be ${initiators.length}x${targets.length} (initiators ${initiators.join(",")} × targets ${targets.join(",")})`, loc, "E_DESC");
    }
    const values = m.flat().filter((x): x is number => x !== null);
    // Linux's hmat_normalize() drops an entry × base product above u32: latencies stop at 2^32 ps.
    const tooBig = dataType <= 2 ? values.find((v) => v * 1000 > 0xffffffff) : undefined;
    if (tooBig !== undefined) throw new UsageError(`hmat.${key}: ${tooBig} ns is more than Linux reads (at most ${Math.floor(0xffffffff / 1000)} ns, 2^32 ps)`, loc, "E_DESC");
    // Latencies are given in ns and stored in ps; bandwidths in MB/s.
    const scale = dataType <= 2 ? 1000 : 1;
    const base = entryBase(values, scale, key, loc);
    subs.push({
      type: 1,
      values: {
        reserved: 0, flags: 0, dataType, minimumTransferSize: 0, reserved1: 0,
        initiatorProximityDomainsCount: initiators.length, targetProximityDomainsCount: targets.length, reserved2: 0, entryBaseUnit: BigInt(base),
        initiatorProximityDomainList: initiators, targetProximityDomainList: targets,
        entries: m.flat().map((x) => (x === null ? 0 : (x * scale) / base)),
      },
    });
  });
  for (const c of h.caches) {
    const attrs = c.totalLevels | (c.level << 4) | (ASSOC[c.associativity] << 8) | (POLICY[c.writePolicy] << 12) | (c.lineSize << 16);
    subs.push({ type: 2, values: { reserved: 0, memoryProximityDomain: c.pxm, reserved1: 0, memorySideCacheSize: c.size, cacheAttributes: attrs >>> 0, addressMode: 0, smbiosHandleCount: 0, smbiosHandles: [] } });
  }
  return buildTable(hmatDef, { header: header(2, "NKSYNTH"), fixed: { reserved: 0 }, subtables: subs });
}

/** QEMU virt's GICv3 frames (hw/arm/virt.c base_memmap: VIRT_GIC_DIST, VIRT_GIC_ITS, VIRT_GIC_REDIST). */
const VIRT_GICD = 0x08000000;
const VIRT_GIC_ITS = 0x08080000;
const VIRT_GICR = { base: 0x080a0000, length: 0x00f60000 };
/** The PMU's PPI on virt: VIRTUAL_PMU_IRQ (7) + 16 (include/hw/arm/virt.h). */
const VIRT_PMU_GSIV = 23;

/**
 * QEMU's MPIDR for CPU index `i` on virt with GICv3: Aff0 = i % 16, Aff1 = i / 16
 * (virt_cpu_mp_affinity(): clusters of GICV3_TARGETLIST_BITS CPUs).
 */
function virtMpidr(i: number): bigint {
  return (BigInt(Math.floor(i / 16)) << 8n) | BigInt(i % 16);
}

/** The MADT QEMU's virt builds (gic-version=3): GICD, GICC per CPU in UID order, GICR, ITS. */
function virtMadtTable(host: Host): Uint8Array {
  const uids = host.nodes.flatMap((n) => n.cpus).map((c) => c.id).sort((a, b) => a - b);
  const subs: SubtableModel[] = [{ type: 0x0c, values: { reserved: 0, localGicHardwareId: 0, baseAddress: BigInt(VIRT_GICD), interruptBase: 0, version: 3, reserved2: 0 } }];
  for (const uid of uids) {
    subs.push({ type: 0x0b, values: {
      reserved: 0, cpuInterfaceNumber: uid, processorUid: uid, flags: ENABLED, parkingProtocolVersion: 0, performanceInterrupt: VIRT_PMU_GSIV,
      parkedAddress: 0n, baseAddress: 0n, virtualGicBaseAddress: 0n, hypervisorGicBaseAddress: 0n, virtualGicInterrupt: 0,
      redistributorBaseAddress: 0n, armMpidr: virtMpidr(uid), efficiencyClass: 0, reserved2: 0, speOverflowInterrupt: 0, trbeInterrupt: 0,
    } });
  }
  subs.push({ type: 0x0e, values: { reserved: 0, baseAddress: BigInt(VIRT_GICR.base), regionLength: VIRT_GICR.length } });
  subs.push({ type: 0x0f, values: { reserved: 0, translationId: 0, baseAddress: BigInt(VIRT_GIC_ITS), reserved2: 0 } });
  // Revision 6 (ACPI 6.5): the GICC structure the spec describes is 82 bytes (with the TRBE interrupt).
  return buildTable(madtDef, { header: header(6, "NKSYNTH"), fixed: { localApicAddress: 0, flags: 0 }, subtables: subs });
}

/** The MADT QEMU builds for these CPUs: APIC-id order, Local APIC below 255, x2APIC from 255. */
function madtTable(host: Host): Uint8Array {
  if (host.machine === "virt") return virtMadtTable(host);
  const cpus = host.nodes.flatMap((n) => n.cpus).sort((a, b) => a.id - b.id);
  const subs: SubtableModel[] = cpus.map((c, uid) => (c.kind === "apic"
    ? { type: 0, values: { processorId: uid, localApicId: c.id, flags: ENABLED } }
    : { type: 9, values: { reserved: 0, x2apicId: c.id, flags: ENABLED, processorUid: uid } }));
  subs.push({ type: 1, values: { iOApicId: 0, reserved: 0, address: 0xfec00000, interrupt: 0 } });
  return buildTable(madtDef, { header: header(5, "NKSYNTH"), fixed: { localApicAddress: 0xfee00000, flags: 1 }, subtables: subs });
}

/** Every table of a description, named by signature as in /sys/firmware/acpi/tables. */
export function synthTables(d: Description, host: Host, loc: Location = {}): SynthTable[] {
  const out: SynthTable[] = [{ signature: "SRAT", bytes: sratTable(host) }];
  const matrix = distanceMatrix(d);
  if (matrix !== undefined) out.push({ signature: "SLIT", bytes: slitTable(d, matrix) });
  if (d.hmat !== undefined) out.push({ signature: "HMAT", bytes: hmatTable(host, d.hmat, loc) });
  if (host.nodes.some((n) => n.cpus.length > 0)) out.push({ signature: "APIC", bytes: madtTable(host) });
  return out;
}
