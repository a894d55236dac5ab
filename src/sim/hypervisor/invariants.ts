/**
 * The accounting invariants of xen/common/page_alloc.c (total_avail_pages, node_avail_pages,
 * outstanding_claims, d->tot_pages against the pages owned) as a checker: returns one message per violation
 * (empty = all hold). Cost is proportional to the number of extents (free buddies and owned
 * runs), so tests and other layers can call it after every step.
 */
import type { Hypervisor } from "./hypervisor.js";
import { INVALID_DIRTY_IDX, MAX_ORDER, mfnZone, type FreeList } from "./heap.js";
import { pow2 } from "./bits.js";

export interface InvariantOptions {
  /** Also require per-node claims ≤ node free (claim sets guarantee it; XS-v4 does not). */
  nodeClaimsBounded?: boolean;
  /** Require outstanding_claims ≤ total_avail_pages (default true; XS-v4 can break it, see §2.3). */
  hostClaimsBounded?: boolean;
}

export function checkInvariants(hv: Hypervisor, opts: InvariantOptions = {}): string[] {
  const bad: string[] = [];
  const heap = hv.alloc.heap;
  const claims = hv.alloc.claims;
  const nrNodes = hv.host.nodes.length;
  const freeByNode = new Array<number>(nrNodes).fill(0);
  // Every page-holding extent: [start, end, what]. Must be pairwise disjoint.
  const extents: [number, number, string][] = [];

  for (const b of heap.buddies()) {
    const size = pow2(b.order);
    if (b.order > MAX_ORDER || b.mfn % size !== 0) bad.push(`free buddy ${b.mfn}/${b.order} not naturally aligned`);
    if (b.zone !== mfnZone(b.mfn)) bad.push(`free buddy ${b.mfn} in zone ${b.zone}, expected ${mfnZone(b.mfn)}`);
    const node = hv.host.nodes[b.node];
    if (!node?.ranges.some((r) => r.baseMfn <= b.mfn && b.mfn + size <= r.baseMfn + r.pages)) bad.push(`free buddy ${b.mfn}/${b.order} not inside one RAM range of node ${b.node}`);
    freeByNode[b.node] = (freeByNode[b.node] ?? 0) + size;
    extents.push([b.mfn, b.mfn + size, `free(node ${b.node})`]);
  }

  let sumNodes = 0;
  heap.nodes.forEach((nh, n) => {
    if (nh === undefined) return;
    for (const l of nh.lists) if (l !== undefined) runBound(l, n, bad);
    sumNodes += nh.availPages;
    const zones = nh.avail.reduce((s, v) => s + v, 0);
    if (zones !== nh.availPages) bad.push(`node ${n}: Σ avail[zone] ${zones} != node_avail_pages ${nh.availPages}`);
    if ((freeByNode[n] ?? 0) !== nh.availPages) bad.push(`node ${n}: free buddies hold ${freeByNode[n] ?? 0} pages, node_avail_pages ${nh.availPages}`);
  });
  if (sumNodes !== heap.totalAvail) bad.push(`total_avail_pages ${heap.totalAvail} != Σ node_avail_pages ${sumNodes}`);

  const usedByNode = new Array<number>(nrNodes).fill(0);
  let sumOutstanding = 0;
  const nodeClaimSum = new Array<number>(nrNodes).fill(0);
  for (const info of hv.domains()) {
    const d = hv.domain(info.domid);
    if (d === undefined) continue;
    let owned = 0;
    d.pages.forEach((set, n) => {
      owned += set.total;
      usedByNode[n] = (usedByNode[n] ?? 0) + set.total;
      for (const [s, e] of set.runs()) extents.push([s, e, `dom${d.domid}(node ${n})`]);
    });
    let pool = 0;
    for (const sets of [d.pool, d.poolUsed]) {
      sets.forEach((set, n) => {
        pool += set.total;
        usedByNode[n] = (usedByNode[n] ?? 0) + set.total;
        for (const [s, e] of set.runs()) extents.push([s, e, `dom${d.domid} pool(node ${n})`]);
      });
    }
    if (pool !== d.paging.total + d.paging.p2m) bad.push(`dom${d.domid}: pool holds ${pool} pages, total_pages + p2m_pages = ${d.paging.total + d.paging.p2m}`);
    const free = d.pool.reduce((s, set) => s + set.total, 0);
    if (free !== d.paging.free) bad.push(`dom${d.domid}: pool free list holds ${free} pages, free_pages = ${d.paging.free}`);
    const fifo = d.poolFifo.reduce((s, g) => s + g.size - g.taken, 0);
    if (fifo !== free) bad.push(`dom${d.domid}: pool free-list order holds ${fifo} pages, the free list ${free}`);
    for (const p of d.xenPages) {
      usedByNode[p.node] = (usedByNode[p.node] ?? 0) + 1;
      extents.push([p.mfn, p.mfn + 1, `dom${d.domid} xenheap(node ${p.node})`]);
    }
    if (owned !== d.tot_pages) bad.push(`dom${d.domid}: tot_pages ${d.tot_pages} != owned pages ${owned}`);
    if (d.outstanding_pages < 0) bad.push(`dom${d.domid}: negative claim ${d.outstanding_pages}`);
    sumOutstanding += d.outstanding_pages;
    d.claims.forEach((c, n) => {
      if (c < 0) bad.push(`dom${d.domid}: negative claim ${c} on node ${n}`);
      nodeClaimSum[n] = (nodeClaimSum[n] ?? 0) + c;
    });
    if (d.claim_node < nrNodes) nodeClaimSum[d.claim_node] = (nodeClaimSum[d.claim_node] ?? 0) + d.outstanding_pages;
    if (d.node_claims > d.outstanding_pages) bad.push(`dom${d.domid}: node claims ${d.node_claims} > outstanding ${d.outstanding_pages}`);
    if (!info.node_affinity.some((n) => heap.online.includes(n))) bad.push(`dom${d.domid}: node_affinity ∩ online is empty`);
  }

  heap.nodes.forEach((nh, n) => {
    if (nh === undefined) return;
    const off = heap.offlinedOn(n);
    const acc = nh.availPages + (usedByNode[n] ?? 0) + nh.reserved + off;
    if (acc !== nh.present) bad.push(`node ${n}: free ${nh.availPages} + owned ${usedByNode[n] ?? 0} + reserved ${nh.reserved} + offlined ${off} != present ${nh.present}`);
    const claimed = claims.nodeClaimed[n] ?? 0;
    if (claimed !== (nodeClaimSum[n] ?? 0)) bad.push(`node ${n}: claimed ${claimed} != Σ domain node claims ${nodeClaimSum[n] ?? 0}`);
    if (claimed < 0) bad.push(`node ${n}: negative node claims ${claimed}`);
    if (opts.nodeClaimsBounded === true && claimed > nh.availPages) bad.push(`node ${n}: claims ${claimed} > free ${nh.availPages}`);
  });
  if (claims.outstanding !== sumOutstanding) bad.push(`outstanding_claims ${claims.outstanding} != Σ d->outstanding_pages ${sumOutstanding}`);
  if (opts.hostClaimsBounded !== false && claims.outstanding > heap.totalAvail) bad.push(`outstanding_claims ${claims.outstanding} > total_avail_pages ${heap.totalAvail}`);
  if (claims.outstanding < 0) bad.push(`negative outstanding_claims ${claims.outstanding}`);

  for (const [mfn, node] of heap.offlined) extents.push([mfn, mfn + 1, `offlined(node ${node})`]);
  extents.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < extents.length; i++) {
    const p = extents[i - 1];
    const c = extents[i];
    if (p !== undefined && c !== undefined && p[1] > c[0]) bad.push(`MFN ${c[0]} held twice: ${p[2]} and ${c[2]}`);
  }
  return bad;
}

/** A free list's known run (FreeList.run, the bulk path's index) may not claim more than the list holds. */
function runBound(l: FreeList, node: number, bad: string[]): void {
  let n = 0;
  for (let b = l.head, prev: typeof b = undefined; b !== undefined && b.firstDirty === INVALID_DIRTY_IDX; prev = b, b = b.next) {
    if (prev !== undefined && b.mfn !== prev.mfn - pow2(b.order)) break;
    n++;
  }
  const clean = l.head !== undefined && l.head.firstDirty === INVALID_DIRTY_IDX;
  if (l.run > n || (clean && l.run < 1)) bad.push(`node ${node}: free list from MFN ${l.head?.mfn ?? "-"} says a run of ${l.run}, holds ${n}`);
}
