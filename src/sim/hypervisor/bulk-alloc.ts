/**
 * Bulk allocation: the exact result of n sequential `alloc_domheap_pages(d, order, memflags)`
 * calls (xen/common/page_alloc.c), computed in time proportional to the free buddies consumed.
 *
 * Xen allocates one extent per call: populate_physmap() loops over the extents,
 * hap_set_allocation() calls alloc_domheap_page() once per paging-pool page. Simulating that
 * literally costs ~2 M iterations for a 1 TiB guest's pool. This module is an implementation
 * device, not a Xen function: it finds stretches of calls whose outcome is fixed in advance and
 * applies them at once, and leaves every other call to the one-call path (allocDomheapPages), so
 * the result is identical by construction:
 *
 *  - Heap: on a node, the calls take the first buddy get_free_buddy() finds and split it from the
 *    top (bulk-heap.ts: nextRun / consumeRun): k calls of order o take the top k·2^o pages of that region.
 *  - Node choice: get_free_buddy() skips nodes with nothing to offer (no side effects), so with a
 *    fixed start node (MEMF_node, or d == NULL) every call lands on the same node, and with
 *    round-robin (start after d->last_alloc_node) the calls cycle through the nodes that have
 *    memory, in nodemask order: call i lands on cycle[i mod m].
 *  - Claims and assign_pages(): bulkBudget() (bulk-claims.ts) bounds the calls for which the host gate, the
 *    node-claim checks and the consumption are the same arithmetic every time; assign_pages() lets
 *    floor((max_pages - tot_pages) / 2^order) calls through.
 * A stretch ends before the first call that could differ (a node's region used up, a claim or
 * max_pages running out, a node the model does not cover); that call goes the one-call way.
 * test/sim/bulk.test.ts checks the identity against sequential calls on random heaps.
 */
import { pow2 } from "./bits.js";
import type { Domain } from "./domain.js";
import { MAX_ORDER, NUMA_NO_NODE } from "./heap.js";
import { anyAvail, consumeRun, emptyRun, nextRun, type HeapRun } from "./bulk-heap.js";
import { bulkBudget, consumeBulk, landCalls, type BulkBudget } from "./bulk-claims.js";
import { effectiveFlags, type PageAllocator } from "./page-alloc.js";
import type { Memflags } from "./types.js";

/**
 * Receives memory handed out: the 2^order blocks of [lo, hi) on `node`, from hi downwards.
 * `group`: true for the first run of a group of calls spread round-robin over the runs that
 * follow until the next group (call j of a group lands in its (j mod runs)-th run); a one-call
 * allocation is a group of one run.
 */
export type RunSink = (node: number, lo: number, hi: number, group: boolean) => void;

type NodeState = HeapRun | "fail" | "unknown";

/**
 * `n` sequential alloc_domheap_pages(d, order, flags) calls, stopping at the first failure, in
 * time proportional to the free buddies they consume. Returns the number done; `sink(node, lo,
 * hi)` receives the memory taken: the 2^order blocks of [lo, hi), handed out from hi downwards.
 */
export function allocDomheapPagesBulk(
  pa: PageAllocator, d: Domain | undefined, order: number, flags: Memflags, n: number, cpu = 0, sink?: RunSink,
): number {
  // alloc_domheap_pages(): MEMF_no_owner implies MEMF_no_refcount.
  const mf = effectiveFlags(flags);
  let done = 0;
  while (done < n) {
    // A single call gains nothing from the batch machinery.
    const t = n - done > 1 ? stretch(pa, d, order, mf, n - done, cpu, sink) : 0;
    if (t > 0) { done += t; continue; }
    const b = pa.allocDomheapPages(d, order, mf, cpu);
    if (b === undefined) break;
    sink?.(b.node, b.mfn, b.mfn + pow2(order), true);
    done++;
  }
  return done;
}

