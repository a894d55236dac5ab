/**
 * The builder: decoded tables (+ the namespace's `_PXM`/`_SLI`) → Topology. It walks the SRAT
 * the way Linux and Xen do (./srat-walk.ts), numbers nodes by the chosen policy, places CPUs
 * (cross-checked with the MADT), memory ranges, initiators and devices, and attaches distances,
 * HMAT attributes and MSCT limits, each with its provenance.
 */
import type { DecodedTable } from "../acpi/index.js";
import type { Diagnostic } from "../diagnostics.js";
import { cpuOf, MadtIndex, unmatchedMadtCpus } from "./cpus.js";
import { NO_NAMESPACE, type NamespaceLocality } from "./devices.js";
import { buildDistances } from "./distances.js";
import { buildHmat, MAX_HMAT_PAIRS } from "./hmat.js";
import { describeProvenance } from "../acpi/raw.js";
import { DEFAULT_LIMITS, type Cpu, type DeviceHandle, type Initiator, type MsctModel, type OsLimits, type Topology, type TopologyNode } from "./model.js";
import { PxmNodeMap, type Numbering } from "./numbering.js";
import { entryPxm, isEnabled, memoryFlags, presumedRamRule, walkLinux, walkXen, type SratWalk } from "./srat-walk.js";
import { hmatEntries, madtCpus, msctView, revisionOf, slitView, sratEntries, VIEWS, type SratEntry, type SratGeneric } from "../acpi/views.js";
import { decodeStruct } from "../acpi/layout/codec.js";
import { bitValue, isSet, staticSize } from "../acpi/layout/types.js";
import { readView } from "../acpi/layout/view.js";
import { deviceHandleSpec, PCI_DEVFN, SRAT_GENERIC_FLAGS } from "../acpi/tables/srat.js";
import { verdicts } from "./verdicts.js";
import { linuxOnlineNodes } from "./online.js";
import { cedtView } from "../acpi/views-cedt.js";
import { buildCxl, type CxlModel } from "./cxl.js";
import { atLeast, DEFAULT_KERNEL, kernelText, type KernelVersion } from "./kernel.js";
import { classifyNodes, cxlVerdict } from "./classify.js";
import { fallbackNode, fallbackReason } from "./fallback.js";
import { checkTopology } from "./check.js";
import { maxOf } from "../util/arrays.js";

export interface BuildOptions {
  numbering?: Numbering;
  namespace?: NamespaceLocality;
  limits?: Partial<OsLimits>;
  /** Linux version for the rules that changed (CXL windows, Generic Ports, memory tiers). */
  kernel?: KernelVersion;
}

/** The first table with a signature (firmware sometimes ships two; the OS uses the first). */
export function firstTable(tables: readonly DecodedTable[], signature: string): DecodedTable | undefined {
  return tables.find((t) => t.signature === signature);
}

/** The Device Handle read through its spec (ACPI 6.5 Tables 5.59/5.60), by Device Handle Type. */
function deviceHandle(e: SratGeneric): DeviceHandle {
  const handle = deviceHandleSpec(e.deviceHandleType);
  const values = handle === undefined ? {} : decodeStruct(handle, e.deviceHandle, 0, staticSize(handle)).values;
  const acpi = e.deviceHandleType === 0 ? readView(values, VIEWS.acpiHandle) : undefined;
  // The _HID is up to 8 characters; NUL padding (anywhere, as firmware writes it) is not part of it.
  if (acpi !== undefined) return { type: "acpi", hid: acpi.hid.replace(/\0/g, ""), uid: acpi.uid };
  // Segment, then bus, then device/function (not the Linux bus<<8|devfn form).
  const pci = e.deviceHandleType === 1 ? readView(values, VIEWS.pciHandle) : undefined;
  if (pci !== undefined) return { type: "pci", segment: pci.segment, bus: pci.bus, device: bitValue(pci.devfn, PCI_DEVFN.device), function: bitValue(pci.devfn, PCI_DEVFN.function) };
  return { type: "reserved", value: e.deviceHandleType };
}

/**
 * PXMs in the order the chosen policy numbers them: the OS's walk, then (Linux) the fake PXMs of
 * CXL windows, which take the next node ids (acpi_parse_cfmws), then any PXM the OS skipped.
 */
