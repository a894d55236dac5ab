/**
 * The narrow hypercall surface the toolstack layer needs from the simulated hypervisor.
 *
 * Every method is one hypercall and returns Xen's convention: 0 or a negative errno (`-22` =
 * -EINVAL). The toolstack code never touches hypervisor state except through this port, so
 * concurrent builds (src/sim/libxc/scheduler.ts) interleave only between port calls. Each call is
 * one atomic step of the hypervisor, except populate_physmap, whose extents are: Xen allocates
 * each with its own alloc_domheap_pages() → alloc_heap_pages(), which takes and drops `heap_lock`,
 * so another pCPU's build can allocate between two extents of one call. Its continuation
 * arguments let a build make the call an extent at a time.
 */

export { E2BIG, EBUSY, EEXIST, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, EPERM, ERANGE, ESRCH, rcName } from "../hypervisor/errno.js";
/** Not produced by the simulated hypervisor; what a Xen without node claims answers (xenopsd's numa_placement falls back to no claim on it: xen-api ocaml/xenopsd/xc/domain.ml). */
export const ENOSYS = 38;

/** XEN_INVALID_NODE_DIST (~0U): numainfo's value for NUMA_NO_DISTANCE. */
export const XEN_INVALID_NODE_DIST = 0xffffffff;

/** One entry of a node claim: `node` is a node id or "host" (XEN_DOMCTL_CLAIM_MEMORY_NO_NODE / _HOST). */
export interface MemoryClaim {
  pages: number;
  node: number | "host";
}

/** `xen_sysctl_cputopo_t`. */
export interface CpuTopo {
  core: number;
  socket: number;
  node: number;
}

export interface NumaInfoNode {
  /** node_spanned_pages × 4 KiB in Xen; here in pages. */
  memsizePages: number;
  /** avail_node_heap_pages (free incl. claimed and dirty), pages. */
  memfreePages: number;
  /** Per-node claimed pages (XS XEN_SYSCTL_numa_meminfo); 0 where the variant has none. */
  claimedPages: number;
}

export interface NumaInfo {
  nodes: NumaInfoNode[];
  /** distances[i][j] as XEN_SYSCTL_numainfo reports them (XEN_INVALID_NODE_DIST when unknown). */
  distances: number[][];
}

export interface PhysInfo {
  totalPages: number;
  freePages: number;
  outstandingPages: number;
  nrCpus: number;
  nrNodes: number;
}

export interface DomainInfo {
  domid: number;
  totPages: number;
  maxPages: number;
  outstandingPages: number;
  maxVcpus: number;
  /** Guest (refcounted) pages per node: XS XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES / debug key 'u'. */
  pagesByNode: number[];
  /** d->node_affinity. */
  nodeAffinity: number[];
  /** Placement of Xen's own allocations for the domain (simulator instrumentation, as debug keys show). */
  xenInternal: DomainXenInternal;
}

/** Where Xen put a domain's struct domain, struct vcpus and paging pool (src/sim/xenopsd/vm_numa.ts reads it). */
export interface DomainXenInternal {
  /** Node of the struct domain page. */
  structDomainNode: number;
  /** Node of each vCPU's struct vcpu page. */
  vcpuNodes: number[];
  /** Paging pool pages out of the heap per node (free list, p2m tables, monitor tables). */
  pagingPoolByNode: number[];
  /** d->arch.paging.p2m_pages. */
  p2mPages: number;
  /** d->arch.paging.free_pages. */
  pagingFreePages: number;
}

export interface HypervisorPort {
  /** XEN_DOMCTL_createdomain; `node` = the seed's node-bound create. */
  createdomain(req: { domid?: number; max_vcpus: number; node?: number }): { rc: number; domid: number };
  /** XEN_DOMCTL_max_vcpus: creates the vCPUs (auto node affinity = nodes of their CPUs). */
  max_vcpus(domid: number, max: number): number;
  /** XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION: paging pool of `mb` MiB. */
  shadow_allocation(domid: number, mb: number): number;
  /** XEN_DOMCTL_max_mem. */
  max_mem(domid: number, max_memkb: number): number;
  /** XENMEM_claim_pages (absolute target; 0 releases). */
  claim_pages(domid: number, nr_pages: number): number;
  /** XEN_DOMCTL_claim_memory (node claims; variant selected by the hypervisor's configuration). */
  claim_memory(domid: number, claims: MemoryClaim[]): number;
  /**
   * XENMEM_populate_physmap: `mem_flags` is the public bit field (memflags.ts); `gpfn` the GFN of
   * the first extent (extent_start[i] = gpfn + i·2^order), absent = the hypervisor's default.
   * Returns the number of extents done (`rc` < 0 only when the memop is rejected before any extent).
   *
   * `start_extent` and `max_extents` are Xen's hypercall continuation: do_memory_op() passes the
   * extents already done (`start_extent`, from the cmd's MEMOP_EXTENT_SHIFT bits) as
   * `args.nr_done`, and populate_physmap() (xen/common/memory.c at c447b7308b13) stops after any
   * extent when hypercall_preempt_check() says so. Here the scheduler preempts: the call does at
   * most `max_extents` (default: all) extents from `start_extent` (default 0) and `done` counts
   * from the call's first extent, as Xen's rc (`args.nr_done`) does. A call that did all of its
   * `max_extents` and has extents left was preempted; fewer, and the next extent failed.
   */
  populate_physmap(domid: number, nr_extents: number, extent_order: number, mem_flags: number, gpfn?: number, start_extent?: number, max_extents?: number): { rc: number; done: number };
  /** XEN_DOMCTL_unpausedomain (the first unpause ends the domain's build: creation_finished). */
  unpausedomain(domid: number): number;
  /** XEN_DOMCTL_setvcpuaffinity. */
  vcpu_setaffinity(domid: number, vcpu: number, aff: { hard?: number[]; soft?: number[] }): number;
  /** XEN_DOMCTL_setnodeaffinity. */
  setnodeaffinity(domid: number, nodes: number[] | "all"): number;
  destroydomain(domid: number): number;
  physinfo(): PhysInfo;
  numainfo(): NumaInfo;
  /** XEN_SYSCTL_cputopoinfo: core, socket and node of every CPU. */
  cputopoinfo(): CpuTopo[];
  getdomaininfo(domid: number): DomainInfo | undefined;
  /** All live domains (libxl's placement counts their vCPUs per node). */
  domids(): number[];
}