/** assign_pages(): dying → none; tot_pages + i·2^order must stay within max_pages. */
function assignCalls(d: Domain | undefined, mf: Memflags, request: number): number {
  if (d === undefined || mf.noOwner) return Infinity;
  if (d.is_dying) return 0;
  if (mf.noRefcount) return Infinity;
  if (d.tot_pages > d.max_pages) return 0;
  return Math.floor((d.max_pages - d.tot_pages) / request);
}

/** The nodes one get_free_buddy() scan visits, in order (a revisited node adds nothing). */
function scanOrder(online: readonly number[], mask: readonly number[], start: number, mf: Memflags): number[] {
  const seq = [start];
  if (mf.exact && mf.node !== NUMA_NO_NODE) return seq;
  const i = mask.indexOf(start);
  if (i < 0) seq.push(...mask);
  else for (let k = 1; k < mask.length; k++) seq.push(mask[(i + k) % mask.length] ?? start);
  if (!mf.exact) for (const x of online) if (!mask.includes(x)) seq.push(x);
  return seq;
}

/**
 * The calls being batched. This runs once per populate call (a 1000-VM start makes ~250 000),
 * so one record and its arrays are reused from stretch to stretch instead of allocated each
 * time: stretch() is not re-entrant (a sink only records) and fills them before use, and arrays
 * are filled by index with a separate count (`length = 0` is a runtime call in V8).
 */
interface Stretch {
  d: Domain | undefined;
  order: number;
  range: readonly [number, number];
  takeDirty: boolean;
  /** Pages the calls can take at most (nextRun's `need`). */
  need: number;
  /** Per node id: what the next call landing there takes (filled on first use; valid when stamp[node] = gen). */
  states: (NodeState | undefined)[];
  stamp: number[];
  gen: number;
}

const st: Stretch = { d: undefined, order: 0, range: [0, 0], takeDirty: false, need: 0, states: [], stamp: [], gen: 0 };
/** stretch()'s landing cycle (cycleLen nodes), its runs, and the calls per node (reused, see Stretch). */
const cycleBuf: number[] = [];
let cycleLen = 0;
const runsBuf: HeapRun[] = [];
const budgetBuf: BulkBudget = { hostCalls: 0, land: "any" };
/** Per node id: the HeapRun record nextRun refills for that node (a node is looked at once per stretch). */
const runOf: (HeapRun | undefined)[] = [];
const nodesBuf: number[] = [];
const countsBuf: number[] = [];

function nodeState(pa: PageAllocator, mf: Memflags, node: number): NodeState {
  if (st.stamp[node] === st.gen) return st.states[node] ?? "fail";
  const ok = pa.claims.nodeAllows(st.d, node, pow2(st.order), mf.noRefcount);
  let out = runOf[node];
  if (out === undefined) { out = emptyRun(); runOf[node] = out; }
  const s = ok ? nextRun(pa.heap, node, st.range[0], st.range[1], st.order, st.takeDirty, st.need, out) : "fail";
  st.states[node] = s;
  st.stamp[node] = st.gen;
  return s;
}

/** Append a node to the landing cycle; returns its new length. */
function land(node: number): number {
  cycleBuf[cycleLen++] = node;
  return cycleLen;
}

/**
 * Nodes the calls land on, in call order, repeating (round-robin), or the single node all land on,
 * into cycleBuf[0 .. cycleLen). The cycle stops at `calls` nodes: with no more calls than nodes,
 * call i lands on the i-th node either way (and nodes never reached are not looked at).
 */
