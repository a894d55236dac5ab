/**
 * Starting many VMs at once, three ways (the build race of xen-api ocaml/xenopsd/xc/domain.ml: wait_xen_free_mem, then the build):
 *  - "legacy": every VM start runs on its own thread: create, build_pre (wait_xen_free_mem, NUMA
 *    placement from the free memory Xen reports, as xenopsd did before claims), then xenguest
 *    populates. Builds interleave.
 *  - "claim": the seed's flow. A serialized loop creates each domain and claims its memory on the
 *    planned node (current xenopsd `numa_placement`), then all builds run in parallel and consume
 *    their claims (xenguest gets `-mem_pnode N` → exact-node populate).
 *  - "claim+node-create": the same, but the domain is created on the planned node (seed plan's
 *    node-bound createdomain), so struct domain, vCPUs and the paging pool are local too.
 * Concurrency is simulated: each build is a generator advanced one atomic step of Xen at a time
 * (a hypercall, or one extent of a populate_physmap) by the seeded scheduler
 * (src/sim/libxc/scheduler.ts) or by fast-check's scheduler.
 */
import { ENOMEM, ENOSYS, type DomainInfo, type HypervisorPort } from "../libxc/hypercalls.js";
import {
  xc_cputopoinfo, xc_domain_claim_memory, xc_domain_claim_pages, xc_domain_create, xc_domain_destroy, xc_domain_getinfo_single, xc_domain_getinfolist,
  xc_domain_max_vcpus, xc_domain_node_setaffinity, xc_domain_setmaxmem, xc_interface_open, xc_numainfo,
  xc_domain_unpause, xc_physinfo, xc_set_paging_mempool_size, xc_shadow_allocation_set, xc_vcpu_setaffinity, type ExtentCounts,
  type XcInterface,
} from "../libxc/xenctrl.js";
import { noXenInternalMemory, vmNumaMetrics, xenInternalMemory, type VmNumaMetrics, type XenInternalMemory } from "./vm_numa.js";
import { hvm_build, type HvmBuildResult } from "../xenguest/hvm_build.js";
import { KIB, KIB_PER_PAGE, MIB, PAGE_SIZE } from "../units.js";
import { libxl__domain_need_memory_calculate, libxl__get_numa_candidate, libxl__get_required_paging_memory } from "./libxl_numa.js";
import { hvmMemory, type VmMemory } from "./memory.js";
import { hypercall, interleave, runToEnd, sequence, type Build, type Granularity } from "../libxc/scheduler.js";
import { plan as softaffinityPlan } from "./softaffinity.js";
import { NumaHierarchy } from "./topology.js";
import { percentOf } from "../../util/percent.js";

export type Flow = "legacy" | "claim" | "claim+node-create";
export type Policy = "xenopsd" | "libxl";
export const FLOWS: readonly Flow[] = ["legacy", "claim", "claim+node-create"];
export const POLICIES: readonly Policy[] = ["xenopsd", "libxl"];
/**
 * How xenopsd's C stubs were built (xapi-project/xen-api e2ee48d6,
 * ocaml/libs/xenctrl-ext/xenctrlext_stubs.c): `stub_xenctrlext_domain_claim_pages` — the one
 * stub behind both the node claim (numa_placement) and the global claim (build_pre) — calls
 * `xc_domain_claim_pages_node` only `#ifdef XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES` (XenServer's Xen
 * headers) and otherwise raises ENOSYS without a hypercall; `stub_xenctrlext_numa_meminfo`
 * falls back to xc_numainfo with claimed = 0 without XEN_SYSCTL_numa_meminfo.
 *  - "xenserver" (default): built against XenServer's Xen: claims reach the hypervisor.
 *  - "upstream": built against upstream Xen headers: every claim fails with ENOSYS, which
 *    numa_placement ("local claim not available": affinity anyway) and build_pre ("Continue
 *    without global claims") both ignore, so no claim is made and the builds race unclaimed.
 */
