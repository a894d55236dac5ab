/**
 * The simulated Xen hypervisor at hypercall level. Each public method is one hypercall (named
 * after Xen's domctl/memop/sysctl) and returns `rc` = 0 or Xen's negative errno, with the checks
 * in Xen's order. The contract is documented in docs/sim.md; references are to
 * the Xen functions named in the comments (xen/common/page_alloc.c, domain.c, domctl.c, sysctl.c).
 */
import { UsageError } from "../../errors.js";
import { MAX_NUMNODES, nodePresentPages, nodeSpannedPages, type HostSpec } from "../host.js";
import { Domain, NODE_MASK_ALL } from "./domain.js";
import { E2BIG, EEXIST, EINVAL, ENOENT, ENOMEM, ENOSYS, EOPNOTSUPP, EPERM, ESRCH } from "./errno.js";
import { MAX_ORDER, NUMA_NO_NODE } from "./heap.js";
import { highestBlocks, memflags, PageAllocator } from "./page-alloc.js";
import { allocDomheapPagesBulk } from "./bulk-alloc.js";
import { pow2 } from "./bits.js";
import { PAGE_SIZE, PAGES_PER_MIB } from "../units.js";
import { eptAddressableExtents, HAP_INITIAL_POOL_PAGES, HAP_ROOT_TABLES, hapAlloc, hapSetAllocation, p2mMapExtents, p2mMappableExtents, p2mTablesNeeded, poolSink } from "./paging.js";
import type {
  ClaimMemoryArgs, ClaimMemoryGetResult, ClaimPagesArgs, CountResult, CpuSet, CreateDomainArgs, CreateDomainResult,
  DecreaseReservationArgs, DomainInfo, DomidArgs, HypercallResult, MaxMemArgs, MaxVcpusArgs, Memflags, NodeAffinityArgs,
  NodeClaimsVariant, NumaInfo, PhysInfo, PopulatePhysmapArgs, ShadowAllocationArgs, VcpuAffinityArgs, XenConfig, XenConfigInput,
} from "./types.js";
import { isClaimSets, NODE_CLAIMS_ALIASES } from "./types.js";
import { parseXenVersion, VERSION_RULES } from "./versions.js";
import { maxOf } from "../../util/arrays.js";
import { ownValue } from "../../util/own.js";

/** `DOMID_FIRST_RESERVED`. */
export const DOMID_FIRST_RESERVED = 0x7ff0;
export { HAP_INITIAL_POOL_PAGES, HAP_ROOT_TABLES } from "./paging.js";
/** `XEN_INVALID_MEM_SZ` / `XEN_INVALID_NODE_DIST` (~0U). */
export const XEN_INVALID = 0xffffffff;
/** x86 `HVM_MAX_VCPUS` and PV `MAX_VIRT_CPUS` limits for max_vcpus. */
const HVM_MAX_VCPUS = 128;
const PV_MAX_VCPUS = 8192;
/** memop-max-order defaults (xen/common/memory.c): domU 9, control domain 18. */
const DOMU_MAX_ORDER = 9;
const CTLDOM_MAX_ORDER = 18;
const UINT_MAX = 0xffffffff;

const ok: HypercallResult = { rc: 0 };
const err = (e: number): HypercallResult => ({ rc: -e });

export class Hypervisor {
  readonly alloc: PageAllocator;
  private readonly doms = new Map<number, Domain>();
  private lastDomid = 0;
  private readonly nrCpus: number;
  private readonly onlineCpus: number[];
  private readonly onlineCpuSet: ReadonlySet<number>;

  constructor(readonly host: HostSpec, readonly config: XenConfig) {
    this.alloc = new PageAllocator(host, config);
    this.alloc.heap.onOfflined = (node) => {
      this.alloc.claims.recallAfterOffline(node, [...this.doms.keys()].sort((x, y) => x - y).flatMap((id) => this.doms.get(id) ?? []));
    };
    this.onlineCpus = host.nodes.flatMap((n) => n.cpus).sort((a, b) => a - b);
    this.nrCpus = this.onlineCpus.length;
    this.onlineCpuSet = new Set(this.onlineCpus);
  }

  /** The caller is the control domain (domid 0) unless given. */
  private privileged(caller: number | undefined): boolean {
    return caller === undefined || caller === 0;
  }

