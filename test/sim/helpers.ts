import { expect } from "chai";
import { hostSpecFromCompact, type HostSpec } from "../../src/sim/host.js";
import { checkInvariants, createHost, type Hypervisor, type XenConfigInput } from "../../src/sim/hypervisor/index.js";

export const MiB = 256; // pages
export const GiB = 262144; // pages

/** A host from the compact spec: nodes as [mem_mib, cpus]. */
export function host(nodes: [number, number][], distances?: number[][]): HostSpec {
  return hostSpecFromCompact({ nodes: nodes.map(([mem_mib, cpus]) => ({ mem_mib, cpus })), ...(distances ? { distances } : {}) });
}

export function boot(nodes: [number, number][], cfg: XenConfigInput = {}): Hypervisor {
  return createHost(host(nodes), cfg);
}

/** createdomain + max_vcpus + max_mem, asserting success; returns the domid. */
export function domain(hv: Hypervisor, opts: { maxPages?: number; vcpus?: number; node?: number; cpu?: number; hap?: boolean; domid?: number } = {}): number {
  const r = hv.createdomain({
    max_vcpus: opts.vcpus ?? 1,
    ...(opts.node === undefined ? {} : { node: opts.node }),
    ...(opts.cpu === undefined ? {} : { cpu: opts.cpu }),
    ...(opts.hap === undefined ? {} : { hap: opts.hap }),
    ...(opts.domid === undefined ? {} : { domid: opts.domid }),
  });
  expect(r.rc).to.equal(0);
  const domid = r.domid ?? -1;
  expect(hv.max_vcpus({ domid, max: opts.vcpus ?? 1, ...(opts.cpu === undefined ? {} : { cpu: opts.cpu }) }).rc).to.equal(0);
  expect(hv.max_mem({ domid, max_memkb: (opts.maxPages ?? 64 * GiB) * 4 }).rc).to.equal(0);
  return domid;
}

/** Populate and return the nodes each extent landed on (one call per extent, as meminit does per chunk). */
export function placeEach(hv: Hypervisor, domid: number, n: number, order: number, mem_flags?: { node?: number; exact?: boolean }): number[] {
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = hv.getdomaininfo(domid)?.pages_by_node ?? {};
    const r = hv.populate_physmap({ domid, nr_extents: 1, extent_order: order, ...(mem_flags ? { mem_flags } : {}) });
    if (r.done !== 1) { nodes.push(-1); continue; }
    const after = hv.getdomaininfo(domid)?.pages_by_node ?? {};
    const node = Object.keys(after).map(Number).find((k) => (after[k] ?? 0) !== (before[k] ?? 0));
    nodes.push(node ?? -1);
  }
  return nodes;
}

export function pagesOn(hv: Hypervisor, domid: number, node: number): number {
  return hv.getdomaininfo(domid)?.pages_by_node[node] ?? 0;
}

export function assertInvariants(hv: Hypervisor): void {
  expect(checkInvariants(hv)).to.deep.equal([]);
}

/** Exhaust a node with exact-node allocations for `domid` (2 MiB extents, then 4 KiB pages). */
export function fillNode(hv: Hypervisor, domid: number, node: number): void {
  const mem_flags = { node, exact: true };
  while (hv.populate_physmap({ domid, nr_extents: 64, extent_order: 9, mem_flags }).done === 64) { /* more */ }
  while (hv.populate_physmap({ domid, nr_extents: 4096, extent_order: 0, mem_flags }).done === 4096) { /* more */ }
}
