/**
 * From a description to concrete resources, laid out the way QEMU's PC machines lay out guest RAM
 * and number CPUs, so that the tables describe exactly the guest QEMU builds from the printed
 * `-m`/`-smp`:
 *
 * - RAM split around the PCI hole. q35 (hw/i386/pc_q35.c, pc_q35_init(), qemu/qemu 0021c4765a6b):
 *   `lowmem = ram_size >= 0xb0000000 ? 0x80000000 : 0xb0000000`; RAM below `lowmem` sits at
 *   [0, lowmem) and the rest at 4 GiB. pc/i440fx (hw/i386/pc_piix.c, pc_init1(), qemu/qemu
 *   001cb25f3fb8): `max_ram_below_4g` defaults to 0xe0000000 (3.5 GiB) and, once RAM reaches it,
 *   `gigabyte_align` moves the split to 0xc0000000 (3 GiB). Node memory is laid out in node order
 *   from address 0 and a node that straddles the split gets two ranges, as QEMU's own build_srat()
 *   (hw/i386/acpi-build.c) cuts it. The 640 KiB–1 MiB legacy hole is E820-reserved inside RAM and
 *   needs no cut: Linux only needs every E820 RAM range covered (numa_meminfo_cover_memory()).
 * - APIC ids from `-smp sockets,cores,threads` as x86_apicid_from_topo_ids() (include/hw/i386/topology.h)
 *   packs them: thread, core and package fields, each ceil(log2(count)) bits wide.
 * - arm64 virt (hw/arm/virt.c, base_memmap[VIRT_MEM], qemu/qemu f6b174ff9652): RAM is one block from
 *   1 GiB, with no hole. CPUs are GICC structures whose ACPI Processor UID is the CPU index
 *   0..N-1 (hw/arm/virt-acpi-build.c build_madt(): `GIC ID` and `ACPI Processor UID` are both
 *   `i`), whatever -smp sockets/cores/threads say (those only shape QEMU's PPTT).
 */
import { UsageError, type Location } from "../errors.js";
import type { DescHandle, DescNode, Description, Machine } from "./desc.js";
import { maxOf } from "../util/arrays.js";

export const MiB = 1n << 20n;
export const GiB = 1n << 30n;
const FOUR_GIB = 4n * GiB;
/** Where QEMU's arm64 virt machine puts guest RAM (hw/arm/virt.c base_memmap[VIRT_MEM]). */
export const VIRT_RAM_BASE = GiB;

/** A CPU: an APIC or x2APIC id (x86), or the ACPI Processor UID of a GICC structure (arm64). */
export interface HostCpu { id: number; kind: "apic" | "x2apic" | "gicc" }
export interface HostRange { base: bigint; length: bigint; hotplug: boolean; nonvolatile: boolean; specificPurpose: boolean }
export interface HostNode {
  pxm: number;
  cpus: HostCpu[];
  memory: HostRange[];
  initiator?: number;
  genericInitiators: DescHandle[];
}
export interface Smp { sockets: number; cores: number; threads: number }

/** A description with every address and APIC id decided. */
export interface Host {
  machine: Machine;
  nodes: HostNode[];
  /** QEMU's -smp that yields these APIC ids, when one does. */
  smp?: Smp;
  /** QEMU's -m (bytes) whose RAM layout the SRAT covers exactly, when one does. */
  ramBytes?: bigint;
  /** Why there is no QEMU command line (smp/ramBytes undefined). */
  qemuProblems: string[];
}

/** Where QEMU puts `size` bytes of guest RAM on this machine. */
export function qemuRamLayout(machine: Machine, size: bigint): { base: bigint; length: bigint }[] {
  if (machine === "virt") return size === 0n ? [] : [{ base: VIRT_RAM_BASE, length: size }];
  let lowmem: bigint;
  if (machine === "q35") lowmem = size >= 0xb0000000n ? 0x80000000n : 0xb0000000n;
  else lowmem = size >= 0xe0000000n ? 0xc0000000n : 0xe0000000n;
  if (size < lowmem) return size === 0n ? [] : [{ base: 0n, length: size }];
  return size === lowmem ? [{ base: 0n, length: lowmem }] : [{ base: 0n, length: lowmem }, { base: FOUR_GIB, length: size - lowmem }];
}

/**
 * Whether an x86 host has an APIC id from 255 on: QEMU then needs x2APIC in the vCPU model and
 * Linux interrupt remapping (see ./qemu.ts). 255 itself counts: it is xAPIC's broadcast id, QEMU's
 * x86_cpus_init() (hw/i386/x86.c) tests apic_id_limit (highest id + 1) > 255, and Linux's
 * default_apic_id_valid() takes ids below 255 only.
 */
export function needsX2apicMode(nodes: readonly { cpus: readonly HostCpu[] }[]): boolean {
  return nodes.some((n) => n.cpus.some((c) => c.kind !== "gicc" && c.id >= 255));
}

function bitsFor(count: number): number {
  return count <= 1 ? 0 : Math.ceil(Math.log2(count));
}

