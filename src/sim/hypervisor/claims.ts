/**
 * Memory claims: host-wide `XENMEM_claim_pages` (xen/common/page_alloc.c:
 * domain_set_outstanding_pages, X and 4.18 semantics) and the NUMA node-claim designs as
 * selectable variants — XS-v4 `XEN_DOMCTL_claim_memory` (one claim, node or
 * XEN_DOMCTL_CLAIM_MEMORY_NO_NODE) and claim sets (ML-v7 "NUMA-aware memory claim sets").
 * This module holds the claim counters and answers the three questions the allocator asks:
 * may this request pass the host gate, may it use this node, and what does it consume.
 * References: xen/common/page_alloc.c domain_set_outstanding_pages(), domain_adjust_tot_pages() and
 * the claim checks of alloc_heap_pages() (xen-project/xen 009401506e).
 */
import { EINVAL, ENOENT, ENOMEM, E2BIG } from "./errno.js";
import type { Domain } from "./domain.js";
import { NUMA_NO_NODE, type Heap } from "./heap.js";
import { MAX_NUMNODES } from "../host.js";
import type { ClaimEntry, XenConfig } from "./types.js";
import { XenPanic } from "./crash.js";
import { VERSION_RULES, type VersionRules } from "./versions.js";

/**
 * XS-v4 `available_after_claims(avail_pages, claims)` ([PATCH v4 03/10] "xen/page_alloc:
 * Implement NUMA-node-specific claims", 26 Feb 2026): `BUG_ON(claims > avail_pages)`, reached
 * from host_allocatable_request() (every alloc_heap_pages), node_allocatable_request() (each
 * node get_free_buddy visits) and domain_set_outstanding_pages(). Reviewers asked for an
 * ASSERT(); as posted it is a BUG_ON, so a release build panics.
 */
function availableAfterClaimsV4(avail: number, claims: number, what: "host" | number): number {
  if (claims > avail) {
    // `what`: "host" or a node number (the message is only built when it is needed).
    const where = what === "host" ? what : `node ${what}`;
    throw new XenPanic("BUG_ON(claims > avail_pages)", "available_after_claims() (XS-v4 page_alloc.c)", `${where}: claims ${claims} > avail_pages ${avail}`);
  }
  return avail - claims;
}

export class Claims {
  /** `outstanding_claims`: Σ d->outstanding_pages. */
  outstanding = 0;
  /** Per-node claimed pages: XS-v4 `node_outstanding_claims`, claim sets `claimed_pages[n]`. */
  readonly nodeClaimed: number[];

  /** The release's claim rules (versions.ts). */
  readonly rules: VersionRules;

  constructor(readonly heap: Heap, readonly config: XenConfig, nrNodes: number) {
    this.nodeClaimed = new Array<number>(nrNodes).fill(0);
    this.rules = VERSION_RULES[config.version];
  }

  /** `total_avail_pages - outstanding_claims`. */
  get unclaimed(): number {
    return this.heap.totalAvail - this.outstanding;
  }

  /** node_avail − claimed on the node. */
  nodeUnclaimed(node: number): number {
    return this.heap.nodeAvail(node) - (this.nodeClaimed[node] ?? 0);
  }

