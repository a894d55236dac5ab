/**
 * `struct domain` / `struct vcpu` as far as memory placement is concerned
 * (xen/include/xen/sched.h), plus the bookkeeping the simulator needs to give memory back:
 * the MFN runs a domain owns, per node, as coalesced extent sets.
 */
import { ExtentSet } from "./extent-set.js";
import { MAX_NUMNODES } from "../host.js";
import { NUMA_NO_NODE } from "./heap.js";

/** `NODE_MASK_ALL`: every node id below MAX_NUMNODES. */
export const NODE_MASK_ALL: readonly number[] = Array.from({ length: MAX_NUMNODES }, (_, i) => i);

export interface Vcpu {
  id: number;
  /** Hard / soft affinity: pCPU ids, or undefined for "all CPUs" (the default for a domU). */
  hard: number[] | undefined;
  soft: number[] | undefined;
  /** Node the struct vcpu page came from. */
  structNode: number;
  structMfn: number;
}

/** A page Xen allocated for the domain's own structures (struct domain, struct vcpu). */
export interface XenPage {
  mfn: number;
  node: number;
}

/**
 * Pool pages in the order they joined the free list: call j of the group took the next page,
 * from the top down, of `runs[j mod runs.length]` (one bulk stretch: round-robin over nodes).
 * `taken` calls of the group have left the list again (hap_alloc or a shrink, from the head).
 */
export interface PoolGroup {
  runs: { node: number; lo: number; hi: number }[];
  size: number;
  taken: number;
}

export class Domain {
  tot_pages = 0;
  max_pages = 0;
  /** Host-wide plus node claims (claim sets), or the one claim (legacy / XS-v4). */
  outstanding_pages = 0;
  /** XS-v4: the node of the claim, NUMA_NO_NODE for a host-wide claim. */
  claim_node = NUMA_NO_NODE;
  /** Claim sets: d->claims[node]; its sum is `node_claims`. */
  readonly claims: number[];
  node_claims = 0;
  node_affinity: readonly number[] = NODE_MASK_ALL;
  /** Cache of online ∩ node_affinity (valid while `maskOf` is the current node_affinity array). */
  mask: readonly number[] = [];
  maskOf: readonly number[] | undefined;
  auto_node_affinity = true;
  /** The struct is zeroed at allocation, so the first allocation cycles from node 0. */
  last_alloc_node = 0;
  is_dying = false;
  /**
   * `d->controller_pause_count`: 1 at creation (the domain starts paused by the toolstack); the
   * first XEN_DOMCTL_unpausedomain takes it to 0. Nothing in the simulator pauses a domain again.
   */
  controller_pause_count = 1;
  creation_finished = false;
  readonly vcpus: Vcpu[] = [];
  /** Domain (refcounted) memory, per node. */
  readonly pages: ExtentSet[];
  /**
   * Paging (HAP) pool pages on the pool's free list (`d->arch.paging.freelist`), per node
   * (MEMF_no_owner: not in tot_pages). New pool pages join it; hap_alloc() takes from it.
   */
  readonly pool: ExtentSet[];
  /** Pool pages taken off the free list: p2m tables and per-vCPU monitor tables, per node. */
  readonly poolUsed: ExtentSet[];
  /** The free list's order (`d->arch.paging.freelist`, FIFO), as groups; see PoolGroup. */
  readonly poolFifo: PoolGroup[] = [];
  /**
   * `d->arch.paging.{total,free,p2m}_pages` (xen/arch/x86/mm/hap/hap.c): total = pool pages not
   * used as p2m tables (free ones and monitor tables), free = on the free list, p2m = p2m tables.
   * Pool pages out of the heap = total + p2m.
   */
  readonly paging = { total: 0, free: 0, p2m: 0 };
  /**
   * The host p2m's EPT tables below the root, as sets of table indices per level: [0] = L1
   * tables (GFN >> 9), [1] = L2 (GFN >> 18), [2] = L3 (GFN >> 27). See paging.ts.
   */
  readonly p2mTables: [ExtentSet, ExtentSet, ExtentSet] = [new ExtentSet(), new ExtentSet(), new ExtentSet()];
  /**
   * Per level, one run [lo, hi) of table indices known to be in p2mTables (tables are freed only
   * at teardown, so it stays true) as lo, hi at [2·level], [2·level + 1]: most populates need no new table, and this answers
   * that without walking the sets (paging.ts). Simulator bookkeeping, not Xen state.
   */
  readonly p2mKnown: number[] = [0, 0, 0, 0, 0, 0];
  /** GFN after the highest one populated without an explicit GFN (the simulator's default GFN choice). */
  nextGfn = 0;
  /** struct domain page (index 0) and struct vcpu pages (xenheap, d == NULL allocations). */
  readonly xenPages: XenPage[] = [];

  constructor(
    readonly domid: number,
    readonly max_vcpus: number,
    readonly hap: boolean,
    nrNodes: number,
    /** Seed plan: the node this domain was created for (node-bound createdomain), if any. */
    readonly homeNode: number | undefined,
  ) {
    this.claims = new Array<number>(nrNodes).fill(0);
    this.pages = [];
    this.pool = [];
    this.poolUsed = [];
    for (let n = 0; n < nrNodes; n++) {
      // Deferred: added to on every populate_physmap, read rarely (ExtentSet's `log`).
      this.pages.push(new ExtentSet(true));
      this.pool.push(new ExtentSet());
      this.poolUsed.push(new ExtentSet());
    }
  }

  /** Paging pool pages out of the heap (free list + p2m tables + monitor tables). */
  get poolPages(): number {
    return this.paging.total + this.paging.p2m;
  }
}