/** APIC ids of `-smp sockets*cores*threads,...` in QEMU's CPU index order (= Linux CPU numbers). */
export function qemuApicIds(smp: Smp): number[] {
  const t = bitsFor(smp.threads);
  const c = bitsFor(smp.cores);
  const ids: number[] = [];
  for (let s = 0; s < smp.sockets; s++) {
    for (let k = 0; k < smp.cores; k++) for (let h = 0; h < smp.threads; h++) ids.push((s * 2 ** (c + t)) + (k * 2 ** t) + h);
  }
  return ids;
}

/** An -smp whose APIC ids are exactly `ids` (fewest threads, then fewest sockets), if any. Bounded by divisor pairs. */
export function smpForApicIds(ids: readonly number[]): Smp | undefined {
  const n = ids.length;
  if (n === 0) return undefined;
  const want = [...ids].sort((a, b) => a - b).join(",");
  for (let threads = 1; threads <= Math.min(n, 64); threads++) {
    if (n % threads !== 0) continue;
    for (let cores = n / threads; cores >= 1; cores--) {
      if ((n / threads) % cores !== 0) continue;
      const smp = { sockets: n / threads / cores, cores, threads };
      if (qemuApicIds(smp).join(",") === want) return smp;
    }
  }
  return undefined;
}

function range(base: bigint, length: bigint, hotplug = false): HostRange {
  return { base, length, hotplug, nonvolatile: false, specificPurpose: false };
}

function x86Cpu(n: DescNode, apicId: number): HostCpu {
  return { id: apicId, kind: n.x2apic || apicId >= 255 ? "x2apic" : "apic" };
}

/**
 * The -smp for arm64 virt GICC UIDs: QEMU numbers them 0..N-1 in CPU index order, so explicit
 * UIDs must be exactly that set (Linux then numbers CPUs in MADT order, UID order here).
 */
function virtSmp(d: Description, uids: readonly number[], problems: string[]): Smp | undefined {
  const n = uids.length;
  if (n === 0) return undefined;
  if ([...uids].sort((a, b) => a - b).some((u, i) => u !== i)) {
    problems.push(`QEMU's virt gives its CPUs the GICC ACPI Processor UIDs 0..${n - 1}; these are ${uids.length > 12 ? `${uids.slice(0, 12).join(",")},…` : uids.join(",")}`);
    return undefined;
  }
  return d.smp !== undefined && d.smp.sockets * d.smp.cores * d.smp.threads === n ? d.smp : { sockets: 1, cores: n, threads: 1 };
}

function assignCpus(d: Description, machine: Machine, problems: string[], loc: Location): { cpus: HostCpu[][]; smp?: Smp } {
  const gicc = machine === "virt";
  if (gicc) {
    const i = d.nodes.findIndex((n) => n.x2apic);
    if (i >= 0) throw new UsageError(`nodes[${i}].x2apic: applies to x86 machines (q35, pc): virt CPUs are GICC structures`, loc, "E_DESC");
  }
  const counted = d.nodes.every((n) => typeof n.cpus === "number");
  if (!counted) {
    const lists = d.nodes.map((n) => (Array.isArray(n.cpus) ? n.cpus : []));
    const all = lists.flat();
    if (gicc) {
      const smp = virtSmp(d, all, problems);
      const cpus = lists.map((l) => l.map((uid): HostCpu => ({ id: uid, kind: "gicc" })));
      return smp === undefined ? { cpus } : { cpus, smp };
    }
    const smp = smpForApicIds(all);
    if (smp === undefined && all.length > 0) problems.push(`no -smp sockets/cores/threads gives QEMU the APIC ids ${all.length > 12 ? `${all.slice(0, 12).join(",")},…` : all.join(",")}`);
    const cpus = d.nodes.map((n, i) => (lists[i] ?? []).map((apicId) => x86Cpu(n, apicId)));
    return smp === undefined ? { cpus } : { cpus, smp };
  }
  const counts = d.nodes.map((n) => n.cpus as number);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return { cpus: d.nodes.map(() => []) };
  let smp = d.smp;
  if (smp === undefined) {
    // One socket per CPU node when they are alike (so per-socket rules and sockets agree), else one socket.
    const withCpus = counts.filter((c) => c > 0);
    const first = withCpus[0] ?? 1;
    smp = withCpus.every((c) => c === first) ? { sockets: withCpus.length, cores: first, threads: 1 } : { sockets: 1, cores: total, threads: 1 };
  } else if (smp.sockets * smp.cores * smp.threads !== total) {
    throw new UsageError(`smp: ${smp.sockets} sockets × ${smp.cores} cores × ${smp.threads} threads is ${smp.sockets * smp.cores * smp.threads} CPUs, the nodes have ${total}`, loc, "E_DESC");
  }
  const ids = gicc ? Array.from({ length: total }, (_, i) => i) : qemuApicIds(smp);
  let next = 0;
  const cpus = d.nodes.map((n, i) => ids.slice(next, (next += counts[i] ?? 0)).map((id): HostCpu => (gicc ? { id, kind: "gicc" } : x86Cpu(n, id))));
  return { cpus, smp };
}

