/**
 * CPUs: SRAT says which proximity domain a CPU belongs to; the MADT says whether it exists and
 * in which order the OS numbers it. Matching is by APIC/x2APIC id on x86 (SRAT types 0/2 ↔ MADT
 * 0/9), by LoongArch core id (SRAT type 0 ↔ MADT CORE_PIC), and by ACPI processor UID for GICC
 * (arm64) and RINTC (RISC-V).
 */
import type { Cpu, CpuKind, MadtState } from "./model.js";
import type { MadtCpu, SratEntry } from "../acpi/views.js";

/**
 * Linux logical CPU numbers at boot. x86 `acpi_parse_madt_lapic_entries` walks LAPIC and x2APIC
 * entries together in table order; `acpi_register_lapic` numbers enabled ones (disabled ones only
 * count towards possible CPUs); LAPIC id 0xFF is skipped as invalid. The boot CPU is 0: the tables
 * do not name it, so the first usable entry is taken as the boot CPU, as on every firmware seen.
 * arm64 (`acpi_map_gic_cpu_interface`), RISC-V and LoongArch number enabled entries likewise.
 */
export function linuxCpuNumbers(madt: readonly MadtCpu[]): Map<MadtCpu, number> {
  const out = new Map<MadtCpu, number>();
  for (const c of madt) {
    if (!c.enabled) continue;
    if (c.type === 0 && c.matchId === 0xff) continue;
    if (c.type === 9 && c.matchId === 0xffffffff) continue;
    out.set(c, out.size);
  }
  return out;
}

export type MadtKey = "apic" | "uid-gicc" | "uid-rintc" | "core";

function madtKey(c: MadtCpu): MadtKey {
  if (c.type === 0 || c.type === 9) return "apic";
  if (c.type === 0x0b) return "uid-gicc";
  if (c.type === 0x18) return "uid-rintc";
  return "core";
}

/** Index of MADT CPUs by (key, id); the first entry wins when ids repeat (duplicates are validated). */
export class MadtIndex {
  private readonly byKey = new Map<string, MadtCpu>();
  readonly hasCorePic: boolean;
  readonly numbers: Map<MadtCpu, number>;
  readonly matched = new Set<MadtCpu>();

  constructor(readonly cpus: readonly MadtCpu[]) {
    for (const c of cpus) {
      const k = `${madtKey(c)}:${c.matchId}`;
      if (!this.byKey.has(k)) this.byKey.set(k, c);
    }
    this.hasCorePic = cpus.some((c) => c.type === 0x11);
    this.numbers = linuxCpuNumbers(cpus);
  }

  find(key: MadtKey, id: number): MadtCpu | undefined {
    return this.byKey.get(`${key}:${id}`);
  }
}

function stateOf(m: MadtCpu | undefined): MadtState {
  if (m === undefined) return "absent";
  if (m.enabled) return "enabled";
  return m.onlineCapable ? "online-capable" : "disabled";
}

/** The CPU an enabled SRAT processor entry describes, cross-checked with the MADT. */
export function cpuOf(e: SratEntry, madt: MadtIndex): Cpu | undefined {
  let kind: CpuKind;
  let id: number;
  let key: MadtKey;
  switch (e.type) {
    case 0: kind = madt.hasCorePic ? "loongarch" : "apic"; id = e.apicId; key = madt.hasCorePic ? "core" : "apic"; break;
    case 2: kind = "x2apic"; id = e.x2apicId; key = "apic"; break;
    case 3: kind = "gicc"; id = e.acpiProcessorUid; key = "uid-gicc"; break;
    case 7: kind = "rintc"; id = e.acpiProcessorUid; key = "uid-rintc"; break;
    default: return undefined;
  }
  const m = madt.find(key, id);
  if (m !== undefined) madt.matched.add(m);
  return cpuRecord(kind, id, m, madt, e.at);
}

function cpuRecord(kind: CpuKind, id: number, m: MadtCpu | undefined, madt: MadtIndex, at: Cpu["at"]): Cpu {
  const cpu: Cpu = { kind, id, enabled: m?.enabled ?? false, madt: stateOf(m), at };
  if (m !== undefined) cpu.uid = m.uid;
  const n = m === undefined ? undefined : madt.numbers.get(m);
  if (n !== undefined) cpu.linuxCpu = n;
  return cpu;
}

/** MADT CPUs that no SRAT entry placed: usable ones the OS must put somewhere. */
export function unmatchedMadtCpus(madt: MadtIndex): Cpu[] {
  return madt.cpus.filter((m) => !madt.matched.has(m) && (m.enabled || m.onlineCapable)).map((m) => {
    const kind: CpuKind = m.type === 0 ? "apic" : m.type === 9 ? "x2apic" : m.type === 0x0b ? "gicc" : m.type === 0x18 ? "rintc" : "loongarch";
    return cpuRecord(kind, m.matchId, m, madt, m.at);
  });
}
