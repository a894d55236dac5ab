/**
 * The topology model: what the tables say, numbered the way an OS numbers it, with provenance
 * (which table entry each fact came from). Reports are pure functions of this value.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { HmatModel } from "./hmat.js";
import type { Numbering, PxmNodeMap } from "./numbering.js";
import type { EntryLocation } from "../acpi/views.js";
import type { CxlModel } from "./cxl.js";
import type { NodeKind } from "./kinds.js";
import type { MemoryTier, TierSummary } from "./tiers.js";
import type { FallbackNode } from "./fallback.js";

export type CpuKind = "apic" | "x2apic" | "gicc" | "rintc" | "loongarch";
/** How the MADT lists the CPU: usable now, can be brought online later, unusable, or not listed. */
export type MadtState = "enabled" | "online-capable" | "disabled" | "absent";

export interface Cpu {
  kind: CpuKind;
  /** APIC / x2APIC / LoongArch core id, or the ACPI processor UID (GICC, RINTC). */
  id: number;
  /** ACPI processor UID from the matching MADT entry. */
  uid?: number;
  /** Present at boot: the MADT entry is enabled. */
  enabled: boolean;
  madt: MadtState;
  /** The logical CPU number Linux gives it at boot (enabled MADT entries in table order). */
  linuxCpu?: number;
  /** Linux never reads the SRAT entry that places it (after a refused Generic Initiator): Linux does not put it in this node. */
  linuxUnread?: true;
  at: EntryLocation;
}

export interface MemoryRange {
  base: bigint;
  length: bigint;
  hotPluggable: boolean;
  nonVolatile: boolean;
  /** ACPI 6.6 Specific-Purpose bit (EFI_MEMORY_SP). */
  specificPurpose: boolean;
  /** Presumed RAM at boot for Linux (srat-walk.ts presumedRamRule; ./online.ts). */
  bootRam: boolean;
  at: EntryLocation;
}

export type DeviceHandle =
  | { type: "acpi"; hid: string; uid: number }
  | { type: "pci"; segment: number; bus: number; device: number; function: number }
  | { type: "reserved"; value: number };

export interface Initiator {
  kind: "generic-initiator" | "generic-port";
  handle: DeviceHandle;
  architecturalTransactions: boolean;
  at: EntryLocation;
}

/** A namespace device placed in a proximity domain by its own static `_PXM` (see ./devices.ts). */
export interface NodeDevice {
  path: string;
  hid?: string;
  pxm: number;
  /** The ancestor whose `_PXM` the device inherits (ACPI 6.5 §6.2.14; Linux acpi_get_pxm walks up). */
  inheritedFrom?: string;
  /** Static `_UID` (joins ACPI0016 CXL host bridges to the CEDT CHBS). */
  uid?: number | string;
}

export interface TopologyNode {
  id: number;
  pxm: number;
  cpus: Cpu[];
  /** Enabled SRAT memory ranges, sorted by base. */
  memory: MemoryRange[];
  /** Bytes in ranges present at boot (hot-plug windows excluded). */
  memoryBytes: bigint;
  /** Bytes in all ranges, hot-plug windows included. */
  memoryBytesWithHotplug: bigint;
  devices: NodeDevice[];
  initiators: Initiator[];
  /** GIC ITS ids SRAT type 4 places here (arm64). */
  itsIds: number[];
  /** What the node is (./kinds.ts): the primary kind and every kind that applies. */
  kind: NodeKind;
  kinds: NodeKind[];
  /** Linux's memory tier for the node under the chosen kernel (./tiers.ts); absent without memory. */
  memoryTier?: MemoryTier;
  /** Set when Linux made the node for a CEDT CFMWS window (fake PXM; ./cxl.ts). */
  cxlWindow?: { index: number; base: bigint; size: bigint; targets: number[] };
}

export type DistanceSource = "SLIT" | "_SLI" | "default";

/**
 * What one source says about the node distances, over `Topology.nodes`: `null` where it says
 * nothing (a PXM beyond the SLIT's localities, a pair no `_SLI` row or column names).
 */
export type PartialMatrix = (number | null)[][];