  /** A domain for a domctl: generic domctl checks (privilege, then unknown domain → -ESRCH). */
  private domctlTarget(domid: number, caller: number | undefined): Domain | number {
    if (!this.privileged(caller)) return -EPERM;
    return this.doms.get(domid) ?? -ESRCH;
  }

  private nodeOnline(node: number): boolean {
    return node < MAX_NUMNODES && this.alloc.heap.online.includes(node);
  }

  /** Domain lookup for tests and other layers (the live struct; do not mutate). */
  domain(domid: number): Domain | undefined {
    return this.doms.get(domid);
  }

  // ---- domctl -----------------------------------------------------------------------------

  /**
   * XEN_DOMCTL_createdomain (`domain_create()`): domid, struct domain (one xenheap page,
   * d == NULL to the allocator, from the executing pCPU's node), node affinity = all / auto,
   * then `hap_enable()`'s 256-page paging pool (`MEMF_no_owner`: affinity and last_alloc_node
   * apply, no tot_pages, no claim) and the 11 p2m root tables it takes from it (paging.ts).
   * Any allocation failure → -ENOMEM and nothing is left behind.
   *
   * Seed plan (`node` given; a proposed node-bound createdomain, no upstream code): struct domain, vCPU structs and the pool use
   * MEMF_node(node) WITHOUT MEMF_exact_node, and node affinity is preset to {node} (manual).
   * Fallback chosen: non-exact, like every other node-hinted Xen-internal allocation (and the
   * XS PoC cdc5de4fc1 for vCPU structs): a full node must degrade locality, not fail the domain
   * for want of a few pages when the host has memory. Affinity {node} makes the fallback order
   * node first, then the other online nodes ascending (get_free_buddy).
   */
  createdomain(a: CreateDomainArgs): CreateDomainResult {
    if (!this.privileged(a.caller)) return err(EPERM);
    const hap = a.hap ?? true;
    const limit = hap ? HVM_MAX_VCPUS : PV_MAX_VCPUS;
    if (!Number.isInteger(a.max_vcpus) || a.max_vcpus < 1 || a.max_vcpus > limit) return err(EINVAL);
    const cpu = a.cpu ?? 0;
    if (!this.onlineCpuSet.has(cpu)) return err(EINVAL);
    if (a.node !== undefined && !this.nodeOnline(a.node)) return err(ENOENT);
    const domid = this.domidAlloc(a.domid);
    if (domid < 0) return { rc: domid };
    const node = a.node ?? NUMA_NO_NODE;
    const structPage = this.alloc.allocXenheapPage(node, cpu);
    if (structPage === undefined) return err(ENOMEM);
    const d = new Domain(domid, a.max_vcpus, hap, this.host.nodes.length, a.node);
    d.xenPages.push({ mfn: structPage.mfn, node: structPage.node });
    if (a.node !== undefined) {
      d.node_affinity = [a.node];
      d.auto_node_affinity = false;
    }
    if (hap) {
      if (hapSetAllocation(this.alloc, d, HAP_INITIAL_POOL_PAGES, (dd, n) => this.growPool(dd, n, cpu), ENOMEM) !== 0) {
        this.teardown(d);
        return err(ENOMEM);
      }
      // p2m_alloc_table() for the host p2m and each nested p2m: one root table each.
      hapAlloc(d, HAP_ROOT_TABLES, true);
    }
    this.doms.set(domid, d);
    return { rc: 0, domid };
  }

  /**
   * `domid_alloc()` (xen/common/domid.c): an id below DOMID_FIRST_RESERVED must be free (else
   * DOMID_INVALID → -EEXIST); anything else (DOMID_ANY) searches 1..0x7FEF after the last
   * *searched* id, wrapping (0 stays reserved for the initial domain). Explicit ids do not move
   * the search position.
   */
  private domidAlloc(want: number | undefined): number {
    if (want !== undefined && Number.isInteger(want) && want >= 0 && want < DOMID_FIRST_RESERVED) {
      return this.doms.has(want) ? -EEXIST : want;
    }
    // Every id of 1..0x7FEF taken: the search below would visit all 32 751 to say so, and a
    // vm_start of 100 000 VMs asked 67 000 times (45 s of a scenario run). Same answer at once.
    if (this.doms.size - (this.doms.has(0) ? 1 : 0) >= DOMID_FIRST_RESERVED - 1) return -EEXIST;
    for (let k = 1; k < DOMID_FIRST_RESERVED; k++) {
      const id = ((this.lastDomid + k - 1) % (DOMID_FIRST_RESERVED - 1)) + 1;
      if (!this.doms.has(id)) {
        this.lastDomid = id;
        return id;
      }
    }
    return -EEXIST;
  }