  /**
   * The host-wide claim gate at the top of `alloc_heap_pages()`. X (and the claim-set patch, which
   * leaves it unchanged): fail if claimed memory is needed and the requester is not a domain with
   * at least the whole request outstanding. XS-v4 `host_allocatable_request()` relaxes this to
   * `request <= unclaimed + own claim` (and panics when claims exceed free memory, see
   * availableAfterClaimsV4); claim sets v5 `claims_permit_request(..., NUMA_NO_NODE)` likewise
   * with `applicable_claims = d->node_claims + d->global_claims`, i.e. all of d's claims
   * ([PATCH 5/5] "xen/mm: Introduce Claim Sets for multiple NUMA nodes", 7 Apr 2026). v7 keeps
   * Xen's gate (claim sets v7: domain_set_claim_entries() and its page_alloc.c checks).
   */
  hostAllows(d: Domain | undefined, request: number, noRefcount: boolean): boolean {
    if (this.config.nodeClaims === "v4" || this.config.nodeClaims === "claim-sets-v5") {
      const unclaimed = this.config.nodeClaims === "v4" ? availableAfterClaimsV4(this.heap.totalAvail, this.outstanding, "host") : this.unclaimed;
      if (unclaimed >= request) return true;
      return d !== undefined && !noRefcount && request <= unclaimed + d.outstanding_pages;
    }
    if (this.outstanding + request <= this.heap.totalAvail) return true;
    return !(noRefcount || d === undefined || d.outstanding_pages < request);
  }

  /**
   * Per-node check inside `get_free_buddy()` (node variants only): XS-v4
   * `node_allocatable_request()`; claim sets: usable = node_avail - claimed_pages[n] (+ the
   * requester's own claim on n). A failing node is skipped like an empty one.
   */
  nodeAllows(d: Domain | undefined, node: number, request: number, noRefcount: boolean): boolean {
    switch (this.config.nodeClaims) {
      case "none":
        return true;
      case "v4": {
        const free = availableAfterClaimsV4(this.heap.nodeAvail(node), this.nodeClaimed[node] ?? 0, node);
        if (free >= request) return true;
        return d !== undefined && !noRefcount && node === d.claim_node && request <= free + d.outstanding_pages;
      }
      case "claim-sets-v5":
      case "claim-sets-v7": {
        const own = d !== undefined && !noRefcount ? (d.claims[node] ?? 0) : 0;
        return this.nodeUnclaimed(node) + own >= request;
      }
    }
  }

  /** Claim consumption in `alloc_heap_pages()` (X since 75d29d9b5e, 4.22; before, see adjustTotPages). */
  consumeAtAlloc(d: Domain, request: number, node: number): void {
    if (this.rules.claimConsumption !== "alloc_heap_pages" || d.outstanding_pages === 0) return;
    switch (this.config.nodeClaims) {
      case "none":
        this.take(d, Math.min(d.outstanding_pages, request));
        return;
      case "v4":
        this.consumeV4(d, request, node);
        return;
      case "claim-sets-v5":
      case "claim-sets-v7":
        this.redeemClaimSet(d, request, node);
        return;
    }
  }

  /**
   * `domain_adjust_tot_pages()`. Up to 4.21 it also moves the claim: consumed on growth by
   * min(claim, pages); up to 4.20 also refilled by the pages freed while a claim is active
   * (3472783c26 stopped that in 4.21: `pages <= 0` leaves the claim alone).
   */
  adjustTotPages(d: Domain, delta: number): void {
    d.tot_pages += delta;
    if (this.rules.claimConsumption !== "domain_adjust_tot_pages" || d.outstanding_pages === 0) return;
    if (delta <= 0 && !this.rules.freeRefillsClaim) return;
    const after = Math.max(0, d.outstanding_pages - delta);
    this.outstanding += after - d.outstanding_pages;
    d.outstanding_pages = after;
  }

  /** Lower d's claim and outstanding_claims by n (internal; also bulk-claims.ts). */
  take(d: Domain, n: number): void {
    d.outstanding_pages -= n;
    this.outstanding -= n;
  }

  /** XS-v4 `consume_outstanding_claims(d, req, alloc_node)`. */
  private consumeV4(d: Domain, request: number, node: number): void {
    let amount = Math.min(request, d.outstanding_pages);
    if (d.claim_node !== NUMA_NO_NODE && node !== d.claim_node) {
      // A node-claimed domain allocating elsewhere keeps its claim, unless tot + req + claim
      // would exceed max_pages: then only the excess is released.
      const excess = d.tot_pages + request + d.outstanding_pages - d.max_pages;
      if (excess <= 0) return;
      amount = Math.min(amount, excess);
    }
    this.take(d, amount);
    if (d.claim_node !== NUMA_NO_NODE) {
      this.nodeClaimed[d.claim_node] = (this.nodeClaimed[d.claim_node] ?? 0) - amount;
      if (d.outstanding_pages === 0) d.claim_node = NUMA_NO_NODE;
    }
  }