/** The SLIT's matrix, whether or not the OS can use it (`reason` says why not). */
export interface SlitDistances { source: "SLIT"; used: boolean; matrix: PartialMatrix; at: EntryLocation; reason?: string }
/** The `_SLI` rows and columns of devices with a static `_PXM`, each with the object it came from. */
export interface SliDistances { source: "_SLI"; used: boolean; matrix: PartialMatrix; objects: { path: string; at: EntryLocation }[] }
/** The OS's own values: 10 local, 20 remote (Linux numa_alloc_distance, Xen). */
export interface DefaultDistances { source: "default"; used: boolean; matrix: number[][]; rule: string }
export type DistanceSourceInfo = SlitDistances | SliDistances | DefaultDistances;

export interface Distances {
  /** matrix[i][j]: distance from the i-th to the j-th node of `Topology.nodes`, as the OS sets it. */
  matrix: number[][];
  /** The source the OS uses; pairs it does not cover keep the default. */
  source: DistanceSource;
  /** Why the SLIT was not used, when `source` is not "SLIT". */
  reason?: string;
  /** Every source the tables and the namespace offer, side by side, the used one marked (SLIT, _SLI, default). */
  sources: DistanceSourceInfo[];
}

export interface MsctModel {
  /** Decoded maxima (the table stores maximum − 1). */
  maxProximityDomains: number;
  maxClockDomains: number;
  maxPhysicalAddress: bigint;
  domains: { start: number; end: number; processorCapacity: number; memoryCapacity: bigint }[];
}

/** What one OS makes of the tables (Linux 6.x x86/arm64, or Xen x86). */
export interface OsVerdict {
  os: "linux" | "xen";
  /** Nodes the OS will use: 1 when it falls back to a single (fake/dummy) node. */
  nodes: number;
  usesSrat: boolean;
  usesSlit: boolean;
  /** Why the SRAT is rejected (bad_srat / numa_fw_bad), when it is. */
  sratRejected?: string;
  /** Why the SLIT is not used, when it is not. */
  slitRejected?: string;
  /** Linux only: whether the HMAT is used, and why not. */
  usesHmat?: boolean;
  hmatRejected?: string;
  /** Linux only: possible nodes made for CEDT CFMWS windows, beyond `nodes`. */
  cxlWindowNodes?: number;
  /** Linux only: of `nodes`, how many are online at boot, when fewer (./online.ts). */
  onlineAtBoot?: number;
  sentence: string;
}

export interface OsLimits {
  /** Linux MAX_NUMNODES (1 << CONFIG_NODES_SHIFT; distro kernels use 10 → 1024). */
  linuxMaxNumnodes: number;
  /** Xen MAX_NUMNODES (CONFIG_NR_NUMA_NODES, default 64). */
  xenMaxNumnodes: number;
  /** Xen CONFIG_NR_CPUS (x86 default 256): x2APIC ids from MAX_LOCAL_APIC = MAX(256, 4 * NR_CPUS) on are ignored. */
  xenNrCpus: number;
}

export const DEFAULT_LIMITS: OsLimits = { linuxMaxNumnodes: 1024, xenMaxNumnodes: 64, xenNrCpus: 256 };

export interface Topology {
  numbering: Numbering;
  /** Signatures of the tables that were present (first of each). */
  tables: string[];
  /** PXMs Linux makes nodes of (its SRAT walk, then CXL windows' fake PXMs); others are shown, not Linux's. */
  linuxPxms: number[];
  /** Signatures of tables the sources hold but could not read, so left out (./unreadable.ts). */
  unreadable?: string[];
  sratRevision?: number;
  nodes: TopologyNode[];
  pxmMap: PxmNodeMap;
  /** MADT CPUs with no SRAT entry (the OS guesses their node). */
  unplacedCpus: Cpu[];
  /** Initiators and devices whose PXM has no node. */
  unplacedInitiators: (Initiator & { pxm: number })[];
  unplacedDevices: NodeDevice[];
  /** Devices whose `_PXM` only run-time AML can tell. */
  dynamicPxmDevices: { path: string; hid?: string }[];
  distances: Distances;
  hmat?: HmatModel;
  msct?: MsctModel;
  verdicts: { linux: OsVerdict; xen: OsVerdict };
  /** The single node each OS runs when it does not build nodes from the SRAT (./fallback.ts). */
  fallback: { linux?: FallbackNode; xen?: FallbackNode };
  /** Findings made while building (what the OS would log); the validator adds the rest. */
  diagnostics: Diagnostic[];
  /** The Linux version whose rules apply where they changed (`--kernel`). */
  kernel: string;
  /** CEDT host bridges and windows, Generic Ports, and what Linux/Xen make of them. */
  cxl?: CxlModel;
  /** Linux memory tiers (absent before 6.1). */
  memoryTiers?: TierSummary;
}