  /**
   * XEN_DOMCTL_max_vcpus: must equal the creation-time max_vcpus; each vCPU's struct vcpu is one
   * xenheap page from the calling pCPU's node (d == NULL; seed plan: MEMF_node(home node)), and
   * with HAP its monitor table from the paging pool (construct_vmcs() → paging_update_paging_modes()
   * → hap_make_monitor_table(); an empty pool crashes the domain in Xen, here the vCPU just has
   * none); then `domain_update_node_affinity()`.
   */
  max_vcpus(a: MaxVcpusArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    if (a.max !== d.max_vcpus) return err(EINVAL);
    const cpu = a.cpu ?? 0;
    if (!this.onlineCpuSet.has(cpu)) return err(EINVAL);
    for (let i = d.vcpus.length; i < a.max; i++) {
      const pg = this.alloc.allocXenheapPage(d.homeNode ?? NUMA_NO_NODE, cpu);
      if (pg === undefined) return err(ENOMEM);
      d.xenPages.push({ mfn: pg.mfn, node: pg.node });
      d.vcpus.push({ id: i, hard: undefined, soft: undefined, structNode: pg.node, structMfn: pg.mfn });
      if (d.hap) hapAlloc(d, 1, false);
    }
    this.updateNodeAffinity(d);
    return ok;
  }

  /**
   * `domain_update_node_aff()` (xen/common/sched/core.c): with automatic affinity, the nodes of
   * (∪ soft ∩ ∪ hard ∩ online), or of (∪ hard ∩ online) if that is empty. Memory-only nodes have
   * no CPUs and so never enter it. No-op before vCPU0 exists.
   */
  private updateNodeAffinity(d: Domain): void {
    if (d.vcpus.length === 0 || !d.auto_node_affinity) return;
    // A vCPU without a mask ("all") makes the union every online CPU: no need to build it
    // (cost per vCPU, not per vCPU × pCPU, on hosts with hundreds of pCPUs). No copies: the
    // unions are built once and only their nodes are kept.
    const online = this.onlineCpuSet;
    let hard: ReadonlySet<number> = online;
    if (d.vcpus.every((v) => v.hard !== undefined)) {
      const s = new Set<number>();
      for (const v of d.vcpus) for (const c of v.hard ?? []) if (online.has(c)) s.add(c);
      hard = s;
    }
    // soft ∩ hard: with an "all" soft mask that is hard itself.
    const softNodes = new Set<number>();
    if (d.vcpus.every((v) => v.soft !== undefined)) {
      for (const v of d.vcpus) for (const c of v.soft ?? []) if (hard.has(c)) softNodes.add(this.alloc.cpuToNode(c));
    }
    let nodes: ReadonlySet<number> = softNodes;
    if (nodes.size === 0) nodes = hard === online ? this.onlineCpuNodes() : new Set([...hard].map((c) => this.alloc.cpuToNode(c)));
    const aff = [...nodes].sort((x, y) => x - y);
    // Keep the same array when nothing changed: the allocator's nodemask cache is keyed on it.
    const old = d.node_affinity;
    if (aff.length !== old.length || aff.some((n, i) => n !== old[i])) d.node_affinity = aff;
  }

  private cpuNodes: ReadonlySet<number> | undefined;
  /** The nodes of the online CPUs. */
  private onlineCpuNodes(): ReadonlySet<number> {
    this.cpuNodes ??= new Set(this.onlineCpus.map((c) => this.alloc.cpuToNode(c)));
    return this.cpuNodes;
  }