function numberingOrder(policy: Numbering, linux: SratWalk, xen: SratWalk, all: readonly number[], fakePxms: readonly number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  const primary = policy === "xen" ? xen.order : [...linux.order, ...fakePxms];
  for (const p of [...primary, ...all]) if (!seen.has(p)) { seen.add(p); out.push(p); }
  return policy === "pxm" ? out.sort((a, b) => a - b) : out;
}

/** The node an APIC id's CPU is in, and the rank of the entry that put it there in the OS's order. */
interface ApicOwner { node: TopologyNode; cpu: Cpu; rank: number }

/**
 * Puts an APIC-id CPU in its node; when another enabled entry names the same APIC id (an x2APIC
 * and a LAPIC entry alike: both write apicid_to_node[id]), the entry the OS reads last wins and the
 * CPU leaves the other node, so a CPU is in one node as in the OS. Linux reads CPU entries in table
 * order (acpi_numa_init's first pass); Xen reads every x2APIC entry, then every LAPIC entry
 * (xen/drivers/acpi/numa.c). `--numbering xen` follows Xen; the others Linux. GICC/RINTC CPUs
 * are placed as they come. (SRAT_DUPLICATE_CPU reports the conflict.)
 */
function placeCpu(owners: Map<number, ApicOwner>, numbering: Numbering, count: number, index: number, type: number, node: TopologyNode, cpu: Cpu): void {
  if (cpu.kind !== "apic" && cpu.kind !== "x2apic") { node.cpus.push(cpu); return; }
  const rank = numbering === "xen" && type === 0 ? count + index : index;
  const prev = owners.get(cpu.id);
  if (prev !== undefined && prev.rank > rank) return;
  if (prev !== undefined) prev.node.cpus.splice(prev.node.cpus.indexOf(prev.cpu), 1);
  owners.set(cpu.id, { node, cpu, rank });
  node.cpus.push(cpu);
}