export type XenopsdBuild = "xenserver" | "upstream";
export const XENOPSD_BUILDS: readonly XenopsdBuild[] = ["xenserver", "upstream"];
/**
 * xenopsd's host NUMA policy (Host.numa_affinity_policy; xen-api e2ee48d6 xenops_server.ml and
 * domain.ml build_pre), for the xenopsd policy only:
 *  - "best_effort" (default, xenopsd's default_numa_affinity_policy): plan with cores = vcpus,
 *    soft affinity.
 *  - "best_effort_hard": the same plan, hard affinity (affinity_of_numa_affinity_policy).
 *  - "prio_mem_only": soft affinity, a plan without cores (cores_of_numa_affinity_policy = 0).
 *  - "any": build_pre does nothing: no placement, no affinity and no claim at all (node or global).
 * The legacy flow (before claims) knew only best_effort and any.
 */
export type NumaPolicy = "best_effort" | "best_effort_hard" | "prio_mem_only" | "any";
export const NUMA_POLICIES: readonly NumaPolicy[] = ["best_effort", "best_effort_hard", "prio_mem_only", "any"];

/** Why `flow` cannot take `numaPolicy` (undefined: it can): the one rule the scenario parser and prepareVmStart share. */
export function numaPolicyError(flow: Flow, numaPolicy: NumaPolicy): string | undefined {
  return flow === "legacy" && numaPolicy !== "best_effort" && numaPolicy !== "any"
    ? `numa_policy "${numaPolicy}" did not exist before claims: the legacy flow takes "best_effort" or "any"`
    : undefined;
}

export interface VmSpec {
  name: string;
  mem_mib: number;
  vcpus: number;
  /** 4 KiB pages hvmloader populates after the build (default HVMLOADER_PAGES). */
  hvmloaderPages?: number;
}

/**
 * Default of VmSpec.hvmloaderPages: an estimate for a SeaBIOS guest (ACPI info page, ACPI
 * tables, SMBIOS, TSS: 64 KiB). hvmloader's count depends on its table sizes at run time
 * (mem_alloc()/acpi_mem_alloc() in tools/firmware/hvmloader/util.c populate page by page as
 * they grow); OVMF guests add the firmware image's pages (ovmf.c). Set it per VM when known.
 */
export const HVMLOADER_PAGES = 16;
/** RESERVED_MEMBASE >> PAGE_SHIFT (tools/firmware/hvmloader/config.h): where hvmloader's pages go. */
export const HVMLOADER_FIRST_GFN = 0xfc000;

export interface VmStartOptions {
  flow: Flow;
  policy: Policy;
  seed: number;
  vms: VmSpec[];
  /**
   * Resize the paging pool (default true): to xenopsd's shadow_mib in build_pre before placement,
   * or, with the libxl policy, to libxl's shadow_memkb after placement.
   */
  pagingPool?: boolean;
  /** xenopsd's build variant (default "xenserver"): see XenopsdBuild. */
  xenopsd?: XenopsdBuild;
  /** xenopsd's NUMA policy (default "best_effort"): see NumaPolicy. */
  numaPolicy?: NumaPolicy;
  /**
   * How finely the builds interleave (default "extent", as in Xen: src/sim/libxc/scheduler.ts's
   * Granularity); "hypercall" is the simulator's earlier, coarser model, for comparison.
   */
  interleave?: Granularity;
}

export interface VmOutcome {
  name: string;
  domid: number;
  plannedNodes: number[];
  pagesByNode: Record<string, number>;
  /** Pages on the planned node(s) / all guest pages, in percent (0 when nothing was planned). */
  localPercent: number;
  extents: ExtentCounts;
  started: boolean;
  /** Xen's own allocations for the VM and hvmloader's pages, each placed (vm_numa.ts). */
  xenInternal: XenInternalMemory;
  /** XAPI's VM_metrics NUMA fields as xenopsd reports them (vm_numa.ts). */
  vmMetrics: VmNumaMetrics;
  error?: string;
  /** errno of the call that failed the start (present with `error`). */
  errno?: number;
}

