/**
 * Issue 17 §1 points 6–7: every allocation of a VM placed and reported (struct domain, vCPUs,
 * paging pool with its p2m tables, hvmloader's pages) and XAPI's VM NUMA metrics. The expected
 * values are worked out from the sources cited, not read off the simulator:
 *  - X c447b7308b xen/arch/x86/mm/hap/hap.c: hap_enable() → hap_set_allocation(d, 256) then
 *    p2m_alloc_table() for the host p2m and MAX_NESTEDP2M = 10 nested p2ms (11 p2m pages);
 *    hap_make_monitor_table() takes one pool page per vCPU (construct_vmcs(), vmcs.c);
 *    hap_set_allocation(d, pages) sets total_pages to pages − p2m_pages (pool out of the heap =
 *    pages). Pool pages are alloc_domheap_page(d, MEMF_no_owner): node affinity + last_alloc_node.
 *  - p2m-ept.c ept_set_entry(): a 4 KiB mapping walks L3, L2, L1 tables, 2 MiB L3 and L2, 1 GiB L3.
 *  - xg_dom_x86.c meminit_hvm()/alloc_magic_pages_hvm(): the GFN layout (special pages at
 *    special_pfn(0) = 0xFEFF8, ioreq pages at 0xFEFF0); hvmloader config.h RESERVED_MEMBASE.
 *  - xen-api e2ee48d6 xenctrlext.ml DomainNuma.state: nodes = #nodes with > 4096 pages,
 *    optimised = nodes = 1 || nodes < host nodes; failure → {false, -1, []}.
 *  - xenopsd memory.ml shadow_mib for 40 GiB, 4 vCPUs: ceil((256·4 + 2·40960) / 256) = 324 MiB.
 */
import { expect } from "chai";
import { vmStart, HVMLOADER_PAGES, type VmStartOptions } from "../../../src/sim/xenopsd/vm_start.js";
import { vmNumaMetrics, xenInternalPagesOn } from "../../../src/sim/xenopsd/vm_numa.js";
import { simHost } from "../../helpers/sim-host.js";

const GIB = 2 ** 30;
const two = (): ReturnType<typeof simHost> => simHost([64 * 1024, 64 * 1024], 8, "v4");
const three40 = (flow: VmStartOptions["flow"], extra: Partial<VmStartOptions> = {}): VmStartOptions => ({
  flow, policy: "xenopsd", seed: 1, vms: [1, 2, 3].map((i) => ({ name: `vm${i}`, mem_mib: 40 * 1024, vcpus: 4 })), ...extra,
});

/** shadow_mib 324 MiB = 82944 pool pages. */
const POOL = 324 * 256;
/**
 * EPT tables of a 40 GiB guest (lowmem to 0xF0000000, highmem 4 GiB..41216 MiB): 1 L3; L2 for the
 * 1 GiB regions mapped below 1 GiB pages: region 0 (4 KiB + 2 MiB), 3 (2 MiB to the hole; special
 * and hvmloader pages), 40 (the last 256 MiB in 2 MiB pages); L1 for GFNs 0..0x1FF, the special
 * and ioreq pages (0xFEFF0..0xFEFFF) and hvmloader's (0xFC000..): 3. Plus 11 roots.
 */
const P2M = 11 + 1 + 3 + 3;