function landingCycle(pa: PageAllocator, d: Domain | undefined, mf: Memflags, cpu: number, calls: number): void {
  const mask = pa.nodemask(d);
  const start = pa.startNode(mask, mf, d, cpu);
  const online = pa.heap.online;
  cycleLen = 0;
  if (mf.node === NUMA_NO_NODE && d !== undefined && mask.includes(start)) {
    // Round-robin: each call starts after the node the previous one used. A node serves every
    // m-th call, m up to the mask's size: its region need not reach further than that (a shorter
    // one only ends the stretch sooner; without the bound each node's region was walked for all
    // the calls, eight times the buddies a guest spread over eight nodes takes).
    const full = st.need;
    st.need = Math.ceil(calls / Math.min(mask.length, calls)) * pow2(st.order);
    const i0 = mask.indexOf(start);
    for (let k = 0; k < mask.length; k++) {
      const x = mask[(i0 + k) % mask.length] ?? start;
      if (nodeState(pa, mf, x) !== "fail" && land(x) >= calls) break;
    }
    if (cycleLen > 0 || mf.exact) return;
    // Nothing in the nodemask: every call falls back to the same first other node.
    st.need = full;
    for (const x of online) if (!mask.includes(x) && nodeState(pa, mf, x) !== "fail") { land(x); return; }
    return;
  }
  // A fixed start node (MEMF_node, or d == NULL): every call lands on the first node of one scan
  // that has something to offer; the start node alone when it has (the scan order is built only
  // when it has not).
  if (nodeState(pa, mf, start) !== "fail") { land(start); return; }
  for (const x of scanOrder(online, mask, start, mf)) if (nodeState(pa, mf, x) !== "fail") { land(x); return; }
}

/**
 * Apply up to `max` calls at once; 0 when the next call is not covered (the caller then makes it
 * the one-call way).
 */
function stretch(pa: PageAllocator, d: Domain | undefined, order: number, mf: Memflags, max: number, cpu: number, sink?: RunSink): number {
  if (order > MAX_ORDER) return 0;
  const heap = pa.heap;
  const request = pow2(order);
  // alloc_domheap_pages(): the attempt above the DMA zone fails without side effects when no
  // zone there has 2^order free pages; then the calls are decided by the attempt over all zones.
  const zones = pa.domheapZones(mf);
  const range = zones.dma !== undefined && anyAvail(heap, zones.dma[0], zones.dma[1], request) ? zones.dma : zones.all;
  const budget = bulkBudget(pa.claims, d, request, mf.noRefcount, budgetBuf);
  if (range === undefined || budget === undefined) return 0;
  let calls = Math.min(max, assignCalls(d, mf, request), budget.hostCalls);
  if (calls <= 0) return 0;

  st.d = d;
  st.order = order;
  st.range = range;
  st.takeDirty = order === 0 || mf.noScrub;
  st.need = calls * request;
  st.gen++;
  landingCycle(pa, d, mf, cpu, calls);
  const m = cycleLen;
  if (m === 0) return 0;
  let nruns = 0;
  for (let i = 0; i < m; i++) {
    const node = cycleBuf[i] ?? 0;
    const s = nodeState(pa, mf, node);
    if (typeof s === "string") { calls = Math.min(calls, i); break; }
    runsBuf[nruns++] = s;
    // Node i serves calls i, i+m, …: its cap-th next call (index i + cap·m) is the first it cannot.
    const cap = Math.min((s.top - s.base) / request, landCalls(pa.claims, budget, d, request, node));
    calls = Math.min(calls, i + cap * m);
  }
  if (calls <= 0) return 0;

  // Calls per node, in landing order (each node at most once in the cycle).
  let n = 0;
  for (let i = 0; i < nruns && i < calls; i++) {
    const s = runsBuf[i];
    if (s === undefined) break;
    const k = Math.ceil((calls - i) / m);
    const lo = consumeRun(heap, s, order, k);
    nodesBuf[n] = s.node;
    countsBuf[n++] = k;
    if (d !== undefined) (mf.noOwner ? d.pool : d.pages)[s.node]?.add(lo, s.top - lo);
    sink?.(s.node, lo, s.top, i === 0);
  }
  consumeBulk(pa.claims, d, request, mf.noRefcount, nodesBuf, countsBuf, n);
  if (d !== undefined) {
    if (!mf.noOwner && !mf.noRefcount) pa.claims.adjustTotPages(d, calls * request);
    d.last_alloc_node = cycleBuf[(calls - 1) % m] ?? d.last_alloc_node;
  }
  return calls;
}
