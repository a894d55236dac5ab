/**
 * A small counting model of the hypervisor (per-node free page counts, no buddies, no zones) with
 * the rules the toolstack layer's outcomes depend on: get_free_buddy's node order, exact node, the
 * host-wide claim gate, XS-v4 node claims, max_pages. Used until/unless the real simulated
 * hypervisor (src/sim/hypervisor) is available; the same tests also run against that.
 */
import {
  E2BIG, EINVAL, ENOMEM, ENOSYS, type DomainInfo, type HypervisorPort, type MemoryClaim, type NumaInfo, type PhysInfo,
} from "../../src/sim/libxc/hypercalls.js";
import { decodeMemFlags } from "../../src/sim/libxc/memflags.js";

interface Dom {
  domid: number;
  maxVcpus: number;
  vcpus: number;
  tot: number;
  max: number;
  outstanding: number;
  claimNode: number | undefined;
  nodeAffinity: number[];
  autoAffinity: boolean;
  soft: (number[] | undefined)[];
  lastAllocNode: number;
  pages: number[];
}

export class FakeXen implements HypervisorPort {
  readonly free: number[];
  private readonly doms = new Map<number, Dom>();
  private outstanding = 0;
  private readonly nodeClaims: number[];
  private nextDomid = 1;
  private readonly cpuNode: number[];

  constructor(nodePages: number[], private readonly cpusPerNode: number, private readonly distances: number[][], private readonly nodeClaimsOn = true) {
    this.free = [...nodePages];
    this.nodeClaims = nodePages.map(() => 0);
    this.cpuNode = nodePages.flatMap((_, n) => Array.from({ length: cpusPerNode }, () => n));
  }

  private get nodes(): number[] { return this.free.map((_, i) => i); }
  private totalFree(): number { return this.free.reduce((a, b) => a + b, 0); }