  /** XEN_DOMCTL_setvcpuaffinity: vcpu ≥ max_vcpus → -EINVAL; not created → -ESRCH; hard ∩ online = ∅ → -EINVAL. */
  vcpu_setaffinity(a: VcpuAffinityArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    if (a.vcpu < 0 || a.vcpu >= d.max_vcpus) return err(EINVAL);
    const v = d.vcpus[a.vcpu];
    if (v === undefined) return err(ESRCH);
    // The mask is copied (the caller may reuse its array), but a vCPU given the same CPUs as the
    // previous one shares its copy: xenopsd sets one soft mask on every vCPU (read-only here).
    const prev = d.vcpus[a.vcpu - 1];
    const same = (x: readonly number[] | undefined, y: readonly number[]): x is number[] => x !== undefined && x.length === y.length && x.every((c, i) => c === y[i]);
    const set = (s: CpuSet | undefined, shared: number[] | undefined): number[] | undefined => {
      if (s === undefined || s === "all") return undefined;
      return same(shared, s) ? shared : [...s];
    };
    if (a.hard !== undefined) {
      const hard = set(a.hard, prev?.hard);
      if (hard !== undefined && !hard.some((c) => this.onlineCpuSet.has(c))) return err(EINVAL);
      v.hard = hard;
    }
    if (a.soft !== undefined) v.soft = set(a.soft, prev?.soft);
    this.updateNodeAffinity(d);
    return ok;
  }

  /**
   * XEN_DOMCTL_setnodeaffinity (`domain_set_node_affinity()`): a mask not intersecting the online
   * nodes → -EINVAL; the full mask switches back to automatic affinity (recomputed only if vCPUs
   * exist — before that the previous mask stays); any other mask is set as is (manual).
   */
  setnodeaffinity(a: NodeAffinityArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    const mask = a.nodes === "all" ? NODE_MASK_ALL : [...new Set(a.nodes)].sort((x, y) => x - y);
    if (mask.some((n) => !Number.isInteger(n) || n < 0 || n >= MAX_NUMNODES)) return err(EINVAL);
    if (!mask.some((n) => this.nodeOnline(n))) return err(EINVAL);
    if (mask.length === MAX_NUMNODES) {
      d.auto_node_affinity = true;
      this.updateNodeAffinity(d);
    } else {
      d.auto_node_affinity = false;
      d.node_affinity = mask;
    }
    return ok;
  }

  /** XEN_DOMCTL_max_mem: max_pages = min(max_memkb >> 2, UINT_MAX), no check against tot_pages. */
  max_mem(a: MaxMemArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    d.max_pages = Math.min(Math.floor(a.max_memkb / 4), UINT_MAX);
    return ok;
  }

  /**
   * XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION → `hap_set_allocation(d, mb << 8)` (paging.ts): the p2m
   * tables in use count towards the target; grows with order-0 MEMF_no_owner pages, shrinks from
   * the free list (-ENOMEM when the pages in use leave too few free ones).
   */
  shadow_set_allocation(a: ShadowAllocationArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    if (!d.hap || a.mb < 0) return err(EINVAL);
    return { rc: hapSetAllocation(this.alloc, d, a.mb * PAGES_PER_MIB, (dd, n) => this.growPool(dd, n, 0), ENOMEM) };
  }

  /**
   * `hap_set_allocation()` growth: one `alloc_domheap_page(d, MEMF_no_owner)` per page in Xen,
   * here all of them through the bulk path (same result, cost per buddy). Returns pages got.
   */
  private growPool(d: Domain, pages: number, cpu: number): number {
    const mf = memflags({ noOwner: true, node: d.homeNode ?? NUMA_NO_NODE });
    return allocDomheapPagesBulk(this.alloc, d, 0, mf, pages, cpu, poolSink(d));
  }

  /**
   * XEN_DOMCTL_unpausedomain, `domain_unpause_by_systemcontroller()` (xen/common/domain.c, the same
   * in 4.18 … staging): -EINVAL when `controller_pause_count` would go below 0 (a second unpause
   * without a pause between); creation is finished when the count first drops to 0. Staging's
   * -EBUSY for a domain with `pending_scrub` (a populate preempted mid-scrub, 83a784a15b) cannot
   * arise: the simulator does not preempt hypercalls.
   */
  unpausedomain(a: DomidArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    if (d.controller_pause_count - 1 < 0) return err(EINVAL);
    d.controller_pause_count--;
    if (d.controller_pause_count === 0) d.creation_finished = true;
    return ok;
  }

  /**
   * XEN_DOMCTL_destroydomain (`domain_kill()`): the claim is released first, then all memory goes
   * back: domain pages dirty (d->is_dying), the paging pool and xenheap pages dirty as well.
   */
  destroydomain(a: DomidArgs): HypercallResult {
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    this.teardown(d);
    this.doms.delete(d.domid);
    return ok;
  }

