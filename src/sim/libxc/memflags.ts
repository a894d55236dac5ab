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

/** XENMEMF_get_node: ((flags >> 8) - 1) & 0xff, or undefined for field 0 ("no node"). */
export function memFlagsNode(flags: number): number | undefined {
  const field = (flags >>> 8) & 0xff;
  return field === 0 ? undefined : field - 1;
}
