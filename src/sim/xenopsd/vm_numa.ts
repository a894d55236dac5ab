/**
 * Where one VM's memory sits, in two views a XenServer engineer knows:
 *
 * 1. `XenInternalMemory`: Xen's own allocations for the domain, which today's Xen does not place
 *    by the VM's NUMA plan (xen.md §3.7): struct domain and each struct vcpu (xenheap pages, from
 *    the node of the pCPU running the domctl unless the seed plan's node-bound createdomain
 *    names a node), the HAP paging pool (pool pages from the domain's node affinity at the time
 *    of each hap_set_allocation(); p2m tables and monitor tables come out of it), and the pages
 *    hvmloader populates after the build (ACPI info and tables, SMBIOS, TSS: one 4 KiB
 *    populate_physmap each, under the domain's node affinity). hvmloader's pages are guest pages
 *    (also counted in the VM's pagesByNode); the others are not guest memory at all.
 *
 * 2. `VmNumaMetrics`: XAPI's VM_metrics NUMA fields (xapi-project/xen-api e2ee48d6,
 *    ocaml/idl/datamodel.ml VM_metrics `numa_optimised`, `numa_nodes`, `numa_node_memory`) as
 *    xenopsd computes them in `Xenctrlext.DomainNuma.state` (ocaml/libs/xenctrl-ext/xenctrlext.ml):
 *    per node the domain's pages from XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES as bytes; `nodes` counts
 *    the nodes holding more than 4096 pages (16 MiB); `optimised = nodes = 1 || nodes < host
 *    nodes`. When the node-pages stub is missing (xenopsd built against upstream Xen headers:
 *    `stub_xc_domain_numa_get_node_pages_wrapper` fails) the result is the `default`:
 *    optimised false, nodes -1, no memory entries.
 *
 * API (stable; sweeps and reports build on it):
 *  - `VmOutcome.xenInternal` (vm_start.ts) is a XenInternalMemory; `VmOutcome.vmMetrics` a VmNumaMetrics.
 *  - `xenInternalMemory(info, hvmloaderByNode)` builds one from libxc's DomainInfo.
 *  - `xenInternalPagesOn(x, nodes)`: pages of Xen's own allocations (struct domain, vCPUs, paging
 *    pool; hvmloader's not included) on the given nodes — e.g. the VM's planned node.
 *  - `vmNumaMetrics(pagesByNode, hostNodes, available)`.
 * Node keys are decimal strings (JSON objects); counts are 4 KiB pages unless named bytes.
 */
import type { DomainInfo } from "../libxc/hypercalls.js";
import { PAGE_SIZE } from "../units.js";

export interface XenInternalMemory {
  /** Node of the struct domain page (-1 when the domain is gone). */
  structDomainNode: number;
  /** Node of each vCPU's struct vcpu page, by vCPU id. */
  vcpuNodes: number[];
  /** The HAP paging pool: pages out of the heap, per node, and what they are used for. */
  pagingPool: {
    pages: number;
    byNode: Record<string, number>;
    /** d->arch.paging.p2m_pages: p2m tables (11 roots + host EPT tables). */
    p2mPages: number;
    /** d->arch.paging.free_pages: still on the pool's free list. */
    freePages: number;
  };
  /** Guest pages hvmloader populated after the build, per node (part of the VM's pagesByNode). */
  hvmloader: { pages: number; byNode: Record<string, number> };
  /** struct domain + struct vcpu + paging pool pages per node (hvmloader's not included). */
  byNode: Record<string, number>;
  /** Σ byNode. */
  pages: number;
}

export interface VmNumaMetrics {
  /** VM_metrics.numa_optimised. */
  numaOptimised: boolean;
  /** VM_metrics.numa_nodes (-1: xenopsd could not read the domain's node pages). */
  numaNodes: number;
  /** VM_metrics.numa_node_memory: node → bytes (every host node, as xenopsd reports it). */
  numaNodeMemory: Record<string, number>;
}

/** `nodes` in DomainNuma.state counts nodes with more than this many pages. */
export const NUMA_NODE_PAGES_THRESHOLD = 4096;

function add(rec: Record<string, number>, node: number, pages: number): void {
  if (pages <= 0) return;
  const k = String(node);
  rec[k] = (rec[k] ?? 0) + pages;
}

function total(rec: Record<string, number>): number {
  return Object.values(rec).reduce((s, v) => s + v, 0);
}

/** An empty record for a domain that no longer exists. */
export function noXenInternalMemory(): XenInternalMemory {
  return { structDomainNode: -1, vcpuNodes: [], pagingPool: { pages: 0, byNode: {}, p2mPages: 0, freePages: 0 }, hvmloader: { pages: 0, byNode: {} }, byNode: {}, pages: 0 };
}

/** The Xen-internal allocations of a domain from libxc's DomainInfo (plus what hvmloader got). */
export function xenInternalMemory(info: DomainInfo, hvmloaderByNode: Record<string, number> = {}): XenInternalMemory {
  const x = info.xenInternal;
  const byNode: Record<string, number> = {};
  const poolByNode: Record<string, number> = {};
  if (x.structDomainNode >= 0) add(byNode, x.structDomainNode, 1);
  for (const n of x.vcpuNodes) add(byNode, n, 1);
  x.pagingPoolByNode.forEach((p, n) => { add(poolByNode, n, p); add(byNode, n, p); });
  return {
    structDomainNode: x.structDomainNode,
    vcpuNodes: [...x.vcpuNodes],
    pagingPool: { pages: total(poolByNode), byNode: poolByNode, p2mPages: x.p2mPages, freePages: x.pagingFreePages },
    hvmloader: { pages: total(hvmloaderByNode), byNode: { ...hvmloaderByNode } },
    byNode,
    pages: total(byNode),
  };
}

/** Pages of Xen's own allocations for the VM (struct domain, vCPUs, paging pool) on `nodes`. */
export function xenInternalPagesOn(x: XenInternalMemory, nodes: readonly number[]): number {
  return nodes.reduce((s, n) => s + (x.byNode[String(n)] ?? 0), 0);
}

/**
 * A started VM's Xen-internal pages on its planned node(s), and in all; undefined for a VM that
 * did not start or had no plan (nothing to be on). The vm_start table's `xen on plan` and the
 * sweeps' xenInternalOnPlannedNodesPct count the same VMs through this.
 */
export function xenInternalOnPlan(v: { started: boolean; plannedNodes: readonly number[]; xenInternal: XenInternalMemory }): { onPlan: number; pages: number } | undefined {
  if (!v.started || v.plannedNodes.length === 0) return undefined;
  return { onPlan: xenInternalPagesOn(v.xenInternal, v.plannedNodes), pages: v.xenInternal.pages };
}

/**
 * `Xenctrlext.DomainNuma.state`: `pagesByNode` = the domain's pages per host node (as
 * XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES returns them), `hostNodes` = get_nr_nodes, `available` =
 * whether xenopsd's node-pages stub works (false for the upstream build: the default record).
 */
export function vmNumaMetrics(pagesByNode: readonly number[], hostNodes: number, available: boolean): VmNumaMetrics {
  if (!available) return { numaOptimised: false, numaNodes: -1, numaNodeMemory: {} };
  const numaNodeMemory: Record<string, number> = {};
  pagesByNode.forEach((p, n) => { numaNodeMemory[String(n)] = p * PAGE_SIZE; });
  const nodes = pagesByNode.filter((p) => p > NUMA_NODE_PAGES_THRESHOLD).length;
  return { numaOptimised: nodes === 1 || nodes < hostNodes, numaNodes: nodes, numaNodeMemory };
}