export interface VmStartTotals {
  vms: number;
  started: number;
  failed: number;
  /** VMs with every page on their planned node(s). */
  fullyLocal: number;
  totalPages: number;
  localPages: number;
  localPercent: number;
  extents: ExtentCounts;
}

export interface VmStartResult {
  vms: VmOutcome[];
  totals: VmStartTotals;
}

/** Per-VM state carried from the serialized phase into the build. */
interface VmCtx {
  spec: VmSpec;
  mem: VmMemory;
  domid: number;
  planned: number[];
  /** Node claimed on: passed to xenguest as -mem_pnode. */
  pnode?: number;
  /** libxl policy: xl's claim_mode (host-wide claim inside meminit). */
  buildClaims: boolean;
  /** Pages hvmloader got, per node. */
  hvmloaderByNode: Record<string, number>;
  error?: string;
  /** errno of the failing call, taken when `error` is set (before another build can change xch.errno). */
  errno?: number;
}

/** What the planners see of the host. */
interface HostView {
  xch: XcInterface;
  xenopsd: XenopsdBuild;
  numaPolicy: NumaPolicy;
  numa: NumaHierarchy | undefined;
  cpuToNode: number[];
  /** The CPUs of each node, ascending (from cpuToNode, once per vm_start). */
  cpusOfNode: number[][];
  /** Xenctrlext.get_nr_nodes: the nodes numa_meminfo / numainfo reports. */
  hostNodes: number;
  /**
   * The legacy flow's `numa_resources` (xen-api a810aeb2e5^ domain.ml): per node the smallest free
   * memory (bytes) any placement of this xenopsd has read, undefined before the first.
   */
  numaResources?: number[];
}

/** Per node, its CPUs in ascending order. */
function cpusByNode(cpuToNode: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let cpu = 0; cpu < cpuToNode.length; cpu++) {
    const n = cpuToNode[cpu] as number;
    (out[n] ??= []).push(cpu);
  }
  return out;
}

/**
 * The CPUs of `nodes`, ascending: a fresh array (callers hand it on). Asked per VM, mostly for one
 * node: that node's list is copied rather than all of the host's CPUs filtered.
 */
function nodeCpus(view: HostView, nodes: readonly number[]): number[] {
  if (nodes.length === 1) return (view.cpusOfNode[nodes[0] as number] ?? []).slice();
  const out: number[] = [];
  for (let cpu = 0; cpu < view.cpuToNode.length; cpu++) if (nodes.includes(view.cpuToNode[cpu] as number)) out.push(cpu);
  return out;
}

/**
 * VM_create (createdomain, max_mem), then the start of build_pre. `xenopsd`: build_pre's
 * wait_xen_free_mem comes first and the paging pool before placement; libxl sizes the pool after
 * placement instead (libxlPagingPool), and has no wait_xen_free_mem.
 */
function* createDomain(view: HostView, ctx: VmCtx, node: number | undefined, pagingPool: boolean, policy: Policy): Build<boolean> {
  const { xch } = view;
  const req: { max_vcpus: number; node?: number } = { max_vcpus: ctx.spec.vcpus };
  if (node !== undefined) req.node = node;
  const domid = yield* hypercall(`${ctx.spec.name} createdomain`, () => xc_domain_create(xch, req));
  if (domid < 0) return failed(view, ctx, "createdomain");
  ctx.domid = domid;
  if (!(yield* checked(view, ctx, "max_mem", () => xc_domain_setmaxmem(xch, domid, ctx.mem.xen_max_mib * KIB)))) return false;
  if (policy === "xenopsd" && !(yield* waitXenFreeMem(view, ctx))) return false;
  if (!(yield* checked(view, ctx, "max_vcpus", () => xc_domain_max_vcpus(xch, domid, ctx.spec.vcpus)))) return false;
  // The paging pool before any NUMA placement: xenopsd's build_pre calls shadow_allocation_set and
  // only then numa_placement (ocaml/xenopsd/xc/domain.ml, build_pre, xen-api 9fa5a04a59), so the
  // pool is allocated while the domain has no node affinity yet.
  if (pagingPool && policy === "xenopsd") return yield* checked(view, ctx, "shadow_allocation", () => xc_shadow_allocation_set(xch, domid, ctx.mem.shadow_mib));
  return true;
}