export function buildTopology(tables: readonly DecodedTable[], opts: BuildOptions = {}): Topology {
  const numbering = opts.numbering ?? "linux";
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const ns = opts.namespace ?? NO_NAMESPACE;
  const sratT = firstTable(tables, "SRAT");
  const madtT = firstTable(tables, "APIC");
  const slitT = firstTable(tables, "SLIT");
  const hmatT = firstTable(tables, "HMAT");
  const msctT = firstTable(tables, "MSCT");
  const revision = sratT === undefined ? 0 : revisionOf(sratT);
  const entries: readonly SratEntry[] = sratT === undefined ? [] : sratEntries(sratT);

  const kernel = opts.kernel ?? DEFAULT_KERNEL;
  // Generic Initiator Affinity handling (acpi_parse_gi_affinity) came with Linux 5.10.
  const linux = walkLinux(entries, revision, limits.linuxMaxNumnodes, atLeast(kernel, 5, 10));
  const madtList = madtT === undefined ? [] : madtCpus(madtT);
  const notX86 = madtList.some((c) => c.type === 0x0b || c.type === 0x11 || c.type === 0x18);
  const xen = walkXen(entries, revision, { maxNumnodes: limits.xenMaxNumnodes, nrCpus: limits.xenNrCpus, notX86 });
  // Every PXM an enabled entry names, in table order, so no firmware fact is lost to a policy.
  const allPxms = entries.filter(isEnabled).map((e) => entryPxm(e, revision));
  const cxl = cxlModel(tables, entries, revision, linux, sratT !== undefined, ns, kernel, limits.linuxMaxNumnodes);
  // CXL window nodes are Linux's own (Xen does not read the CEDT): only Linux numbering has them.
  const windowNodes = numbering === "linux" ? (cxl?.windows ?? []).filter((w) => w.linux.action === "new-node") : [];
  const fakePxms = windowNodes.flatMap((w) => (w.linux.pxm === undefined ? [] : [w.linux.pxm]));
  const pxmMap = PxmNodeMap.fromOrder(numbering, numberingOrder(numbering, linux, xen, allPxms, fakePxms));

  const nodes = new Map<number, TopologyNode>();
  for (const [pxm, id] of pxmMap.entries()) {
    nodes.set(id, { id, pxm, cpus: [], memory: [], memoryBytes: 0n, memoryBytesWithHotplug: 0n, devices: [], initiators: [], itsIds: [], kind: "empty", kinds: [] });
  }
  for (const w of windowNodes) {
    const node = w.linux.pxm === undefined ? undefined : nodes.get(pxmMap.nodeOf(w.linux.pxm) ?? -1);
    if (node !== undefined) node.cxlWindow = { index: w.index, base: w.base, size: w.size, targets: w.targets };
  }
  const nodeFor = (pxm: number): TopologyNode | undefined => {
    const id = pxmMap.nodeOf(pxm);
    return id === undefined ? undefined : nodes.get(id);
  };

  const madt = new MadtIndex(madtList);
  const unplacedInitiators: Topology["unplacedInitiators"] = [];
  const apicOwners = new Map<number, ApicOwner>();
  const isRam = presumedRamRule(entries);
  for (const [index, e] of entries.entries()) {
    if (!isEnabled(e)) continue;
    const pxm = entryPxm(e, revision);
    const node = nodeFor(pxm);
    if (e.type === 1) {
      const flags = memoryFlags(e);
      const r = { base: e.baseAddress, length: e.addressLength, ...flags, bootRam: isRam(flags), at: e.at };
      node?.memory.push(r);
    } else if (e.type === 4) {
      node?.itsIds.push(e.itsId);
    } else if (e.type === 5 || e.type === 6) {
      const ini: Initiator = { kind: e.type === 5 ? "generic-initiator" : "generic-port", handle: deviceHandle(e), architecturalTransactions: isSet(e.flags, SRAT_GENERIC_FLAGS.architecturalTransactions), at: e.at };
      if (node === undefined) unplacedInitiators.push({ ...ini, pxm }); else node.initiators.push(ini);
    } else {
      const cpu = cpuOf(e, madt);
      if (cpu !== undefined && linux.unread.has(e)) cpu.linuxUnread = true;
      if (cpu !== undefined && node !== undefined) placeCpu(apicOwners, numbering, entries.length, index, e.type, node, cpu);
    }
  }
  for (const n of nodes.values()) {
    n.memory.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    for (const r of n.memory) {
      n.memoryBytesWithHotplug += r.length;
      if (!r.hotPluggable) n.memoryBytes += r.length;
    }
  }
  const unplacedDevices = ns.devices.filter((d) => {
    const node = nodeFor(d.pxm);
    node?.devices.push(d);
    return node === undefined;
  });

  const ordered = [...nodes.values()].sort((a, b) => a.id - b.id);
  const slit = slitT === undefined ? undefined : slitView(slitT);
  // acpi_parse_slit runs before acpi_parse_cfmws: a window node's fake PXM never takes SLIT values.
  const distances = buildDistances(ordered.map((n) => (n.cxlWindow === undefined ? n.pxm : Number.MAX_SAFE_INTEGER)), slit, ns.sli);
  // The OS's single node when the SRAT gives it none to build (./fallback.ts).
  const fallbackWhy = { linux: fallbackReason(sratT !== undefined, linux, entries), xen: fallbackReason(sratT !== undefined, xen, entries) };
  const memoryPxms = new Set(entries.filter((e) => e.type === 1 && isEnabled(e)).map((e) => entryPxm(e, revision)));
  const hmatFindings: Diagnostic[] = [];
  const hmat = hmatT === undefined ? undefined
    : buildHmat(hmatEntries(hmatT), revisionOf(hmatT), memoryPxms, (p) => pxmMap.nodeOf(p), fallbackWhy.linux === undefined, (cells) => {
      hmatFindings.push({
        code: "HMAT_TOO_MANY_PAIRS", severity: "error", table: "HMAT", offset: 0, source: describeProvenance(hmatT.source),
        message: `the locality structures name more than ${MAX_HMAT_PAIRS} initiator-target pairs; numakit keeps the first ${MAX_HMAT_PAIRS} and not the other ${cells} cells`,
      });
    });
  const msctV = msctT === undefined ? undefined : msctView(msctT);
  const msct: MsctModel | undefined = msctV === undefined ? undefined : {
    maxProximityDomains: msctV.maxProximityDomains + 1, maxClockDomains: msctV.maxClockDomains + 1, maxPhysicalAddress: msctV.maxPhysicalAddress,
    domains: msctV.domains.map((d) => ({ start: d.domainRangeStart, end: d.domainRangeEnd, processorCapacity: d.processorCapacity, memoryCapacity: d.memoryCapacity })),
  };

  const diagnostics: Diagnostic[] = [...linux.findings, ...xen.findings, ...ns.diagnostics, ...hmatFindings];
  const signatures = [...new Set(tables.map((t) => t.signature))];
  const linuxPxms = [...linux.order, ...(cxl?.windows ?? []).flatMap((w) => (w.linux.action === "new-node" && w.linux.pxm !== undefined ? [w.linux.pxm] : []))];
  const linuxOnline = linuxOnlineNodes({ nodes: ordered, tables: signatures, linuxPxms }).size;
  const topo: Topology = {
    numbering, tables: signatures, linuxPxms,
    nodes: ordered, pxmMap, unplacedCpus: unmatchedMadtCpus(madt), unplacedInitiators, unplacedDevices, dynamicPxmDevices: ns.dynamic, distances,
    verdicts: verdicts({ fallback: fallbackWhy, linux, xen, slit, hmat, linuxOnline }),
    fallback: {},
    diagnostics, kernel: kernelText(kernel),
  };
  const everyCpu = [...ordered.flatMap((n) => n.cpus), ...topo.unplacedCpus];
  if (fallbackWhy.linux !== undefined) topo.fallback.linux = fallbackNode("linux", fallbackWhy.linux, everyCpu);
  if (fallbackWhy.xen !== undefined) topo.fallback.xen = fallbackNode("xen", fallbackWhy.xen, everyCpu);
  if (sratT !== undefined) topo.sratRevision = revision;
  if (cxl !== undefined) { topo.cxl = cxl; cxlVerdict(topo.verdicts.linux, cxl); }
  const tiers = classifyNodes(ordered, hmat, kernel);
  if (tiers !== undefined) topo.memoryTiers = tiers;
  if (hmat !== undefined) topo.hmat = hmat;
  if (msct !== undefined) topo.msct = msct;
  // hwloc_topology_load() runs hwloc_topology_check() under HWLOC_DEBUG_CHECK; the tests set ours.
  if (process.env["NUMAKIT_DEBUG_CHECK"] === "1") checkTopology(topo);
  return topo;
}

