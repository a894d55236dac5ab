/**
 * libxc (tools/libs/ctrl, tools/include/xenctrl.h) over the simulated hypervisor: the same function
 * names and the same return convention (0 / extents done on success, -1 with `errno` on failure),
 * so xenguest and the toolstacks above read like their C and OCaml originals.
 */
import { WHOLE_CALL, type Build, type Grant } from "./scheduler.js";
import { EBUSY, EINVAL, ESRCH, type CpuTopo, type DomainInfo, type HypervisorPort, type MemoryClaim, type NumaInfo, type PhysInfo } from "./hypercalls.js";
import { MIB, PAGE_SIZE } from "../units.js";

/** Populated extents per order, per domain: instrumentation (what `xl debug-keys u` cannot tell). */
export interface ExtentCounts {
  order0: number;
  order9: number;
  order18: number;
}

/** `xc_interface *xch`: the handle every libxc call takes. */
export class XcInterface {
  /** errno of the last failing call. */
  errno = 0;
  /** By domid (domids are small integers: an array, looked up once per populate). */
  private readonly extents: (ExtentCounts | undefined)[] = [];
  constructor(readonly hv: HypervisorPort) {}

  /** Extents this handle populated for `domid` (successful extents only). */
  extentCounts(domid: number): ExtentCounts {
    let c = this.extents[domid];
    if (c === undefined) { c = { order0: 0, order9: 0, order18: 0 }; this.extents[domid] = c; }
    return c;
  }

  /** Map a hypercall rc to libxc's convention. */
  rc(rc: number): number {
    if (rc >= 0) return rc;
    this.errno = -rc;
    return -1;
  }
}

export function xc_interface_open(hv: HypervisorPort): XcInterface {
  return new XcInterface(hv);
}

/** xc_domain_create; returns the domid, or -1 with errno. */
export function xc_domain_create(xch: XcInterface, req: { domid?: number; max_vcpus: number; node?: number }): number {
  const r = xch.hv.createdomain(req);
  return r.rc < 0 ? xch.rc(r.rc) : r.domid;
}

export function xc_domain_max_vcpus(xch: XcInterface, domid: number, max: number): number {
  return xch.rc(xch.hv.max_vcpus(domid, max));
}

/** xc_shadow_control(XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION). */
export function xc_shadow_allocation_set(xch: XcInterface, domid: number, mb: number): number {
  return xch.rc(xch.hv.shadow_allocation(domid, mb));
}

/**
 * xc_set_paging_mempool_size (XEN_DOMCTL_set_paging_mempool_size, libxl's call): the pool in bytes.
 * Xen's arch_set_paging_mempool_size() rejects a size that is not whole pages (-EINVAL) and then,
 * for HAP, runs the same hap_set_allocation() as the shadow op, so it goes through the same port.
 */
export function xc_set_paging_mempool_size(xch: XcInterface, domid: number, size: number): number {
  if (size < 0 || size % PAGE_SIZE !== 0) return xch.rc(-EINVAL);
  return xch.rc(xch.hv.shadow_allocation(domid, size / MIB));
}

export function xc_domain_setmaxmem(xch: XcInterface, domid: number, max_memkb: number): number {
  return xch.rc(xch.hv.max_mem(domid, max_memkb));
}

export function xc_domain_claim_pages(xch: XcInterface, domid: number, nr_pages: number): number {
  return xch.rc(xch.hv.claim_pages(domid, nr_pages));
}

export function xc_domain_claim_memory(xch: XcInterface, domid: number, claims: MemoryClaim[]): number {
  return xch.rc(xch.hv.claim_memory(domid, claims));
}

function count(xch: XcInterface, domid: number, order: number, done: number): void {
  const c = xch.extentCounts(domid);
  if (order === 0) c.order0 += done;
  else if (order === 9) c.order9 += done;
  else if (order === 18) c.order18 += done;
}

/**
 * xc_domain_populate_physmap: the number of extents done (a short count is not an error);
 * -1 with errno when the memop itself fails. `gpfn`: the first of the contiguous GFNs the C
 * caller passes in `extent_start` (undefined: the hypervisor picks). `start_extent` and
 * `max_extents`: the hypercall's continuation (HypervisorPort.populate_physmap), which the C
 * library never sees (Xen re-enters the hypercall itself); populate_physmap_steps() uses them.
 */
export function xc_domain_populate_physmap(xch: XcInterface, domid: number, nr_extents: number, extent_order: number, mem_flags: number, gpfn?: number, start_extent = 0, max_extents?: number): number {
  const r = xch.hv.populate_physmap(domid, nr_extents, extent_order, mem_flags, gpfn, start_extent, max_extents);
  if (r.done > start_extent) count(xch, domid, extent_order, r.done - start_extent);
  return r.rc < 0 ? xch.rc(r.rc) : r.done;
}

/**
 * xc_domain_populate_physmap_exact: all or error. A short count returns -1 with errno EBUSY; the
 * extents that were done stay populated (tools/libs/ctrl/xc_domain.c).
 */
export function xc_domain_populate_physmap_exact(xch: XcInterface, domid: number, nr_extents: number, extent_order: number, mem_flags: number, gpfn?: number): number {
  return populateExactRc(xch, nr_extents, xc_domain_populate_physmap(xch, domid, nr_extents, extent_order, mem_flags, gpfn));
}

