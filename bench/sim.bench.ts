/**
 * Simulator benchmark (issue 5): an 8-node 12 TiB host; 1000 HVM domains populated with 16 GiB
 * each in 2 MiB extents; one node fragmented with 4 KiB allocations and freed again. Reports
 * ops/s, wall time, peak RSS, and shows that memory follows extents, not pages (the same boot on
 * a 12 GiB and a 12 TiB host, and bookkeeping per domain after populating 4 Mi pages).
 */
import { hostSpecFromCompact } from "../src/sim/host.js";
import { checkInvariants, createHost, type Hypervisor } from "../src/sim/hypervisor/index.js";
import { memflags } from "../src/sim/hypervisor/page-alloc.js";

export const name = "sim";

const GiB_PAGES = 262144;
const NODES = 8;
const DOMAINS = 1000;
const DOMAIN_GIB = 16;
const FRAG_PAGES = 1 << 20; // 4 GiB of 4 KiB allocations
const POOL_MIB = 8192;

function host(mibPerNode: number): Hypervisor {
  return createHost(hostSpecFromCompact({ nodes: Array.from({ length: NODES }, () => ({ mem_mib: mibPerNode, cpus: 32 })) }));
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function heapUsed(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

export function run(): Promise<{ lines: string[] }> {
  const lines: string[] = [];
  const t0 = performance.now();
  let peakRss = process.memoryUsage().rss;
  const sample = (): void => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };

  // Memory follows extents, not pages: boot 12 GiB and 12 TiB hosts of the same shape.
  const h0 = heapUsed();
  const small = host(1536);
  const h1 = heapUsed();
  const tb = performance.now();
  const hv = host(1536 * 1024);
  const bootMs = performance.now() - tb;
  const h2 = heapUsed();
  lines.push(`boot 8 × 1.5 TiB (${hv.physinfo().total_pages} pages): ${bootMs.toFixed(1)} ms, ${hv.alloc.heap.buddyCount} free buddies, heap +${mib(h2 - h1)}; same shape with 8 × 1.5 GiB: ${small.alloc.heap.buddyCount} buddies, heap +${mib(h1 - h0)}`);

  // 1000 domains × 16 GiB in 2 MiB extents (createdomain, max_vcpus, max_mem, populate).
  const tc = performance.now();
  let extents = 0;
  for (let i = 0; i < DOMAINS; i++) {
    const c = hv.createdomain({ max_vcpus: 4 });
    const domid = c.domid ?? -1;
    hv.max_vcpus({ domid, max: 4 });
    hv.max_mem({ domid, max_memkb: DOMAIN_GIB * 1024 * 1024 });
    extents += hv.populate_physmap({ domid, nr_extents: (DOMAIN_GIB * GiB_PAGES) / 512, extent_order: 9 }).done;
    if (i % 100 === 0) sample();
  }
  const popMs = performance.now() - tc;
  sample();
  const intervals = hv.domains().reduce((s, d) => s + (hv.domain(d.domid)?.pages.reduce((t, set) => t + set.intervals, 0) ?? 0), 0);
  lines.push(`create+populate ${DOMAINS} domains × ${DOMAIN_GIB} GiB: ${extents} of ${(DOMAINS * DOMAIN_GIB * GiB_PAGES) / 512} extents of 2 MiB done (host full) in ${(popMs / 1000).toFixed(2)} s = ${Math.round(extents / (popMs / 1000))} extents/s (${Math.round(DOMAINS / (popMs / 1000))} domains/s)`);
  lines.push(`bookkeeping after ${(extents * 512).toLocaleString("en")} populated pages: ${intervals} owned MFN runs over all domains, ${hv.alloc.heap.buddyCount} free buddies, heap ${mib(heapUsed())}`);

  // 1000 × 16 GiB exceeds 12 TiB: the last domains got short counts. Destroy every other domain
  // (their memory comes back dirty) to make room, then fragment node 7 with 4 KiB allocations,
  // free every other page, then the rest.
  const tk = performance.now();
  const victims = hv.domains().filter((_, i) => i % 2 === 1);
  for (const v of victims) hv.destroydomain({ domid: v.domid });
  lines.push(`destroy ${victims.length} domains: ${(performance.now() - tk).toFixed(0)} ms; free ${hv.physinfo().free_pages} pages, ${hv.alloc.heap.buddyCount} buddies`);
  const d = hv.createdomain({ max_vcpus: 1, hap: false }).domid ?? -1;
  hv.max_mem({ domid: d, max_memkb: FRAG_PAGES * 4 });
  const dom = hv.domain(d);
  if (dom === undefined) throw new Error("bench: no domain");
  const buddiesBefore = hv.alloc.heap.buddyCount;
  const freeBefore = hv.alloc.heap.nodeAvail(7);
  const mfns = new Float64Array(FRAG_PAGES);
  const mf = memflags({ node: 7, exact: true });
  const tf = performance.now();
  for (let i = 0; i < FRAG_PAGES; i++) mfns[i] = hv.alloc.allocDomheapPages(dom, 0, mf)?.mfn ?? -1;
  const allocMs = performance.now() - tf;
  const tr = performance.now();
  for (let i = 0; i < FRAG_PAGES; i += 2) hv.alloc.freeDomainPages(dom, mfns[i] ?? -1, 0, 7);
  const fragmented = hv.alloc.heap.buddyCount;
  sample();
  for (let i = 1; i < FRAG_PAGES; i += 2) hv.alloc.freeDomainPages(dom, mfns[i] ?? -1, 0, 7);
  const freeMs = performance.now() - tr;
  lines.push(`fragment node 7: ${FRAG_PAGES} × 4 KiB allocs in ${allocMs.toFixed(0)} ms (${Math.round(FRAG_PAGES / (allocMs / 1000))}/s), free odd then even in ${freeMs.toFixed(0)} ms (${Math.round(FRAG_PAGES / (freeMs / 1000))}/s); buddies ${buddiesBefore} → ${fragmented} → ${hv.alloc.heap.buddyCount}, node 7 free restored: ${hv.alloc.heap.nodeAvail(7) === freeBefore}`);

  const ti = performance.now();
  const bad = checkInvariants(hv);
  lines.push(`invariants after the run: ${bad.length === 0 ? "all hold" : bad.slice(0, 3).join("; ")} (checked in ${(performance.now() - ti).toFixed(0)} ms)`);

  const td = performance.now();
  const rest = hv.domains();
  for (const info of rest) hv.destroydomain({ domid: info.domid });
  lines.push(`destroy the other ${rest.length} domains: ${(performance.now() - td).toFixed(0)} ms; free pages back to ${hv.physinfo().free_pages} of ${hv.physinfo().total_pages}, ${hv.alloc.heap.buddyCount} buddies`);
  // The paging pool of a 1 TiB guest (xenopsd's shadow_mib ≈ 8 GiB = 2 M pages): Xen allocates it
  // one page per call, round-robin over the domain's node affinity; the simulator in bulk.
  const pd = hv.createdomain({ max_vcpus: 32 }).domid ?? -1;
  const tg = performance.now();
  const grow = hv.shadow_set_allocation({ domid: pd, mb: POOL_MIB }).rc;
  const growMs = performance.now() - tg;
  const poolNodes = Object.keys(hv.getdomaininfo(pd)?.xen_pages_by_node ?? {}).length;
  const ts = performance.now();
  hv.shadow_set_allocation({ domid: pd, mb: 1 });
  const shrinkMs = performance.now() - ts;
  lines.push(`paging pool ${POOL_MIB / 1024} GiB (${POOL_MIB * 256} pages, ${poolNodes} nodes): grow rc ${grow} in ${growMs.toFixed(1)} ms, shrink to 1 MiB in ${shrinkMs.toFixed(1)} ms; ${hv.alloc.heap.buddyCount} free buddies`);
  hv.destroydomain({ domid: pd });
  sample();
  lines.push(`wall ${((performance.now() - t0) / 1000).toFixed(2)} s, peak RSS ${mib(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))}`);
  return Promise.resolve({ lines });
}