  /**
   * Claim-set redemption (ML-v7 patch 2/3): redeem min(claim, request), first from the claim on
   * the allocation's node, then from the host-wide part, then recall other nodes' claims in
   * ascending node order.
   */
  private redeemClaimSet(d: Domain, request: number, node: number): void {
    let redeem = Math.min(d.outstanding_pages, request);
    this.take(d, redeem);
    const fromNode = (n: number, max: number): number => {
      const c = Math.min(d.claims[n] ?? 0, max);
      d.claims[n] = (d.claims[n] ?? 0) - c;
      d.node_claims -= c;
      this.nodeClaimed[n] = (this.nodeClaimed[n] ?? 0) - c;
      return c;
    };
    redeem -= fromNode(node, redeem);
    // Host-wide part: outstanding (before this redemption) minus node claims.
    const hostPart = d.outstanding_pages + redeem - d.node_claims;
    redeem -= Math.min(Math.max(0, hostPart), redeem);
    for (let n = 0; redeem > 0 && n < d.claims.length; n++) redeem -= fromNode(n, redeem);
  }

  /** Drop every claim of d (`domain_set_outstanding_pages(d, 0)`; domain_kill does this first). */
  release(d: Domain): void {
    // XS-v4: a node claim is the domain's whole claim, on claim_node.
    if (d.claim_node !== NUMA_NO_NODE) {
      this.nodeClaimed[d.claim_node] = (this.nodeClaimed[d.claim_node] ?? 0) - d.outstanding_pages;
      d.claim_node = NUMA_NO_NODE;
    }
    this.outstanding -= d.outstanding_pages;
    d.outstanding_pages = 0;
    d.claims.forEach((c, n) => { this.nodeClaimed[n] = (this.nodeClaimed[n] ?? 0) - c; d.claims[n] = 0; });
    d.node_claims = 0;
  }

  /**
   * `domain_set_outstanding_pages(d, pages)` for XENMEM_claim_pages: an absolute target; 0 releases.
   * Claim sets route this through their LEGACY entry with the same checks and errors.
   */
  setOutstandingPages(d: Domain, pages: number): number {
    if (pages === 0) { this.release(d); return 0; }
    // Claims cannot be updated in place: release first.
    if (d.outstanding_pages !== 0) return -EINVAL;
    if (pages <= d.tot_pages || pages > d.max_pages) return -EINVAL;
    const claim = pages - d.tot_pages;
    // XS-v4 routes XENMEM_claim_pages here with NUMA_NO_NODE: available_after_claims() again.
    const unclaimed = this.config.nodeClaims === "v4" ? availableAfterClaimsV4(this.heap.totalAvail, this.outstanding, "host") : this.unclaimed;
    if (claim > unclaimed) return -ENOMEM;
    d.outstanding_pages = claim;
    this.outstanding += claim;
    return 0;
  }

  /** XS-v4 `domain_set_outstanding_pages(d, pages, node)` behind XEN_DOMCTL_claim_memory. */
  claimMemoryV4(d: Domain, pages: number, node: number): number {
    if (pages === 0 && node !== NUMA_NO_NODE) return -EINVAL;
    if (node !== NUMA_NO_NODE && !this.nodeOnline(node)) return -ENOENT;
    if (pages === 0) { this.release(d); return 0; }
    if (d.outstanding_pages !== 0) return -EINVAL;
    if (pages <= d.tot_pages || pages > d.max_pages) return -EINVAL;
    const claim = pages - d.tot_pages;
    // Only one of the two is checked: a node claim is not checked against host-wide unclaimed memory.
    const available = node === NUMA_NO_NODE
      ? availableAfterClaimsV4(this.heap.totalAvail, this.outstanding, "host")
      : availableAfterClaimsV4(this.heap.nodeAvail(node), this.nodeClaimed[node] ?? 0, node);
    if (claim > available) return -ENOMEM;
    d.outstanding_pages = claim;
    this.outstanding += claim;
    if (node !== NUMA_NO_NODE) {
      this.nodeClaimed[node] = (this.nodeClaimed[node] ?? 0) + claim;
      d.claim_node = node;
    }
    return 0;
  }

