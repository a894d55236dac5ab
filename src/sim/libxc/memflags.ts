/**
 * Public `mem_flags` of `struct xen_memory_reservation` (xen/include/public/memory.h), bit for bit,
 * so libxc callers build them exactly as C callers do (`XENMEMF_exact_node(pnode)`).
 */

/** bits 8..15 hold node+1; 0 means "no node" (XENMEMF_node). */
export function XENMEMF_node(node: number): number {
  return ((node + 1) & 0xff) << 8;
}
export const XENMEMF_populate_on_demand = 1 << 16;
export const XENMEMF_exact_node_request = 1 << 17;
/** The node field names a virtual node, translated through vnode_to_pnode. */
export const XENMEMF_vnode = 1 << 18;

export function XENMEMF_exact_node(node: number): number {
  return XENMEMF_node(node) | XENMEMF_exact_node_request;
}

/** XC_NUMA_NO_NODE (tools/include/xenguest.h): ~0U. */
export const XC_NUMA_NO_NODE = 0xffffffff;

export interface DecodedMemFlags {
  /** Requested (physical or virtual) node; absent = no node. */
  node?: number;
  exact: boolean;
  vnode: boolean;
  populateOnDemand: boolean;
  /** Address-width limit (bits 0..7), 0 = none. */
  addressBits: number;
}

/** XENMEMF_get_node: ((flags >> 8) - 1) & 0xff, or undefined for field 0 ("no node"). */
export function memFlagsNode(flags: number): number | undefined {
  const field = (flags >>> 8) & 0xff;
  return field === 0 ? undefined : field - 1;
}

/** XENMEMF_get_node: ((flags >> 8) - 1) & 0xff, with field 0 meaning "no node". */
export function decodeMemFlags(flags: number): DecodedMemFlags {
  const field = (flags >>> 8) & 0xff;
  const d: DecodedMemFlags = {
    exact: (flags & XENMEMF_exact_node_request) !== 0,
    vnode: (flags & XENMEMF_vnode) !== 0,
    populateOnDemand: (flags & XENMEMF_populate_on_demand) !== 0,
    addressBits: flags & 0xff,
  };
  if (field !== 0) d.node = field - 1;
  return d;
}