/** A failed libxc call ends the VM's start: the error names the call and its errno. */
function failed(view: HostView, ctx: VmCtx, what: string): false {
  ctx.error = `${what} failed (errno ${view.xch.errno})`;
  ctx.errno = view.xch.errno;
  return false;
}

/** One libxc call as a scheduler step (labelled with the VM and `what`): true when it returned 0, else failed(). */
function* checked(view: HostView, ctx: VmCtx, what: string, fn: () => number): Build<boolean> {
  return (yield* hypercall(`${ctx.spec.name} ${what}`, fn)) === 0 || failed(view, ctx, what);
}

/**
 * build_pre's first step, wait_xen_free_mem (xen-api e2ee48d6 domain.ml, CA-39743; the same before
 * 2025): physinfo's free_pages (claimed pages included) must cover required_host_free_mib (target
 * + overhead), else it waits only while scrub_pages is non-zero, which Xen always reports as 0
 * (xen/common/sysctl.c), so it fails at once: build_pre raises Not_enough_memory before the pool,
 * the placement or any claim.
 */
function* waitXenFreeMem(view: HostView, ctx: VmCtx): Build<boolean> {
  const { xch } = view;
  const freeKib = yield* hypercall(`${ctx.spec.name} physinfo (wait_xen_free_mem)`, () => xc_physinfo(xch).freePages * KIB_PER_PAGE);
  const requiredKib = ctx.mem.required_host_free_mib * KIB;
  if (freeKib >= requiredKib) return true;
  ctx.error = `Not_enough_memory (wait_xen_free_mem: ${freeKib} KiB free, ${requiredKib} KiB required)`;
  return false;
}

/**
 * libxl__build_pre → libxl__arch_domain_create → libxl__domain_set_paging_mempool_size (Xen
 * c447b7308b): libxl sizes the paging pool after numa_place_domain and set_nodeaffinity, with its
 * own default shadow_memkb (libxl__get_required_paging_memory), so the pool follows the placement.
 * Nothing for the xenopsd policy (its pool came before placement: createDomain), without a pool,
 * or after a failed placement.
 */
function* libxlPagingPool(view: HostView, ctx: VmCtx, policy: Policy, pagingPool: boolean): Build<void> {
  if (policy !== "libxl" || !pagingPool || ctx.error !== undefined) return;
  const bytes = libxl__get_required_paging_memory(ctx.spec.mem_mib * KIB, ctx.spec.vcpus) * KIB;
  yield* checked(view, ctx, "set_paging_mempool_size", () => xc_set_paging_mempool_size(view.xch, ctx.domid, bytes));
}

/**
 * xenopsd's numa_placement, its reading and planning part.
 *  - current (xen-api e2ee48d6): per node free − claimed (XS numa_meminfo; the upstream build's stub
 *    falls back to xc_numainfo, claimed = 0), and Best_effort asks for cores = vcpus
 *    (cores_of_numa_affinity_policy, since 3671ba0e7e).
 *  - legacy (a810aeb2e5^, before claims): per node `memfree` of xc_numainfo, lowered to the
 *    smallest value any earlier placement read (`numa_resources`, NUMAResource.min_memory; removed
 *    by 7153d5dde2, CA-411684), and a request without cores (NUMARequest had memory and vcpus).
 */