  createdomain(req: { max_vcpus: number }): { rc: number; domid: number } {
    const domid = this.nextDomid++;
    this.doms.set(domid, {
      domid, maxVcpus: req.max_vcpus, vcpus: 0, tot: 0, max: 0, outstanding: 0, claimNode: undefined,
      nodeAffinity: this.nodes, autoAffinity: true, soft: [], lastAllocNode: 0, pages: this.free.map(() => 0),
    });
    return { rc: 0, domid };
  }
  max_vcpus(domid: number, max: number): number {
    const d = this.doms.get(domid);
    if (d === undefined || max !== d.maxVcpus) return -EINVAL;
    d.vcpus = max;
    this.updateAffinity(d);
    return 0;
  }
  shadow_allocation(): number { return 0; }
  max_mem(domid: number, kb: number): number {
    const d = this.doms.get(domid);
    if (d === undefined) return -EINVAL;
    d.max = Math.floor(kb / 4);
    return 0;
  }
  claim_pages(domid: number, nr: number): number {
    const d = this.doms.get(domid);
    if (d === undefined) return -EINVAL;
    if (nr === 0) { this.release(d); return 0; }
    if (d.outstanding !== 0 || nr <= d.tot || nr > d.max) return -EINVAL;
    const claim = nr - d.tot;
    if (claim > this.totalFree() - this.outstanding) return -ENOMEM;
    d.outstanding = claim;
    this.outstanding += claim;
    return 0;
  }
  claim_memory(domid: number, claims: MemoryClaim[]): number {
    if (!this.nodeClaimsOn) return -ENOSYS;
    const d = this.doms.get(domid);
    const c = claims[0];
    if (d === undefined || c === undefined || claims.length !== 1 || c.node === "host") return -EINVAL;
    if (d.outstanding !== 0 || c.pages <= d.tot || c.pages > d.max) return -EINVAL;
    const claim = c.pages - d.tot;
    if (claim > (this.free[c.node] ?? 0) - (this.nodeClaims[c.node] ?? 0)) return -ENOMEM;
    d.outstanding = claim;
    d.claimNode = c.node;
    this.outstanding += claim;
    this.nodeClaims[c.node] = (this.nodeClaims[c.node] ?? 0) + claim;
    return 0;
  }
  private release(d: Dom): void {
    this.outstanding -= d.outstanding;
    if (d.claimNode !== undefined) this.nodeClaims[d.claimNode] = (this.nodeClaims[d.claimNode] ?? 0) - d.outstanding;
    d.outstanding = 0;
    d.claimNode = undefined;
  }
  /** get_free_buddy's node order: requested node, affinity cyclic after last_alloc_node, the rest. */
  private nodeOrder(d: Dom, req: number | undefined, exact: boolean): number[] {
    if (req !== undefined && exact) return [req];
    const aff = d.nodeAffinity;
    let first: number[];
    if (req !== undefined) first = [req, ...aff.filter((n) => n > req), ...aff.filter((n) => n < req)];
    else first = [...aff.filter((n) => n > d.lastAllocNode), ...aff.filter((n) => n <= d.lastAllocNode)];
    const seen = new Set(first);
    return [...first, ...this.nodes.filter((n) => !seen.has(n))];
  }
  populate_physmap(domid: number, nr: number, order: number, flags: number): { rc: number; done: number } {
    const d = this.doms.get(domid);
    if (d === undefined) return { rc: -EINVAL, done: 0 };
    const f = decodeMemFlags(flags);
    const req = 2 ** order;
    let done = 0;
    for (; done < nr; done++) {
      // Host claim gate (alloc_heap_pages, X).
      if (this.outstanding + req > this.totalFree() && d.outstanding < req) break;
      const node = this.nodeOrder(d, f.node, f.exact).find((n) => {
        const free = this.free[n] ?? 0;
        if (free < req) return false;
        const unclaimed = free - (this.nodeClaims[n] ?? 0);
        return unclaimed >= req || (n === d.claimNode && req <= unclaimed + d.outstanding);
      });
      if (node === undefined) break;
      if (d.tot + req > d.max) return { rc: -E2BIG, done };
      this.free[node] = (this.free[node] ?? 0) - req;
      d.pages[node] = (d.pages[node] ?? 0) + req;
      d.tot += req;
      d.lastAllocNode = node;
      if (d.outstanding > 0 && (d.claimNode === undefined || d.claimNode === node)) {
        const c = Math.min(d.outstanding, req);
        d.outstanding -= c;
        this.outstanding -= c;
        if (d.claimNode !== undefined) this.nodeClaims[d.claimNode] = (this.nodeClaims[d.claimNode] ?? 0) - c;
        if (d.outstanding === 0) d.claimNode = undefined;
      }
    }
    return { rc: 0, done };
  }
  private updateAffinity(d: Dom): void {
    if (!d.autoAffinity) return;
    const cpus = d.soft.some((s) => s !== undefined) ? d.soft.flatMap((s) => s ?? this.cpuNode.map((_, c) => c)) : this.cpuNode.map((_, c) => c);
    d.nodeAffinity = [...new Set(cpus.map((c) => this.cpuNode[c] ?? 0))].sort((a, b) => a - b);
  }
  vcpu_setaffinity(domid: number, vcpu: number, aff: { soft?: number[] }): number {
    const d = this.doms.get(domid);
    if (d === undefined) return -EINVAL;
    if (aff.soft !== undefined) d.soft[vcpu] = aff.soft;
    this.updateAffinity(d);
    return 0;
  }
  setnodeaffinity(domid: number, nodes: number[] | "all"): number {
    const d = this.doms.get(domid);
    if (d === undefined) return -EINVAL;
    if (nodes === "all") { d.autoAffinity = true; this.updateAffinity(d); } else { d.autoAffinity = false; d.nodeAffinity = [...nodes]; }
    return 0;
  }
  destroydomain(domid: number): number {
    const d = this.doms.get(domid);
    if (d === undefined) return -EINVAL;
    this.release(d);
    d.pages.forEach((p, n) => { this.free[n] = (this.free[n] ?? 0) + p; });
    this.doms.delete(domid);
    return 0;
  }
  physinfo(): PhysInfo {
    return { totalPages: 0, freePages: this.totalFree(), outstandingPages: this.outstanding, nrCpus: this.cpuNode.length, nrNodes: this.free.length };
  }
  numainfo(): NumaInfo {
    return { nodes: this.free.map((f, i) => ({ memsizePages: 0, memfreePages: f, claimedPages: this.nodeClaims[i] ?? 0 })), distances: this.distances };
  }
  cpu_to_node(): number[] { return [...this.cpuNode]; }
  getdomaininfo(domid: number): DomainInfo | undefined {
    const d = this.doms.get(domid);
    if (d === undefined) return undefined;
    return {
      domid, totPages: d.tot, maxPages: d.max, outstandingPages: d.outstanding, maxVcpus: d.maxVcpus,
      pagesByNode: [...d.pages], nodeAffinity: [...d.nodeAffinity]
    };
  }
  domids(): number[] { return [...this.doms.keys()]; }
}