  private teardown(d: Domain): void {
    d.is_dying = true;
    this.alloc.claims.release(d);
    d.pages.forEach((set, node) => {
      for (const [s, e] of set.drain()) {
        this.alloc.forEachAlignedBlock(s, e, (mfn, order) => {
          this.alloc.claims.adjustTotPages(d, -pow2(order));
          this.alloc.heap.freeHeapPages(mfn, order, node, true);
        });
      }
    });
    for (const sets of [d.pool, d.poolUsed]) {
      sets.forEach((set, node) => {
        for (const [s, e] of set.drain()) this.alloc.forEachAlignedBlock(s, e, (mfn, order) => { this.alloc.freeXenPages(mfn, order, node); });
      });
    }
    d.paging.total = d.paging.free = d.paging.p2m = 0;
    d.poolFifo.length = 0;
    for (const p of d.xenPages.splice(0)) this.alloc.freeXenPages(p.mfn, 0, p.node);
  }

  // ---- claims -----------------------------------------------------------------------------

  /**
   * XENMEM_claim_pages: unknown domid → -EINVAL (not ESRCH), then XSM (unprivileged → -EPERM),
   * dying → -EINVAL (claim sets: -ESRCH), then `domain_set_outstanding_pages()`.
   */
  claim_pages(a: ClaimPagesArgs): HypercallResult {
    const d = this.doms.get(a.domid);
    if (d === undefined) return err(EINVAL);
    if (!this.privileged(a.caller)) return err(EPERM);
    if (d.is_dying) return err(isClaimSets(this.config.nodeClaims) ? ESRCH : EINVAL);
    return { rc: this.alloc.claims.setOutstandingPages(d, a.nr_pages) };
  }