function xenopsdPlan(view: HostView, ctx: VmCtx, era: "current" | "legacy", memoryBytes: number): number[] {
  if (view.numa === undefined) return [];
  const info = xc_numainfo(view.xch);
  const numa = view.numa;
  const claimed = (n: { claimedPages: number }): number => (era === "current" && view.xenopsd === "xenserver" ? n.claimedPages : 0);
  let memfree = info.nodes.map((n) => Math.max(0, (n.memfreePages - claimed(n)) * PAGE_SIZE));
  if (era === "legacy") {
    const seen = view.numaResources;
    if (seen !== undefined) memfree = memfree.map((m, i) => Math.min(m, seen[i] ?? m));
    view.numaResources = memfree;
  }
  const resources = memfree.map((m, i) => numa.resource(i, m));
  const cores = era === "current" && view.numaPolicy !== "prio_mem_only" ? ctx.spec.vcpus : 0;
  const p = softaffinityPlan(numa, resources, { memory: memoryBytes, vcpus: ctx.spec.vcpus, cores });
  return p?.nodes ?? [];
}

/** libxl: vcpus_on_node counts the vCPUs of every domain whose node affinity includes the node
 * (hard affinity is all CPUs in these flows, so every vCPU's cpumap meets every node). */
function libxlPlan(view: HostView, ctx: VmCtx): number[] {
  const { xch } = view;
  const info = xc_numainfo(xch);
  const vcpusOnNode = info.nodes.map(() => 0);
  for (const d of xc_domain_getinfolist(xch)) {
    if (d.domid === ctx.domid) continue;
    for (const n of d.nodeAffinity) vcpusOnNode[n] = (vcpusOnNode[n] ?? 0) + d.maxVcpus;
  }
  // numa_place_domain: libxl__domain_need_memory_calculate with libxl's own shadow_memkb default.
  const needKb = libxl__domain_need_memory_calculate(ctx.spec.mem_mib * KIB, libxl__get_required_paging_memory(ctx.spec.mem_mib * KIB, ctx.spec.vcpus));
  const nodes = info.nodes.map((n, i) => ({ free_memkb: n.memfreePages * KIB_PER_PAGE, cpus: nodeCpus(view, [i]) }));
  return libxl__get_numa_candidate(nodes, needKb, ctx.spec.vcpus, vcpusOnNode)?.nodes ?? [];
}

/** Soft affinity of every vCPU to the nodes' CPUs (hard with xenopsd's best_effort_hard). */
function setVcpuAffinity(view: HostView, ctx: VmCtx, nodes: number[], hard: boolean): void {
  const cpus = nodeCpus(view, nodes);
  for (let v = 0; v < ctx.spec.vcpus; v++) xc_vcpu_setaffinity(view.xch, ctx.domid, v, hard ? { hard: cpus } : { soft: cpus });
}

/** The planner's decision applied to the domain: affinity (and, with claims, the claim). */
function applyPlan(view: HostView, ctx: VmCtx, policy: Policy, nodes: number[], claims: boolean): void {
  const { xch } = view;
  ctx.planned = nodes;
  const affinity = (): void => {
    if (policy === "libxl") xc_domain_node_setaffinity(xch, ctx.domid, nodes);
    setVcpuAffinity(view, ctx, nodes, policy === "xenopsd" && claims && view.numaPolicy === "best_effort_hard");
  };
  if (!claims) { if (nodes.length > 0) affinity(); return; }
  // Xenctrlext.domain_claim_pages: the upstream build's stub raises ENOSYS before any hypercall.
  const claim = (fn: () => number): number => {
    if (view.xenopsd === "xenserver") return fn();
    xch.errno = ENOSYS;
    return -1;
  };
  const node = nodes[0];
  if (nodes.length === 1 && node !== undefined) {
    // numa_placement: node claim first; ENOMEM → no affinity; other errors (node claims not
    // supported) → affinity anyway. Only a successful claim becomes xenguest's -mem_pnode.
    const rc = claim(() => xc_domain_claim_memory(xch, ctx.domid, [{ pages: ctx.mem.build_claim_pages, node }]));
    if (rc === 0) { affinity(); ctx.pnode = node; return; }
    if (xch.errno !== ENOMEM) affinity();
  }
  // build_pre: no node claim → global claim of the same amount (CA-422187: always claim);
  // ENOMEM fails the start, any other error (ENOSYS) continues without a claim.
  if (claim(() => xc_domain_claim_pages(xch, ctx.domid, ctx.mem.build_claim_pages)) !== 0 && xch.errno === ENOMEM) {
    ctx.error = "Not_enough_memory (global claim failed with ENOMEM)";
    ctx.errno = ENOMEM;
  }
}

