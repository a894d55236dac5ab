/**
 * PXM → node maps, one per numbering policy. Firmware names proximity domains (32-bit, sparse);
 * an OS names nodes. The map is a first-class value so every part of the model agrees on it.
 *
 * - linux: `acpi_map_pxm_to_node()` (drivers/acpi/numa/srat.c): a new PXM gets the lowest free
 *   node id, in the order the SRAT walk first meets it; PXM ≥ MAX_PXM_DOMAINS or more than
 *   MAX_NUMNODES domains → NUMA_NO_NODE ("SRAT: Too many proximity domains", bad_srat()).
 * - xen: `setup_node()` (xen/arch/x86/srat.c): dense ids in order of first appearance; more
 *   than MAX_NUMNODES domains → NUMA_NO_NODE → numa_fw_bad().
 * - pxm: node id = PXM (what firmware says, no OS policy).
 */
export type Numbering = "linux" | "xen" | "pxm";
export const NUMBERINGS: readonly Numbering[] = ["linux", "xen", "pxm"];

export class PxmNodeMap {
  private readonly toNode = new Map<number, number>();
  private readonly toPxm = new Map<number, number>();

  constructor(
    readonly policy: Numbering,
    /** Node ids available (MAX_NUMNODES). */
    readonly maxNodes: number,
    /** PXMs at or above this are refused (Linux MAX_PXM_DOMAINS); Infinity for none. */
    readonly pxmLimit: number = Number.POSITIVE_INFINITY,
  ) {}

  /** The node for a PXM, allocating one on first sight; undefined = NUMA_NO_NODE (a bad SRAT). */
  map(pxm: number): number | undefined {
    const known = this.toNode.get(pxm);
    if (known !== undefined) return known;
    if (pxm < 0 || pxm >= this.pxmLimit) return undefined;
    let node: number;
    if (this.policy === "pxm") {
      node = pxm;
    } else {
      if (this.toNode.size >= this.maxNodes) return undefined;
      // Linux: first_unset_node(nodes_found_map); Xen: nodes_found++. Both are the lowest free
      // id because ids are never released during the walk.
      node = this.toNode.size;
    }
    this.toNode.set(pxm, node);
    this.toPxm.set(node, pxm);
    return node;
  }

  nodeOf(pxm: number): number | undefined { return this.toNode.get(pxm); }
  pxmOf(node: number): number | undefined { return this.toPxm.get(node); }
  get size(): number { return this.toNode.size; }

  /** [pxm, node] pairs in node order. */
  entries(): [pxm: number, node: number][] {
    return [...this.toNode.entries()].sort((a, b) => a[1] - b[1]);
  }

  /** A copy under another policy's ids, keeping the PXM set and first-appearance order. */
  static fromOrder(policy: Numbering, pxms: readonly number[]): PxmNodeMap {
    const m = new PxmNodeMap(policy, Number.MAX_SAFE_INTEGER);
    for (const p of pxms) m.map(p);
    return m;
  }
}
