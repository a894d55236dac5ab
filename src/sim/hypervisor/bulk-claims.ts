/**
 * The claims side of the bulk path (bulk-alloc.ts): over how many consecutive identical
 * allocations the claim gates of Claims (claims.ts) give the same answer with the same
 * consumption, and that consumption applied at once. Only the bulk path uses these, so they live
 * beside it; the per-call rules they summarise are Claims.hostAllows / nodeAllows /
 * consumeAtAlloc.
 */
import type { Domain } from "./domain.js";
import type { Claims } from "./claims.js";
import { NUMA_NO_NODE } from "./heap.js";
import { isClaimSets } from "./types.js";

/** See bulkBudget / landCalls. */
export interface BulkBudget {
  hostCalls: number;
  land: "any" | "unclaimed" | "claim-node" | "node-claim";
}

/**
 * For the bulk path (bulk-alloc.ts): over how many consecutive identical allocations of
 * `request` pages the checks above stay true with the same consumption each time.
 * `hostCalls`: calls the host gate lets through; `land` says how many may land on a node (see
 * landCalls). Without a claim to consume, unclaimed memory shrinks by `request` per call
 * (host-wide, and on the node used). While a claim covers the request, each call consumes
 * exactly `request` from it, so host-wide and the claim node's unclaimed memory stay constant.
 * undefined: a call could take a branch this does not model (the allocator then goes one call
 * at a time). The answer is written into `out` (the bulk path passes one record it reuses: this
 * runs once per populate call) and returned.
 */
export function bulkBudget(cl: Claims, d: Domain | undefined, request: number, noRefcount: boolean, out: BulkBudget = { hostCalls: 0, land: "any" }): BulkBudget | undefined {
  // XS-v4 panics in available_after_claims() once claims exceed free memory (host or a node the
  // scan visits): which call hits it is for the one-call path to find.
  if (cl.config.nodeClaims === "v4") {
    if (cl.outstanding > cl.heap.totalAvail) return undefined;
    for (const n of cl.heap.online) if ((cl.nodeClaimed[n] ?? 0) > cl.heap.nodeAvail(n)) return undefined;
  }
  if (d === undefined || noRefcount || d.outstanding_pages === 0) {
    if (d !== undefined && !noRefcount && (d.claim_node !== NUMA_NO_NODE || d.node_claims > 0)) return undefined;
    return budget(out, callsWithin(cl.unclaimed, 0, request, Infinity), cl.config.nodeClaims === "none" ? "any" : "unclaimed");
  }
  const calls = Math.floor(d.outstanding_pages / request);
  switch (cl.config.nodeClaims) {
    case "none":
      return budget(out, calls, "any");
    case "v4":
      return budget(out, callsWithin(cl.unclaimed, d.outstanding_pages, request, calls), d.claim_node === NUMA_NO_NODE ? "unclaimed" : "claim-node");
    case "claim-sets-v5":
    case "claim-sets-v7":
      // Claim sets redeem from the allocation's node first: modelled while that claim covers it.
      return budget(out, calls, d.node_claims === 0 ? "unclaimed" : "node-claim");
  }
}

function budget(out: BulkBudget, hostCalls: number, land: BulkBudget["land"]): BulkBudget {
  out.hostCalls = hostCalls;
  out.land = land;
  return out;
}

/** How many of the calls budgeted by bulkBudget may land on `node` (0: not modelled there). */
export function landCalls(cl: Claims, b: BulkBudget, d: Domain | undefined, request: number, node: number): number {
  const free = cl.nodeUnclaimed(node);
  switch (b.land) {
    case "any":
      return Infinity;
    case "unclaimed":
      return callsWithin(free, 0, request, Infinity);
    case "claim-node":
      return d === undefined || node !== d.claim_node ? 0 : callsWithin(free, d.outstanding_pages, request, Math.floor(d.outstanding_pages / request));
    case "node-claim": {
      const own = d?.claims[node] ?? 0;
      return callsWithin(free + own, 0, request, Math.floor(own / request));
    }
  }
}

/**
 * Calls i = 0, 1, … (at most `max`) for which `request <= free - i·request` (nothing consumed:
 * free memory shrinks) or, with a claim consumed by `request` per call, `free >= request` or
 * `request <= free + claim - i·request` (XS-v4's relaxed checks).
 */
function callsWithin(free: number, claim: number, request: number, max: number): number {
  if (claim === 0) return Math.min(max, Math.max(0, Math.floor(free / request)));
  if (free >= request) return max;
  return Math.min(max, Math.max(0, Math.floor((free + claim - request) / request) + 1));
}

/**
 * The claim consumption of the allocations per node (`counts[i]` calls on `nodes[i]`, i < `len`),
 * as budgeted by bulkBudget (current Xen: at allocation).
 */
export function consumeBulk(cl: Claims, d: Domain | undefined, request: number, noRefcount: boolean, nodes: readonly number[], counts: readonly number[], len = counts.length): void {
  if (d === undefined || noRefcount || d.outstanding_pages === 0 || cl.rules.claimConsumption !== "alloc_heap_pages") return;
  let total = 0;
  for (let i = 0; i < len; i++) total += (counts[i] ?? 0) * request;
  cl.take(d, total);
  if (cl.config.nodeClaims === "v4" && d.claim_node !== NUMA_NO_NODE) {
    cl.nodeClaimed[d.claim_node] = (cl.nodeClaimed[d.claim_node] ?? 0) - total;
    if (d.outstanding_pages === 0) d.claim_node = NUMA_NO_NODE;
  } else if (isClaimSets(cl.config.nodeClaims) && d.node_claims > 0) {
    for (let i = 0; i < len; i++) {
      const n = nodes[i] ?? 0;
      const c = counts[i] ?? 0;
      d.claims[n] = (d.claims[n] ?? 0) - c * request;
      d.node_claims -= c * request;
      cl.nodeClaimed[n] = (cl.nodeClaimed[n] ?? 0) - c * request;
    }
  }
}