/** The CEDT and SRAT Generic Ports as Linux `kernel` reads them (./cxl.ts). */
function cxlModel(tables: readonly DecodedTable[], entries: readonly SratEntry[], revision: number, linux: SratWalk, sratPresent: boolean, ns: NamespaceLocality, kernel: KernelVersion, maxNodes: number): CxlModel | undefined {
  const cedtT = firstTable(tables, "CEDT");
  const genericPorts = entries.flatMap((e) => {
    if (e.type !== 6) return [];
    const h = deviceHandle(e);
    return [{ pxm: e.proximityDomain, enabled: isEnabled(e), at: e.at, ...(h.type === "acpi" ? { hid: h.hid, uid: h.uid } : {}) }];
  });
  const sratBlocks = entries.flatMap((e) => (e.type === 1 && isEnabled(e) && e.addressLength > 0n
    ? [{ start: e.baseAddress, end: e.baseAddress + e.addressLength, pxm: entryPxm(e, revision) }] : []));
  return buildCxl({
    cedt: cedtT === undefined ? undefined : cedtView(cedtT),
    genericPorts, hostBridgeDevices: ns.cxlHostBridges ?? [],
    rootDevices: tables.some((t) => t.signature === "DSDT" || t.signature === "SSDT") ? ns.cxlRoots ?? [] : undefined,
    linux: {
      kernel, sratUsed: sratPresent && linux.rejected === undefined, sratBlocks, nodesUsed: linux.map.size, maxNodes,
      maxPxm: linux.order.length === 0 ? undefined : maxOf(linux.order),
    },
  });
}
