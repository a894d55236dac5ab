/**
 * The guest physical memory layout libxl computes before calling the domain builder
 * (tools/libs/light/libxl_dom.c: libxl__build_hvm, libxl_vnuma.c: libxl__vnuma_build_vmemrange_hvm).
 * All sizes are bytes (exact in a double up to 8 PiB).
 */
import { XC_NUMA_NO_NODE } from "../libxc/memflags.js";

import { PAGE_SIZE, PAGES_PER_MIB } from "../units.js";
export const MiB = 1 << 20;
export const GiB = 1 << 30;
export const FOUR_GIB = 4 * GiB;
/** HVM_BELOW_4G_MMIO_START (0xF0000000) and the default hole HVM_BELOW_4G_MMIO_LENGTH (256 MiB). */
export const HVM_BELOW_4G_MMIO_START = 0xf0000000;
export const HVM_BELOW_4G_MMIO_LENGTH = FOUR_GIB - HVM_BELOW_4G_MMIO_START;
/** LIBXL_VGA_HOLE_SIZE: PFNs 0xA0..0xBF are never populated when a device model is present. */
export const LIBXL_VGA_HOLE_SIZE = 0x20;

/** xen_vmemrange_t: [start, end) bytes belonging to virtual node `nid`. */
export interface VmemRange {
  start: number;
  end: number;
  nid: number;
}

/** The fields of `struct xc_dom_image` that meminit_hvm reads. */
export interface XcDomImage {
  guest_domid: number;
  total_pages: number;
  target_pages: number;
  claim_enabled: boolean;
  device_model: boolean;
  vga_hole_size: number;
  lowmem_end: number;
  highmem_end: number;
  mmio_start: number;
  mmio_size: number;
  /** Empty: meminit_hvm builds its dummy layout. */
  vmemranges: VmemRange[];
  vnode_to_pnode: number[];
  /**
   * xenguest `-mem_pnode N` (XAPI domain.ml args_numa_placements): the node xenopsd claimed on.
   * Its use inside XS xenguest is not in the public sources (XenServer's xenguest -mem_pnode patch; unverified); modelled as
   * the intended effect: the dummy vnode 0 maps to pnode N, so every range gets XENMEMF_exact_node(N).
   */
  mem_pnode?: number;
}

export interface HvmBuildConfig {
  domid: number;
  mem_mib: number;
  target_mib?: number;
  /** mmio_hole_memkb in MiB; applies only if it lowers RAM below 0xF0000000 (as libxl). */
  mmio_mib?: number;
  /** libxl claim_mode (xl's default is on, xenguest never sets it). */
  claim?: boolean;
  pnode?: number;
  vnuma?: { mem_mib: number; pnode: number }[];
  /** false = PVH-like build without a device model (no VGA hole, no 0xA0 low pages). */
  device_model?: boolean;
}

export class LayoutError extends Error {}

/** libxl__build_hvm's arithmetic: MMIO hole, lowmem/highmem split, vNUMA ranges. */
export function hvmLayout(cfg: HvmBuildConfig): XcDomImage {
  const device_model = cfg.device_model ?? true;
  const mem_size = cfg.mem_mib * MiB;
  let mmio_size = HVM_BELOW_4G_MMIO_LENGTH;
  if (cfg.mmio_mib !== undefined && cfg.mmio_mib > 0) {
    const max_ram_below_4g = FOUR_GIB - cfg.mmio_mib * MiB;
    if (max_ram_below_4g < HVM_BELOW_4G_MMIO_START) mmio_size = cfg.mmio_mib * MiB;
  }
  if (mmio_size > FOUR_GIB - MiB) throw new LayoutError(`mmio_mib ${cfg.mmio_mib ?? 0} leaves no low memory`);
  const mmio_start = FOUR_GIB - mmio_size;
  let lowmem_end = mem_size;
  let highmem_end = 0;
  if (lowmem_end > mmio_start) {
    highmem_end = FOUR_GIB + (lowmem_end - mmio_start);
    lowmem_end = mmio_start;
  }
  const total_pages = mem_size / PAGE_SIZE;
  const target_pages = cfg.target_mib !== undefined && cfg.target_mib > 0 ? cfg.target_mib * PAGES_PER_MIB : total_pages;
  const dom: XcDomImage = {
    guest_domid: cfg.domid,
    total_pages,
    target_pages,
    claim_enabled: cfg.claim ?? false,
    device_model,
    vga_hole_size: device_model ? LIBXL_VGA_HOLE_SIZE : 0,
    lowmem_end,
    highmem_end,
    mmio_start,
    mmio_size,
    vmemranges: [],
    vnode_to_pnode: [],
  };
  if (cfg.pnode !== undefined) dom.mem_pnode = cfg.pnode;
  if (cfg.vnuma !== undefined && cfg.vnuma.length > 0) {
    const sum = cfg.vnuma.reduce((s, v) => s + v.mem_mib, 0);
    // libxl__vnuma_config_check: the vnodes' memory must add up to the guest's memory.
    if (sum !== cfg.mem_mib) throw new LayoutError(`vnuma memory ${sum} MiB != mem_mib ${cfg.mem_mib}`);
    dom.vmemranges = vnumaRanges(cfg.vnuma.map((v) => v.mem_mib * MiB), lowmem_end, mmio_start, mmio_size);
    dom.vnode_to_pnode = cfg.vnuma.map((v) => v.pnode);
  }
  return dom;
}

/**
 * libxl__vnuma_build_vmemrange_hvm: vnodes are laid out in order from address 0; a vnode that
 * reaches the hole is split at hole_start and continues at hole_end (≥ 4 GiB). Video RAM is taken
 * to be 0 here (mem_mib is the guest RAM).
 */
export function vnumaRanges(sizes: number[], lowmem_end: number, mmio_start: number, mmio_size: number): VmemRange[] {
  const hole_start = Math.min(lowmem_end, mmio_start);
  const hole_end = Math.max(mmio_start + mmio_size, FOUR_GIB);
  const out: VmemRange[] = [];
  let next = 0;
  sizes.forEach((size, nid) => {
    let remaining = size;
    while (remaining > 0) {
      let count = remaining;
      if (next >= hole_start && next < hole_end) next = hole_end;
      if (next < hole_start && next + remaining >= hole_start) count = hole_start - next;
      out.push({ start: next, end: next + count, nid });
      remaining -= count;
      next += count;
    }
  });
  return out;
}

export { XC_NUMA_NO_NODE };