/** Placement as one atomic step: xenopsd holds numa_mutex across read, plan and claim. */
function* place(view: HostView, ctx: VmCtx, policy: Policy, claims: boolean, preplanned?: number[]): Build<void> {
  // build_pre: `match !Xenops_server.numa_placement with Any -> None`, before any claim.
  if (policy === "xenopsd" && view.numaPolicy === "any") return;
  yield `${ctx.spec.name} numa_placement`;
  const memory = claims ? ctx.mem.build_claim_pages * PAGE_SIZE : ctx.mem.xen_max_mib * MIB;
  const nodes = preplanned ?? (policy === "libxl" ? libxlPlan(view, ctx) : xenopsdPlan(view, ctx, claims ? "current" : "legacy", memory));
  applyPlan(view, ctx, policy, nodes, claims);
}

/** xenguest's configuration for the VM's build. */
function buildConfig(ctx: VmCtx): Parameters<typeof hvm_build>[1] {
  const cfg: Parameters<typeof hvm_build>[1] = { domid: ctx.domid, mem_mib: ctx.spec.mem_mib, claim: ctx.buildClaims };
  if (ctx.pnode !== undefined) cfg.pnode = ctx.pnode;
  return cfg;
}

/** After hvm_build: a failed build sets the VM's error; returns whether it succeeded. */
function built(view: HostView, ctx: VmCtx, r: HvmBuildResult): boolean {
  if (!r.ok) { ctx.error = r.error ?? "build failed"; ctx.errno = view.xch.errno; }
  return r.ok;
}

/** The build (hvm_build), then VM_unpause and hvmloader. */
function* build(view: HostView, ctx: VmCtx): Build<void> {
  if (built(view, ctx, yield* hvm_build(view.xch, buildConfig(ctx)))) yield* unpauseAndBoot(view, ctx);
}

/**
 * VM_unpause, then hvmloader in the guest: `mem_hole_populate_ram()` populates one 4 KiB page per
 * XENMEM_populate_physmap (DOMID_SELF, mem_flags 0: the domain's node affinity decides; as the
 * caller is the guest, a node hint would be ignored anyway). The first failure sets
 * `over_allocated` and hvmloader relocates RAM pages instead, which allocates nothing.
 */
function* unpauseAndBoot(view: HostView, ctx: VmCtx): Build<void> {
  const { xch } = view;
  const domid = ctx.domid;
  const rc = yield* hypercall(`${ctx.spec.name} unpause`, () => xc_domain_unpause(xch, domid));
  if (rc !== 0) { failed(view, ctx, "unpause"); return; }
  const before = pagesOf(xch, domid);
  const n = ctx.spec.hvmloaderPages ?? HVMLOADER_PAGES;
  const label = `${ctx.spec.name} hvmloader populate 1 x order 0`;
  for (let i = 0; i < n; i++) {
    // The guest's own hypercall (not libxc's: not in xenopsd's extent counts). Written as
    // hypercall() does, without its nested generator and closure per call; one label per VM.
    yield label;
    if (xch.hv.populate_physmap(domid, 1, 0, 0, HVMLOADER_FIRST_GFN + i).done !== 1) break;
  }
  pagesOf(xch, domid).forEach((p, node) => {
    const got = p - (before[node] ?? 0);
    if (got > 0) ctx.hvmloaderByNode[String(node)] = got;
  });
}

function pagesOf(xch: XcInterface, domid: number): number[] {
  const got: { value?: DomainInfo } = {};
  return xc_domain_getinfo_single(xch, domid, got) === 0 ? (got.value?.pagesByNode ?? []) : [];
}

function* legacyStart(view: HostView, ctx: VmCtx, policy: Policy, pagingPool: boolean): Build<void> {
  if (!(yield* createDomain(view, ctx, undefined, pagingPool, policy))) return;
  yield* place(view, ctx, policy, false);
  yield* libxlPagingPool(view, ctx, policy, pagingPool);
  if (ctx.error === undefined) yield* build(view, ctx);
}

