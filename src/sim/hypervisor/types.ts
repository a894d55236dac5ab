/**
 * The hypercall-level API of the simulated hypervisor: argument and result types named after Xen's
 * hypercalls and structure fields. Every call returns `rc` = 0 or Xen's negative errno; calls
 * that report a count (populate_physmap, decrease_reservation) also return `done`.
 * This file is the contract the toolstack layer (issue 6) builds on; see docs/sim.md.
 */

import type { XenVersion } from "./versions.js";

export type { XenVersion } from "./versions.js";

/**
 * Which NUMA node-claim design is present (none is merged upstream as of X c447b7308b13):
 * XS-v4 (one claim, node or host), claim sets as posted in v5 (relaxed host gate) or v7
 * (Xen's host gate). `"claim-sets"` is accepted as input and means v7.
 */
export const NODE_CLAIMS_VARIANTS = ["none", "v4", "claim-sets-v5", "claim-sets-v7"] as const;
export type NodeClaimsVariant = (typeof NODE_CLAIMS_VARIANTS)[number];
/** Accepted spellings of the variants. */
export const NODE_CLAIMS_ALIASES: Readonly<Record<string, NodeClaimsVariant>> = { "claim-sets": "claim-sets-v7" };

/** Whether the variant is one of the claim-set revisions. */
export function isClaimSets(v: NodeClaimsVariant): v is "claim-sets-v5" | "claim-sets-v7" {
  return v === "claim-sets-v5" || v === "claim-sets-v7";
}

/** What createHost() accepts: every field optional, and the aliases ("current", "claim-sets"). */
export interface XenConfigInput {
  version?: XenVersion | "current";
  nodeClaims?: NodeClaimsVariant | "claim-sets";
  populateNoScrubDuringBuild?: boolean;
}

/** Internal `memflags` (xen/include/xen/mm.h), as fields. */
export interface Memflags {
  /** MEMF_node(n); NUMA_NO_NODE when none. */
  node: number;
  exact: boolean;
  noScrub: boolean;
  keepScrub: boolean;
  noRefcount: boolean;
  noOwner: boolean;
  noDma: boolean;
}

export interface XenConfig {
  version: XenVersion;
  nodeClaims: NodeClaimsVariant;
  /**
   * X commit 83a784a15b (2026-01): `populate_physmap()` passes `MEMF_no_scrub|MEMF_keep_scrub`
   * while `!d->creation_finished`, so a build accepts dirty buddies in the first pass.
   * Default: true for 4.22 and staging, false before.
   */
  populateNoScrubDuringBuild: boolean;
}

/** The domain issuing a hypercall. 0 (the control domain, privileged) unless given. */
export interface CallerArg {
  caller?: number;
}

export interface HypercallResult {
  /** 0 or a negative errno (see errno.ts). */
  rc: number;
}

export interface CountResult extends HypercallResult {
  /** Extents done (populate_physmap / decrease_reservation return this count in Xen). */
  done: number;
}

/** XEN_DOMCTL_createdomain (+ the seed plan's node-bound variant). */
export interface CreateDomainArgs extends CallerArg {
  /** Explicit domid (< 0x7FF0, must be free); absent = DOMID_ANY. */
  domid?: number;
  max_vcpus: number;
  /** HVM with HAP (default): `hap_enable()` allocates the 256-page paging pool at creation. false: PV, no pool. */
  hap?: boolean;
  /** pCPU executing the hypercall (default 0): today's Xen allocates struct domain on its node. */
  cpu?: number;
  /** Seed plan: allocate struct domain, vCPU state and the paging pool on this node (see docs/sim.md). */
  node?: number;
}
export interface CreateDomainResult extends HypercallResult {
  domid?: number;
}

/** XEN_DOMCTL_max_vcpus: creates the vCPUs (struct vcpu from the calling pCPU's node). */
export interface MaxVcpusArgs extends CallerArg {
  domid: number;
  max: number;
  cpu?: number;
}

export interface MaxMemArgs extends CallerArg {
  domid: number;
  max_memkb: number;
}

/** XENMEM_claim_pages: absolute target `nr_pages` (not a delta), 0 releases. */
export interface ClaimPagesArgs extends CallerArg {
  domid: number;
  nr_pages: number;
}

/** One `xen_memory_claim` entry: a node id or the host-wide pool. */
export interface ClaimEntry {
  pages: number;
  node: number | "host";
}
/** XEN_DOMCTL_claim_memory: XS-v4 (exactly one entry) or claim sets (ML-v7, replacement semantics). */
export interface ClaimMemoryArgs extends CallerArg {
  domid: number;
  claims: ClaimEntry[];
}
export interface ClaimMemoryGetResult extends HypercallResult {
  /** Entry 0 is the host-wide remainder, then one per node with a non-zero claim (claim sets GET). */
  claims: ClaimEntry[];
}

