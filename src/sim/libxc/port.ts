/**
 * The toolstack's hypercall port (hypercalls.ts) implemented on the simulated hypervisor
 * (src/sim/hypervisor). Only representation changes happen here: public mem_flags bits → the
 * hypervisor's {node, exact}, bytes → pages, per-node records → arrays. No policy.
 */
import type { Hypervisor } from "../hypervisor/index.js";
import { cpuTopology } from "../host.js";
import { EINVAL, XEN_INVALID_NODE_DIST, type DomainInfo, type HypervisorPort, type NumaInfo, type PhysInfo } from "./hypercalls.js";
import { memFlagsNode, XENMEMF_exact_node_request, XENMEMF_vnode } from "./memflags.js";
import { PAGE_SIZE } from "../units.js";

/** NUMA_NO_DISTANCE as the hypervisor's numainfo may carry it. */
const NUMA_NO_DISTANCE = 0xff;

function byNode(rec: Record<number, number>, nodes: number): number[] {
  return Array.from({ length: nodes }, (_, n) => rec[n] ?? 0);
}

export function hypervisorPort(hv: Hypervisor): HypervisorPort {
  const nodes = hv.host.nodes.length;
  // populate_physmap's flags record per value of the node and exact bits (the hypervisor only
  // reads it): built once each, not once per hypercall.
  const populateFlags: ({ node?: number; exact?: boolean } | undefined)[] = [];
  return {
    createdomain(req) {
      const r = hv.createdomain(req.node === undefined ? { max_vcpus: req.max_vcpus } : { max_vcpus: req.max_vcpus, node: req.node });
      return { rc: r.rc, domid: r.domid ?? -1 };
    },
    max_vcpus: (domid, max) => hv.max_vcpus({ domid, max }).rc,
    shadow_allocation: (domid, mb) => hv.shadow_set_allocation({ domid, mb }).rc,
    max_mem: (domid, max_memkb) => hv.max_mem({ domid, max_memkb }).rc,
    claim_pages: (domid, nr_pages) => hv.claim_pages({ domid, nr_pages }).rc,
    claim_memory: (domid, claims) => hv.claim_memory({ domid, claims }).rc,
    populate_physmap(domid, nr_extents, extent_order, mem_flags, gpfn, start_extent = 0, max_extents = nr_extents) {
      // XENMEMF_vnode needs the domain's vNUMA table, which the hypervisor API does not model.
      // The flags are read bit by bit, without building a record: this runs once per hypercall.
      if ((mem_flags & XENMEMF_vnode) !== 0) return { rc: -EINVAL, done: start_extent };
      const k = ((mem_flags >>> 8) & 0xff) * 2 + ((mem_flags & XENMEMF_exact_node_request) !== 0 ? 1 : 0);
      let flags = populateFlags[k];
      if (flags === undefined) {
        flags = {};
        const node = memFlagsNode(mem_flags);
        if (node !== undefined) flags.node = node;
        if ((mem_flags & XENMEMF_exact_node_request) !== 0) flags.exact = true;
        populateFlags[k] = flags;
      }
      // A continuation is the call on the extents not done yet (their GFNs follow the first's):
      // Xen's loop runs extent i the same whichever entry into the hypercall reaches it, and its
      // checks on entry (domain, XSM, propagate_node()) are made again on every entry.
      // do_memory_op(): `start_extent >= nr_extents` returns start_extent, doing nothing.
      const nr = Math.min(nr_extents - start_extent, max_extents);
      if (nr <= 0) return { rc: 0, done: start_extent };
      const first = gpfn === undefined || start_extent === 0 ? gpfn : gpfn + start_extent * 2 ** extent_order;
      // gpfn in the literal even when undefined: one object of one shape per call (added after,
      // it cost a second allocation and gave the hypervisor's reads two shapes to handle).
      const r = hv.populate_physmap({ domid, nr_extents: nr, extent_order, mem_flags: flags, gpfn: first });
      // The hypervisor's result is a fresh object: counted from the call's first extent in place
      // (a racing build makes one such part per extent).
      if (start_extent !== 0) r.done += start_extent;
      return r;
    },
    unpausedomain: (domid) => hv.unpausedomain({ domid }).rc,
    vcpu_setaffinity(domid, vcpu, aff) {
      const a: { domid: number; vcpu: number; hard?: number[]; soft?: number[] } = { domid, vcpu };
      if (aff.hard !== undefined) a.hard = aff.hard;
      if (aff.soft !== undefined) a.soft = aff.soft;
      return hv.vcpu_setaffinity(a).rc;
    },
    setnodeaffinity: (domid, n) => hv.setnodeaffinity({ domid, nodes: n }).rc,
    destroydomain: (domid) => hv.destroydomain({ domid }).rc,
    physinfo(): PhysInfo {
      const p = hv.physinfo();
      return { totalPages: p.total_pages, freePages: p.free_pages, outstandingPages: p.outstanding_pages, nrCpus: p.nr_cpus, nrNodes: p.nr_nodes };
    },
    numainfo(): NumaInfo {
      const info = hv.numainfo();
      // One pass, no closures: xenopsd asks once per VM start.
      const nodes: NumaInfo["nodes"] = [];
      const distances: number[][] = [];
      for (const n of info.nodes) {
        nodes.push({ memsizePages: n.memsize / PAGE_SIZE, memfreePages: n.memfree / PAGE_SIZE, claimedPages: n.claimed / PAGE_SIZE });
        const row: number[] = [];
        for (const d of n.distances) row.push(d === NUMA_NO_DISTANCE ? XEN_INVALID_NODE_DIST : d);
        distances.push(row);
      }
      return { nodes, distances };
    },
    // CPUs the host spec does not place (none today) would read as node 0, core 0.
    cputopoinfo: () => Array.from(cpuTopology(hv.host), (t) => t ?? { core: 0, socket: 0, node: 0 }),
    getdomaininfo(domid): DomainInfo | undefined {
      const d = hv.getdomaininfo(domid);
      if (d === undefined) return undefined;
      return {
        domid: d.domid, totPages: d.tot_pages, maxPages: d.max_pages, outstandingPages: d.outstanding_pages,
        maxVcpus: d.nr_vcpus, pagesByNode: byNode(d.pages_by_node, nodes), nodeAffinity: d.node_affinity,
        xenInternal: {
          structDomainNode: d.struct_domain_node, vcpuNodes: d.vcpu_struct_nodes, pagingPoolByNode: byNode(d.paging_pool_by_node, nodes),
          p2mPages: d.p2m_pages, pagingFreePages: d.paging_free_pages,
        },
      };
    },
    domids: () => hv.domains().map((d) => d.domid),
  };
}