function* serializedStart(view: HostView, ctx: VmCtx, policy: Policy, nodeCreate: boolean, pagingPool: boolean): Build<void> {
  if (!nodeCreate) {
    if (!(yield* createDomain(view, ctx, undefined, pagingPool, policy))) return;
    yield* place(view, ctx, policy, true);
    yield* libxlPagingPool(view, ctx, policy, pagingPool);
    return;
  }
  // Seed plan: read free memory, decide, then create the domain on the chosen node. The node must
  // also hold what the node-bound createdomain allocates there (struct domain, vCPUs, paging
  // pool), so the plan asks for the claim plus xenopsd's per-domain overhead; planning for the
  // claim alone lets the domain's own structures eat the room its claim needs (found by the
  // fc.scheduler property: the node claim then fails with ENOMEM and the VM runs unplaced).
  const memory = (ctx.mem.build_claim_pages * PAGE_SIZE) + ctx.mem.overhead_mib * MIB;
  const nodes = policy === "libxl" ? libxlPlan(view, ctx) : view.numaPolicy === "any" ? [] : xenopsdPlan(view, ctx, "current", memory);
  const node = nodes.length === 1 ? nodes[0] : undefined;
  if (!(yield* createDomain(view, ctx, node, pagingPool, policy))) return;
  yield* place(view, ctx, policy, true, nodes);
  yield* libxlPagingPool(view, ctx, policy, pagingPool);
}

function outcome(view: HostView, ctx: VmCtx): VmOutcome {
  const { xch } = view;
  const got: { value?: DomainInfo } = {};
  const info = ctx.domid >= 0 && xc_domain_getinfo_single(xch, ctx.domid, got) === 0 ? got.value : undefined;
  const pagesByNode: Record<string, number> = {};
  let total = 0;
  let local = 0;
  info?.pagesByNode.forEach((p, n) => {
    if (p === 0) return;
    pagesByNode[String(n)] = p;
    total += p;
    if (ctx.planned.includes(n)) local += p;
  });
  const o: VmOutcome = {
    name: ctx.spec.name,
    domid: ctx.domid,
    plannedNodes: ctx.planned,
    pagesByNode,
    localPercent: percentOf(local, total),
    extents: ctx.domid >= 0 ? { ...xch.extentCounts(ctx.domid) } : { order0: 0, order9: 0, order18: 0 },
    started: ctx.error === undefined,
    xenInternal: info === undefined ? noXenInternalMemory() : xenInternalMemory(info, ctx.hvmloaderByNode),
    vmMetrics: vmNumaMetrics(info?.pagesByNode ?? [], view.hostNodes, view.xenopsd === "xenserver"),
  };
  if (ctx.error !== undefined) o.error = ctx.error;
  if (ctx.error !== undefined && ctx.errno !== undefined && ctx.errno !== 0) o.errno = ctx.errno;
  return o;
}

export function totals(vms: VmOutcome[]): VmStartTotals {
  const t: VmStartTotals = {
    vms: vms.length, started: 0, failed: 0, fullyLocal: 0, totalPages: 0, localPages: 0, localPercent: 0,
    extents: { order0: 0, order9: 0, order18: 0 },
  };
  for (const v of vms) {
    if (v.started) t.started++; else t.failed++;
    let total = 0;
    let local = 0;
    for (const [n, p] of Object.entries(v.pagesByNode)) {
      total += p;
      if (v.plannedNodes.includes(Number(n))) local += p;
    }
    if (v.started && total > 0 && local === total) t.fullyLocal++;
    t.totalPages += total;
    t.localPages += local;
    t.extents.order0 += v.extents.order0;
    t.extents.order9 += v.extents.order9;
    t.extents.order18 += v.extents.order18;
  }
  t.localPercent = percentOf(t.localPages, t.totalPages);
  return t;
}