/** `mem_flags` of `xen_memory_reservation`: `XENMEMF_node(n)` and `XENMEMF_exact_node_request`. */
export interface MemFlags {
  node?: number;
  exact?: boolean;
}
export interface PopulatePhysmapArgs extends CallerArg {
  domid: number;
  nr_extents: number;
  extent_order: number;
  mem_flags?: MemFlags;
  /**
   * GFN of the first extent; extent i goes to `gpfn + i·2^extent_order` (contiguous, as xenguest
   * and hvmloader pass them). It decides which p2m tables the mapping needs (HAP). Absent: the
   * GFNs after those of the domain's previous populate without one, aligned to the extent size.
   */
  gpfn?: number | undefined;
}

/**
 * XENMEM_decrease_reservation. The simulator keeps no p2m (GFNs never influence where Xen
 * allocates), so the extents released are chosen by the guest model: the domain's highest-MFN
 * memory first, optionally restricted to one node.
 */
export interface DecreaseReservationArgs extends CallerArg {
  domid: number;
  nr_extents: number;
  extent_order: number;
  node?: number;
}

/** A set of pCPUs, or every pCPU. */
export type CpuSet = number[] | "all";
export interface VcpuAffinityArgs extends CallerArg {
  domid: number;
  vcpu: number;
  hard?: CpuSet;
  soft?: CpuSet;
}

/** A set of nodes; "all" is the full mask (switches back to automatic node affinity). */
export type NodeSet = number[] | "all";
export interface NodeAffinityArgs extends CallerArg {
  domid: number;
  nodes: NodeSet;
}

/** XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION: resize the paging pool to `mb` MiB. */
export interface ShadowAllocationArgs extends CallerArg {
  domid: number;
  mb: number;
}

export interface DomidArgs extends CallerArg {
  domid: number;
}

/** XEN_SYSCTL_physinfo (the fields the simulator models). */
export interface PhysInfo {
  nr_cpus: number;
  nr_nodes: number;
  max_node_id: number;
  total_pages: number;
  /** Σ free pages, including claimed and dirty ones. */
  free_pages: number;
  /** Always 0 in Xen (hard-wired in xen/common/sysctl.c). */
  scrub_pages: number;
  outstanding_pages: number;
  max_mfn: number;
}

/** One node of XEN_SYSCTL_numainfo (bytes), plus XS `numa_meminfo`'s `claimed`. */
export interface NumaNodeInfo {
  /** Spanned bytes (holes included). */
  memsize: number;
  /** Free bytes including claimed and dirty pages. */
  memfree: number;
  /** Bytes claimed on this node (node-claim variants; 0 otherwise). */
  claimed: number;
  distances: number[];
}
export interface NumaInfo {
  nodes: NumaNodeInfo[];
}

/** XEN_DOMCTL_getdomaininfo plus the per-node page counts of debug key `u` / XS GET_NODE_PAGES. */
export interface DomainInfo {
  domid: number;
  tot_pages: number;
  max_pages: number;
  outstanding_pages: number;
  /** Per-node part of the claim (XS-v4: the claim node; claim sets: d->claims[n]). */
  node_claims: Record<number, number>;
  nr_vcpus: number;
  node_affinity: number[];
  auto_node_affinity: boolean;
  last_alloc_node: number;
  creation_finished: boolean;
  /** Domain (refcounted) pages per node. */
  pages_by_node: Record<number, number>;
  /** Xen-internal pages of this domain per node: struct domain, struct vcpu, paging pool. */
  xen_pages_by_node: Record<number, number>;
  /** Node each Xen structure landed on (seed-plan evaluation). */
  struct_domain_node: number;
  vcpu_struct_nodes: number[];
  /** Paging pool pages out of the heap: free list + p2m tables + monitor tables. */
  paging_pool_pages: number;
  /** The same per node (where the domain's pool pages came from). */
  paging_pool_by_node: Record<number, number>;
  /** `d->arch.paging.total_pages`: pool pages that are not p2m tables (free + monitor tables). */
  paging_total_pages: number;
  /** `d->arch.paging.free_pages`: on the pool's free list. */
  paging_free_pages: number;
  /** `d->arch.paging.p2m_pages`: pool pages used as p2m tables (11 roots + EPT tables). */
  p2m_pages: number;
  /** Host p2m EPT tables below the root: [L1 (2 MiB each), L2 (1 GiB), L3 (512 GiB)]. */
  p2m_tables: number[];
}