  /**
   * XEN_DOMCTL_claim_memory. XS-v4: exactly one entry; node "host" (or the 255 quirk) is
   * XEN_DOMCTL_CLAIM_MEMORY_NO_NODE. Claim sets: a whole set with replacement semantics.
   * Without a node-claim variant the domctl does not exist (-ENOSYS).
   */
  claim_memory(a: ClaimMemoryArgs): HypercallResult {
    if (this.config.nodeClaims === "none") return err(ENOSYS);
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d };
    const claims = this.alloc.claims;
    if (this.config.nodeClaims === "v4") {
      const e = a.claims[0];
      if (a.claims.length !== 1 || e === undefined || d.is_dying) return err(EINVAL);
      // Node 255 equals NUMA_NO_NODE after the comparison and is treated as host-wide.
      const node = e.node === "host" || e.node === NUMA_NO_NODE ? NUMA_NO_NODE : e.node;
      return { rc: claims.claimMemoryV4(d, e.pages, node) };
    }
    if (a.claims.length === 0) return err(EINVAL);
    if (a.claims.length > MAX_NUMNODES + 1) return err(E2BIG);
    if (d.is_dying) return err(ESRCH);
    return { rc: claims.setClaimEntries(d, a.claims) };
  }

  /**
   * Claim sets v7 XEN_DOMCTL_CLAIM_MEMORY_GET (other variants: -EOPNOTSUPP). v5 has no GET: its
   * `struct xen_domctl_claim_memory` is {claims, nr_claims, pad}, without v7's `mode` ([PATCH 5/5]
   * "xen/mm: Introduce Claim Sets for multiple NUMA nodes", 7 Apr 2026).
   */
  claim_memory_get(a: DomidArgs): ClaimMemoryGetResult {
    if (this.config.nodeClaims !== "claim-sets-v7") return { rc: -EOPNOTSUPP, claims: [] };
    const d = this.domctlTarget(a.domid, a.caller);
    if (typeof d === "number") return { rc: d, claims: [] };
    return { rc: 0, claims: this.alloc.claims.claimEntries(d) };
  }

  // ---- memory ops -------------------------------------------------------------------------

  /** `max_order()` of the calling domain (memop-max-order defaults). */
  private maxOrder(caller: number | undefined): number {
    return Math.min(this.privileged(caller) ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER, MAX_ORDER);
  }

  /**
   * XENMEM_populate_physmap. Rejections return 0 extents done (Xen returns `start_extent`, not an
   * errno): unknown domain, a caller that is neither privileged nor the target, extent_order above
   * the caller's max order, and `propagate_node()` failures (privileged: node ≥ MAX_NUMNODES;
   * unprivileged: an exact request — an unprivileged node hint is silently ignored). Each extent
   * is one `alloc_domheap_pages()`; the first failure ends the call with a short count.
   * With HAP each extent is then mapped in the p2m, whose tables come from the paging pool
   * (paging.ts): when the pool has no free page for a table the mapping fails, the extent stays
   * allocated and assigned but is not counted, and the call ends (`guest_physmap_add_page()`
   * failing in populate_physmap(), xen/common/memory.c: `goto out`, the page neither freed nor
   * unassigned). The same happens, with -EINVAL, to the first extent reaching a GFN EPT cannot
   * map (≥ 2^36: `ept_set_entry()`, p2m-ept.c), after its chunks below 2^36 were mapped.
   */
  populate_physmap(a: PopulatePhysmapArgs): CountResult {
    const d = this.doms.get(a.domid);
    if (d === undefined) return { rc: 0, done: 0 };
    if (!this.privileged(a.caller) && a.caller !== a.domid) return { rc: 0, done: 0 };
    if (a.extent_order > this.maxOrder(a.caller)) return { rc: 0, done: 0 };
    let node = NUMA_NO_NODE;
    let exact = false;
    const f = a.mem_flags ?? {};
    if (f.node !== undefined) {
      if (this.privileged(a.caller)) {
        if (f.node >= MAX_NUMNODES) return { rc: 0, done: 0 };
        node = f.node;
        exact = f.exact ?? false;
      } else if (f.exact === true) {
        return { rc: 0, done: 0 };
      }
    }
    // X 83a784a15b: during domain build dirty buddies are acceptable in the first pass.
    const noScrub = this.config.populateNoScrubDuringBuild && !d.creation_finished;
    const mf = this.populateFlags(node, exact, noScrub);
    const size = pow2(a.extent_order);
    const gfn = a.gpfn ?? Math.ceil(d.nextGfn / size) * size;
    // One alloc_domheap_pages() per extent in Xen; the bulk path gives the same result.
    if (!d.hap) return { rc: 0, done: this.populated(d, a, gfn, allocDomheapPagesBulk(this.alloc, d, a.extent_order, mf, a.nr_extents)) };
    // The extents EPT can address; the next one, if allocated, fails to map (ept_set_entry: -EINVAL).
    const addressable = eptAddressableExtents(gfn, a.extent_order, a.nr_extents);
    // The tables of all extents are counted once; the allocation between does not touch the p2m.
    const needAll = p2mTablesNeeded(d, gfn, a.extent_order, addressable);
    const mappable = p2mMappableExtents(d, gfn, a.extent_order, addressable, needAll);
    const got = allocDomheapPagesBulk(this.alloc, d, a.extent_order, mf, Math.min(a.nr_extents, mappable + 1));
    const done = Math.min(got, mappable);
    if (done === a.nr_extents) p2mMapExtents(d, gfn, a.extent_order, done, false, needAll);
    else p2mMapExtents(d, gfn, a.extent_order, done, got > mappable);
    this.populated(d, a, gfn, got);
    return { rc: 0, done };
  }

  /**
   * populate_physmap()'s memflags: MEMF_node/MEMF_exact_node from the request, and
   * MEMF_no_scrub|MEMF_keep_scrub during the build. One record per combination, built on first
   * use and shared (the allocator only reads memflags): this runs once per hypercall.
   */
  private populateFlags(node: number, exact: boolean, noScrub: boolean): Memflags {
    const k = node * 4 + (exact ? 2 : 0) + (noScrub ? 1 : 0);
    let mf = this.populateFlagsCache[k];
    if (mf === undefined) {
      mf = memflags({ node, exact, noScrub, keepScrub: noScrub });
      this.populateFlagsCache[k] = mf;
    }
    return mf;
  }
  private readonly populateFlagsCache: (Memflags | undefined)[] = [];

  /** Move the default-GFN cursor past the extents a populate without `gpfn` allocated. */
  private populated(d: Domain, a: PopulatePhysmapArgs, gfn: number, allocated: number): number {
    if (a.gpfn === undefined) d.nextGfn = gfn + allocated * pow2(a.extent_order);
    return allocated;
  }

  /**
   * XENMEM_decrease_reservation. The simulator has no p2m, so the guest's choice of GFNs is
   * modelled as "highest-MFN memory first" (on `node` if given); every extent must be wholly
   * owned by the domain, else the call stops with a short count (as Xen does for an unpopulated GFN).
   */
  decrease_reservation(a: DecreaseReservationArgs): CountResult {
    const d = this.doms.get(a.domid);
    if (d === undefined || (!this.privileged(a.caller) && a.caller !== a.domid)) return { rc: 0, done: 0 };
    if (a.extent_order > this.maxOrder(a.caller)) return { rc: 0, done: 0 };
    // Extent by extent in Xen (guest_remove_page → free_domheap_pages); here run by run.
    let done = 0;
    for (const r of highestBlocks(d.pages, a.extent_order, a.nr_extents, a.node)) {
      d.pages[r.node]?.remove(r.lo, r.hi - r.lo);
      this.alloc.claims.adjustTotPages(d, -(r.hi - r.lo));
      this.alloc.freeRunDescending(r.lo, r.hi, r.node, d.is_dying, a.extent_order);
      done += (r.hi - r.lo) / pow2(a.extent_order);
    }
    return { rc: 0, done };
  }

  /** Background scrubbing by idle pCPUs, run to completion (not a hypercall). Returns pages scrubbed. */
  idle_scrub(node?: number): number {
    return this.alloc.heap.scrub(node);
  }

  // ---- sysctl / queries ---------------------------------------------------------------------

  /** Node of a RAM page, or undefined for MFNs outside every range (and MFN 0, never in the heap). */
  private mfnNode(mfn: number): number | undefined {
    if (mfn === 0) return undefined;
    return this.host.nodes.find((n) => n.ranges.some((r) => r.baseMfn <= mfn && mfn < r.baseMfn + r.pages))?.id;
  }

  /**
   * XEN_SYSCTL_page_offline_op / PAGE_OFFLINE (`offline_page()`): a free page leaves the heap now,
   * an allocated one when it is freed ("pending"). Claims are untouched in X and XS-v4, so
   * outstanding_claims may exceed free memory afterwards; claim sets recall claims (§7.2.11).
   */
  page_offline(a: { mfn: number; caller?: number }): HypercallResult & { status?: "offlined" | "pending" } {
    if (!this.privileged(a.caller)) return err(EPERM);
    const node = this.mfnNode(a.mfn);
    if (node === undefined) return err(EINVAL);
    return { rc: 0, status: this.alloc.heap.offlinePage(a.mfn, node) };
  }

  /** PAGE_ONLINE (`online_page()`): an offlined page returns to the heap. */
  page_online(a: { mfn: number; caller?: number }): HypercallResult {
    if (!this.privileged(a.caller)) return err(EPERM);
    if (this.mfnNode(a.mfn) === undefined) return err(EINVAL);
    this.alloc.heap.onlinePage(a.mfn);
    return ok;
  }

  /** XEN_SYSCTL_physinfo: free_pages includes claimed and dirty pages; scrub_pages is always 0. */
  physinfo(): PhysInfo {
    const ends = this.host.nodes.flatMap((n) => n.ranges.map((r) => r.baseMfn + r.pages));
    return {
      nr_cpus: this.nrCpus,
      nr_nodes: this.alloc.heap.online.length,
      max_node_id: MAX_NUMNODES - 1,
      total_pages: this.host.nodes.reduce((s, n) => s + nodePresentPages(n), 0),
      free_pages: this.alloc.heap.totalAvail,
      scrub_pages: 0,
      outstanding_pages: this.alloc.claims.outstanding,
      max_mfn: Math.max(0, maxOf(ends)) - 1,
    };
  }

  /**
   * XEN_SYSCTL_numainfo up to the last online node: memsize = spanned bytes (holes included),
   * memfree = free bytes incl. claimed/dirty; offline nodes and NUMA_NO_DISTANCE report ~0U.
   * `claimed` is XS `numa_meminfo`'s per-node claim (0 without node claims).
   */
  numainfo(): NumaInfo {
    const online = this.alloc.heap.online;
    const count = (online[online.length - 1] ?? -1) + 1;
    // Plain loops: xenopsd asks once per VM start.
    const nodes: NumaInfo["nodes"] = [];
    for (let i = 0; i < count; i++) {
      const n = this.host.nodes[i];
      const on = online.includes(i) && n !== undefined;
      const row = this.host.distances[i];
      const distances: number[] = [];
      for (let j = 0; j < count; j++) {
        const dist = row?.[j] ?? XEN_INVALID;
        distances.push(dist === 0xff ? XEN_INVALID : dist);
      }
      nodes.push({
        memsize: on ? nodeSpannedPages(n) * PAGE_SIZE : XEN_INVALID,
        memfree: on ? this.alloc.heap.nodeAvail(i) * PAGE_SIZE : XEN_INVALID,
        claimed: on ? (this.alloc.claims.nodeClaimed[i] ?? 0) * PAGE_SIZE : 0,
        distances,
      });
    }
    return { nodes };
  }

  /** XEN_DOMCTL_getdomaininfo plus placement details; undefined for an unknown domid. */
  getdomaininfo(domid: number): DomainInfo | undefined {
    const d = this.doms.get(domid);
    if (d === undefined) return undefined;
    // One pass over the nodes for every per-node figure (xenopsd reads this once or twice per VM
    // start; closures and a filter of the Xen pages per node made it cost more to compile than to run).
    const xenOn: number[] = [];
    for (const p of d.xenPages) xenOn[p.node] = (xenOn[p.node] ?? 0) + 1;
    const node_claims: Record<number, number> = {};
    const pages_by_node: Record<number, number> = {};
    const xen_pages_by_node: Record<number, number> = {};
    const paging_pool_by_node: Record<number, number> = {};
    for (let n = 0; n < this.host.nodes.length; n++) {
      const claim = d.claim_node === n ? d.outstanding_pages : (d.claims[n] ?? 0);
      if (claim > 0) node_claims[n] = claim;
      const pages = d.pages[n]?.total ?? 0;
      if (pages > 0) pages_by_node[n] = pages;
      const pool = this.poolOn(d, n);
      const xen = pool + (xenOn[n] ?? 0);
      if (xen > 0) xen_pages_by_node[n] = xen;
      if (pool > 0) paging_pool_by_node[n] = pool;
    }
    return {
      domid,
      tot_pages: d.tot_pages,
      max_pages: d.max_pages,
      outstanding_pages: d.outstanding_pages,
      node_claims,
      nr_vcpus: d.vcpus.length,
      node_affinity: [...d.node_affinity],
      auto_node_affinity: d.auto_node_affinity,
      last_alloc_node: d.last_alloc_node,
      creation_finished: d.creation_finished,
      pages_by_node,
      xen_pages_by_node,
      struct_domain_node: d.xenPages[0]?.node ?? NUMA_NO_NODE,
      vcpu_struct_nodes: d.vcpus.map((v) => v.structNode),
      paging_pool_pages: d.poolPages,
      paging_pool_by_node,
      paging_total_pages: d.paging.total,
      paging_free_pages: d.paging.free,
      p2m_pages: d.paging.p2m,
      p2m_tables: d.p2mTables.map((t) => t.total),
    };
  }

  /** Paging pool pages of `d` on node `n` (free list and in use). */
  private poolOn(d: Domain, n: number): number {
    return (d.pool[n]?.total ?? 0) + (d.poolUsed[n]?.total ?? 0);
  }

  /** Every domain, ascending domid. */
  domains(): DomainInfo[] {
    return [...this.doms.keys()].sort((x, y) => x - y).flatMap((id) => this.getdomaininfo(id) ?? []);
  }
}

/** Default options per version (versions.ts): see XenConfig. Aliases are resolved here. */
export function xenConfig(partial: XenConfigInput = {}): XenConfig {
  const version = parseXenVersion(partial.version ?? "staging") ?? "staging";
  const nc = partial.nodeClaims ?? "none";
  return {
    version,
    nodeClaims: ownValue(NODE_CLAIMS_ALIASES, nc) ?? (nc as NodeClaimsVariant),
    populateNoScrubDuringBuild: partial.populateNoScrubDuringBuild ?? VERSION_RULES[version].populateNoScrubDuringBuild,
  };
}

/** Boot a simulated host: every RAM page of the spec is free (and scrubbed) in the per-node heaps. */
export function createHost(spec: HostSpec, config: XenConfigInput = {}): Hypervisor {
  const c = xenConfig(config);
  if (!VERSION_RULES[c.version].nodeClaims && c.nodeClaims !== "none") {
    throw new UsageError(`xen.nodeClaims "${c.nodeClaims}" needs xen.version "4.22" or "staging" (the node-claim series are posted against staging)`);
  }
  return new Hypervisor(spec, c);
}