/**
 * Prepare a VM start: returns the per-VM build generators (to be interleaved) and a function that
 * collects the outcome once they are done. The serialized phase of the claim flows runs here.
 */
export interface PreparedVmStart {
  builds: Build<void>[];
  /** Planned node(s) per VM so far (final for the claim flows before any build runs). */
  planned: () => number[][];
  collect: () => VmStartResult;
}

export function prepareVmStart(hv: HypervisorPort, opts: VmStartOptions): PreparedVmStart {
  const numaPolicy = opts.numaPolicy ?? "best_effort";
  const refused = numaPolicyError(opts.flow, numaPolicy);
  if (refused !== undefined) throw new RangeError(refused);
  const xch = xc_interface_open(hv);
  const topo = xc_cputopoinfo(xch);
  const cpuToNode = topo.map((t) => t.node);
  const distances = xc_numainfo(xch).distances;
  const nodeCores = NumaHierarchy.nodeCoresOf(topo, distances.length);
  // The hierarchy (and its node_usage counter) lives as long as this xenopsd instance: one vm_start.
  const view: HostView = {
    xch, xenopsd: opts.xenopsd ?? "xenserver", numaPolicy, numa: NumaHierarchy.make(distances, cpuToNode, nodeCores), cpuToNode, cpusOfNode: cpusByNode(cpuToNode),
    hostNodes: distances.length,
  };
  const pagingPool = opts.pagingPool ?? true;
  const ctxs: VmCtx[] = opts.vms.map((spec) => ({
    spec, mem: hvmMemory(spec.mem_mib, spec.vcpus), domid: -1, planned: [],
    buildClaims: opts.policy === "libxl" && opts.flow === "legacy", hvmloaderByNode: {},
  }));
  const teardown = function* (ctx: VmCtx): Build<void> {
    // A failed start is cleaned up (xenopsd destroys the domain), returning its memory.
    if (ctx.error !== undefined && ctx.domid >= 0) {
      const domid = ctx.domid;
      yield* hypercall(`${ctx.spec.name} destroydomain`, () => xc_domain_destroy(xch, domid));
    }
  };
  let builds: Build<void>[];
  const snapshots = new Map<VmCtx, VmOutcome>();
  const withOutcome = function* (ctx: VmCtx, body: Build<unknown> | undefined): Build<void> {
    if (body !== undefined) yield* body;
    snapshots.set(ctx, outcome(view, ctx));
    yield* teardown(ctx);
  };
  if (opts.flow === "legacy") {
    builds = ctxs.map((ctx) => withOutcome(ctx, legacyStart(view, ctx, opts.policy, pagingPool)));
  } else {
    const nodeCreate = opts.flow === "claim+node-create";
    for (const ctx of ctxs) runToEnd(serializedStart(view, ctx, opts.policy, nodeCreate, pagingPool));
    // ctx.error is final once the serialized phase is over: decided here, which spares every
    // hypercall of the build one generator level to pass through.
    // Same hypercalls, same yields, in the same order as withOutcome(ctx, build(view, ctx)), but
    // hvm_build is chained with sequence() rather than delegated to through two generator levels:
    // each level a yield passes through costs per hypercall (~250 000 of them for 1000 VMs).
    builds = ctxs.map((ctx) => (ctx.error === undefined
      ? sequence(() => hvm_build(xch, buildConfig(ctx)), (r) => withOutcome(ctx, built(view, ctx, r) ? unpauseAndBoot(view, ctx) : undefined))
      : withOutcome(ctx, undefined)));
  }
  return {
    builds,
    planned: () => ctxs.map((c) => c.planned),
    collect: () => {
      const vms = ctxs.map((ctx) => snapshots.get(ctx) ?? outcome(view, ctx));
      return { vms, totals: totals(vms) };
    },
  };
}

/** vm_start with the seeded deterministic scheduler. */
export function vmStart(hv: HypervisorPort, opts: VmStartOptions): VmStartResult {
  const { builds, collect } = prepareVmStart(hv, opts);
  interleave(builds, opts.seed, opts.interleave);
  return collect();
}