describe("sim/xenopsd per-VM Xen-internal allocations and VM NUMA metrics (issue 17)", () => {
  it("claim flow: struct domain and vCPUs on the domctl pCPU's node, the pool round-robin over both nodes", () => {
    const r = vmStart(two(), three40("claim"));
    const vm1 = r.vms[0];
    expect(vm1?.plannedNodes).to.deep.equal([0]);
    const x = vm1?.xenInternal;
    // domain_create() and vcpu_create() run on pCPU 0 (node 0): d == NULL → its node.
    expect(x?.structDomainNode).to.equal(0);
    expect(x?.vcpuNodes).to.deep.equal([0, 0, 0, 0]);
    // The pool is allocated before placement, under automatic affinity over both nodes: the
    // start node cycles after last_alloc_node (0 in a fresh struct domain) → 1, 0, 1, … so
    // 82944 pages split evenly, whatever node the VM is later planned on.
    expect(x?.pagingPool).to.deep.equal({ pages: POOL, byNode: { 0: POOL / 2, 1: POOL / 2 }, p2mPages: P2M, freePages: POOL - P2M - 4 });
    expect(x?.hvmloader).to.deep.equal({ pages: HVMLOADER_PAGES, byNode: { 0: HVMLOADER_PAGES } });
    expect(x?.byNode).to.deep.equal({ 0: 1 + 4 + POOL / 2, 1: POOL / 2 });
    expect(x?.pages).to.equal(1 + 4 + POOL);
    expect(x === undefined ? -1 : xenInternalPagesOn(x, [0])).to.equal(1 + 4 + POOL / 2);
    // 40 GiB − VGA hole (32 pages) + 16 special/ioreq pages + 16 hvmloader pages = exactly 40 GiB.
    expect(vm1?.vmMetrics).to.deep.equal({ numaOptimised: true, numaNodes: 1, numaNodeMemory: { 0: 40 * GIB, 1: 0 } });
    // VM3 fits only across both nodes (global claim): 2 nodes of a 2-node host → not optimised.
    expect(r.vms[2]?.vmMetrics.numaNodes).to.equal(2);
    expect(r.vms[2]?.vmMetrics.numaOptimised).to.equal(false);
  });

  it("claim+node-create: struct domain, vCPUs and the whole pool on the planned node", () => {
    const x = vmStart(two(), three40("claim+node-create")).vms[1]?.xenInternal;
    expect(x?.structDomainNode).to.equal(1);
    expect(x?.vcpuNodes).to.deep.equal([1, 1, 1, 1]);
    expect(x?.pagingPool.byNode).to.deep.equal({ 1: POOL });
    expect(x?.byNode).to.deep.equal({ 1: 1 + 4 + POOL });
  });

  it("xenopsd built against upstream Xen: DomainNuma.state falls back to its default record", () => {
    const r = vmStart(simHost([64 * 1024, 64 * 1024], 8, "none"), three40("claim", { xenopsd: "upstream" }));
    expect(r.vms[0]?.vmMetrics).to.deep.equal({ numaOptimised: false, numaNodes: -1, numaNodeMemory: {} });
  });

  it("hvmloader_pages: hvmloader stops at the first failed populate (max_pages reached) and allocates nothing more", () => {
    // max_mem = mem + 1 MiB (256 pages); the build leaves 256 − 16 (special/ioreq) + 32 (VGA
    // hole) = 272 pages of room, so 300 requested pages get 272.
    const r = vmStart(two(), { flow: "claim", policy: "xenopsd", seed: 1, vms: [{ name: "a", mem_mib: 1024, vcpus: 1, hvmloaderPages: 300 }] });
    expect(r.vms[0]?.xenInternal.hvmloader).to.deep.equal({ pages: 272, byNode: { 0: 272 } });
    expect(r.vms[0]?.started).to.equal(true);
  });

  it("vmNumaMetrics counts nodes above 4096 pages only, and 1 node or fewer than the host's is optimised", () => {
    expect(vmNumaMetrics([4096, 4097, 0, 0], 4, true)).to.deep.equal({ numaOptimised: true, numaNodes: 1, numaNodeMemory: { 0: 4096 * 4096, 1: 4097 * 4096, 2: 0, 3: 0 } });
    expect(vmNumaMetrics([5000, 5000, 5000], 4, true).numaOptimised).to.equal(true);
    expect(vmNumaMetrics([5000, 5000, 5000, 5000], 4, true).numaOptimised).to.equal(false);
  });
});