  /** Claim sets `domain_set_claim_entries()`: validate every entry, then replace all claims of d. */
  setClaimEntries(d: Domain, entries: readonly ClaimEntry[]): number {
    if (entries.length === 0) return -EINVAL;
    if (entries.length > MAX_NUMNODES + 1) return -E2BIG;
    let host: number | undefined;
    const nodes = new Map<number, number>();
    for (const e of entries) {
      if (e.node === "host") {
        if (host !== undefined) return -EINVAL;
        host = e.pages;
        continue;
      }
      if (!this.nodeOnline(e.node)) return -ENOENT;
      if (nodes.has(e.node)) return -EINVAL;
      if (e.pages > this.nodeUnclaimed(e.node) + (d.claims[e.node] ?? 0)) return -ENOMEM;
      nodes.set(e.node, e.pages);
    }
    const nodeSum = [...nodes.values()].reduce((s, p) => s + p, 0);
    const total = (host ?? 0) + nodeSum;
    if (total === 0) { this.release(d); return 0; }
    if (d.tot_pages + total > d.max_pages) return -EINVAL;
    if (total > this.unclaimed + d.outstanding_pages) return -ENOMEM;
    // Replacement semantics: release the old set, install the new one.
    this.release(d);
    for (const [n, p] of nodes) {
      d.claims[n] = p;
      this.nodeClaimed[n] = (this.nodeClaimed[n] ?? 0) + p;
    }
    d.node_claims = nodeSum;
    d.outstanding_pages = total;
    this.outstanding += total;
    return 0;
  }

  /**
   * Claim sets: after a free page was offlined, recall node claims on that node (domains in list
   * order) until claimed_pages[node] ≤ node_avail, then host-wide claims until
   * outstanding_claims ≤ total_avail. X and XS-v4 do nothing (§1.8, §7.2.11).
   */
  recallAfterOffline(node: number, domains: readonly Domain[]): void {
    // v7 only: the v5 series changes no offlining code (its page_alloc.c hunks are the claim
    // install, retire, claims_permit_request, get_free_buddy and alloc_heap_pages).
    if (this.config.nodeClaims !== "claim-sets-v7") return;
    for (const d of domains) {
      const excess = (this.nodeClaimed[node] ?? 0) - this.heap.nodeAvail(node);
      if (excess <= 0) break;
      const c = Math.min(d.claims[node] ?? 0, excess);
      d.claims[node] = (d.claims[node] ?? 0) - c;
      d.node_claims -= c;
      this.nodeClaimed[node] = (this.nodeClaimed[node] ?? 0) - c;
      this.take(d, c);
    }
    for (const d of domains) {
      const excess = this.outstanding - this.heap.totalAvail;
      if (excess <= 0) break;
      this.take(d, Math.min(d.outstanding_pages - d.node_claims, excess));
    }
  }

  /** Claim sets GET: entry 0 = host-wide remainder, then each node with a non-zero claim. */
  claimEntries(d: Domain): ClaimEntry[] {
    const out: ClaimEntry[] = [{ node: "host", pages: d.outstanding_pages - d.node_claims }];
    d.claims.forEach((p, n) => { if (p > 0) out.push({ node: n, pages: p }); });
    return out;
  }

  private nodeOnline(node: number): boolean {
    return node < MAX_NUMNODES && this.heap.online.includes(node);
  }
}