/** xc_domain_populate_physmap_exact's result from the extents done: 0, or -1 with errno (EBUSY when short). */
function populateExactRc(xch: XcInterface, nr_extents: number, done: number): number {
  if (done === nr_extents) return 0;
  if (done >= 0) xch.errno = EBUSY;
  return -1;
}

/**
 * xc_domain_populate_physmap made by a concurrent build (scheduler.ts): the same one hypercall,
 * with the build preemptible between its extents, because Xen's populate_physmap()
 * (xen/common/memory.c at c447b7308b13) allocates each extent with its own alloc_domheap_pages()
 * → alloc_heap_pages(), which takes `heap_lock` and drops it before returning: on another pCPU
 * another build's allocation can come between two extents of one call. `grant` is what the build
 * was advanced with at the yield before this call: the extents it may do before anyone else runs
 * (undefined: one). Each further part of the call yields `label` first and gets a new grant.
 * Returns what xc_domain_populate_physmap returns for the whole call.
 */
export function* populate_physmap_steps(xch: XcInterface, label: string, grant: Grant, domid: number, nr_extents: number, extent_order: number, mem_flags: number, gpfn?: number): Build<number> {
  let start = 0;
  let budget = stepBudget(grant);
  let done;
  while (preempted(done = xc_domain_populate_physmap(xch, domid, nr_extents, extent_order, mem_flags, gpfn, start, budget), start, budget, nr_extents)) {
    start = done;
    budget = stepBudget(yield label);
  }
  return done;
}

/**
 * The extents a build granted `grant` may make before another build runs: at least one, as Xen's
 * loop does one before its first preemption check; WHOLE_CALL: all of the call's.
 */
function stepBudget(grant: Grant): number {
  if (grant === undefined) return 1;
  if (grant === WHOLE_CALL) return Number.POSITIVE_INFINITY;
  return grant < 1 ? 1 : grant;
}

/**
 * Whether a part of a populate_physmap from `start` with `budget` that returned `done` was
 * preempted (it did its whole budget and extents are left: continue from `done`) rather than
 * finished, short (the next extent failed) or refused (-1).
 */
function preempted(done: number, start: number, budget: number, nr_extents: number): boolean {
  return done < nr_extents && done - start === budget;
}

/** xc_domain_populate_physmap_exact made by a concurrent build (populate_physmap_steps). */
export function* populate_physmap_exact_steps(xch: XcInterface, label: string, grant: Grant, domid: number, nr_extents: number, extent_order: number, mem_flags: number, gpfn?: number): Build<number> {
  return populateExactRc(xch, nr_extents, yield* populate_physmap_steps(xch, label, grant, domid, nr_extents, extent_order, mem_flags, gpfn));
}

/** xc_domain_node_setaffinity: `nodes` = "all" sets the full mask (back to auto affinity). */
export function xc_domain_node_setaffinity(xch: XcInterface, domid: number, nodes: number[] | "all"): number {
  return xch.rc(xch.hv.setnodeaffinity(domid, nodes));
}

/** xc_vcpu_setaffinity with XEN_VCPUAFFINITY_HARD and/or _SOFT. */
export function xc_vcpu_setaffinity(xch: XcInterface, domid: number, vcpu: number, aff: { hard?: number[]; soft?: number[] }): number {
  return xch.rc(xch.hv.vcpu_setaffinity(domid, vcpu, aff));
}

/** xc_domain_unpause. */
export function xc_domain_unpause(xch: XcInterface, domid: number): number {
  return xch.rc(xch.hv.unpausedomain(domid));
}

export function xc_domain_destroy(xch: XcInterface, domid: number): number {
  return xch.rc(xch.hv.destroydomain(domid));
}

/**
 * xc_domain_getinfo_single (tools/libs/ctrl/xc_domain.c, since 7c7c436ccb "tools: Create
 * xc_domain_getinfo_single()", 4.18): 0 and `info` filled, or -1 with errno ESRCH when the
 * domain does not exist. `info` is an out-parameter as in C.
 */
export function xc_domain_getinfo_single(xch: XcInterface, domid: number, info: { value?: DomainInfo }): number {
  const d = xch.hv.getdomaininfo(domid);
  if (d === undefined) { xch.errno = ESRCH; return -1; }
  info.value = d;
  return 0;
}

/** xc_domain_getinfolist: every live domain, ascending domid (libxl_list_domain reads this). */
export function xc_domain_getinfolist(xch: XcInterface): DomainInfo[] {
  const out: DomainInfo[] = [];
  for (const domid of xch.hv.domids()) {
    const d = xch.hv.getdomaininfo(domid);
    if (d !== undefined) out.push(d);
  }
  return out;
}

export function xc_physinfo(xch: XcInterface): PhysInfo {
  return xch.hv.physinfo();
}

export function xc_numainfo(xch: XcInterface): NumaInfo {
  return xch.hv.numainfo();
}

/** xc_cputopoinfo: core, socket and node of each CPU (`xc_cputopo_t`). */
export function xc_cputopoinfo(xch: XcInterface): CpuTopo[] {
  return xch.hv.cputopoinfo();
}