function merged(ranges: readonly { base: bigint; length: bigint }[]): { base: bigint; length: bigint }[] {
  const out: { base: bigint; length: bigint }[] = [];
  for (const r of [...ranges].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last !== undefined && r.base <= last.base + last.length) {
      const end = r.base + r.length > last.base + last.length ? r.base + r.length : last.base + last.length;
      last.length = end - last.base;
    } else out.push({ base: r.base, length: r.length });
  }
  return out;
}

/** Decide every address and APIC id of a description for a QEMU machine. */
export function layoutHost(d: Description, machineOverride?: Machine, loc: Location = {}): Host {
  const machine = machineOverride ?? d.machine ?? "q35";
  const problems: string[] = [];
  const { cpus, smp } = assignCpus(d, machine, problems, loc);
  const memory: HostRange[][] = d.nodes.map((n) => (n.ranges ?? []).filter((r) => r.length > 0n).map((r) => ({ ...r })));
  const sized = d.nodes.map((n) => BigInt(n.memMib ?? 0) * MiB);
  const explicit = d.nodes.some((n) => n.ranges !== undefined && n.ranges.length > 0);
  const total = sized.reduce((a, b) => a + b, 0n);
  if (total > 0n) {
    if (explicit) {
      // Sizes next to explicit ranges: placed after the highest explicit range, above 4 GiB.
      let at = memory.flat().reduce((m, r) => (r.base + r.length > m ? r.base + r.length : m), FOUR_GIB);
      at = (at + GiB - 1n) / GiB * GiB;
      sized.forEach((s, i) => { if (s > 0n) { memory[i]?.push(range(at, s)); at += s; } });
    } else {
      // QEMU-style: the RAM of `total` bytes, cut into node pieces in node order.
      const ram = qemuRamLayout(machine, total);
      let ri = 0;
      let off = 0n;
      sized.forEach((s, i) => {
        let left = s;
        while (left > 0n) {
          const r = ram[ri];
          if (r === undefined) break;
          const take = r.length - off < left ? r.length - off : left;
          memory[i]?.push(range(r.base + off, take));
          left -= take;
          off += take;
          if (off === r.length) { ri++; off = 0n; }
        }
      });
    }
  }
  // Hot-plug windows: above everything else, 1 GiB aligned (as QEMU's device_memory region is).
  let top = memory.flat().reduce((m, r) => (r.base + r.length > m ? r.base + r.length : m), FOUR_GIB);
  top = (top + GiB - 1n) / GiB * GiB;
  d.nodes.forEach((n: DescNode, i) => {
    if (n.hotplugMib === undefined) return;
    const len = BigInt(n.hotplugMib) * MiB;
    memory[i]?.push(range(top, len, true));
    top += len;
  });
  const nodes: HostNode[] = d.nodes.map((n, i) => {
    const node: HostNode = { pxm: n.pxm, cpus: cpus[i] ?? [], memory: (memory[i] ?? []).sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0)), genericInitiators: n.genericInitiators };
    if (n.initiator !== undefined) node.initiator = n.initiator;
    return node;
  });
  // APIC ids from 255 on need x2APIC mode in the guest, and Linux keeps it only with interrupt
  // remapping (try_to_enable_x2apic(), arch/x86/kernel/apic/apic.c, v6.1; without it, MADT x2APIC
  // entries from 255 on are ignored): QEMU's intel-iommu, which the pc (i440fx) machine refuses
  // ("expects a dynamic sysbus device type for the machine", QEMU 7.2 and 10.0).
  if (machine === "pc" && needsX2apicMode(nodes)) problems.push(`APIC ids from 255 on (here up to ${maxOf(nodes.flatMap((n) => n.cpus.map((c) => c.id)))}) need x2APIC mode, which Linux keeps only with interrupt remapping: QEMU's intel-iommu, which pc (i440fx) does not take (use q35)`);
  const host: Host = { machine, nodes, qemuProblems: problems };
  if (smp !== undefined) host.smp = smp;
  else if (nodes.every((n) => n.cpus.length === 0)) problems.push("no node has CPUs");
  // The -m whose layout equals the RAM ranges (boot RAM: not hot-plug, not specific-purpose, not NVDIMM).
  const ram = merged(nodes.flatMap((n) => n.memory.filter((r) => !r.hotplug && !r.nonvolatile && !r.specificPurpose)));
  const ramBytes = ram.reduce((a, r) => a + r.length, 0n);
  const want = JSON.stringify(merged(qemuRamLayout(machine, ramBytes)), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  if (ramBytes > 0n && JSON.stringify(ram, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) === want) host.ramBytes = ramBytes;
  else problems.push(ramBytes === 0n ? "no node has RAM" : `the RAM ranges are not the layout QEMU's ${machine} gives any -m (for ${ramBytes / MiB} MiB it is ${qemuRamLayout(machine, ramBytes).map((r) => `0x${r.base.toString(16)}+${r.length / MiB}M`).join(", ")})`);
  return host;
}
