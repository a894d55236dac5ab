/**
 * xenopsd's HVM memory model (ocaml/xapi-idl/memory/memory.ml, Memory.HVM) for a VM whose
 * static-max equals its target and without video RAM (mem_mib is the guest RAM).
 */
import { PAGES_PER_MIB } from "../units.js";

export interface VmMemory {
  /** xenguest -mem_max_mib / -mem_start_mib. */
  build_max_mib: number;
  build_start_mib: number;
  /** static_max + 1 MiB: the domain's max_mem (LIBXL_MAXMEM_CONSTANT-like slack). */
  xen_max_mib: number;
  /** max(1, ceil((256·vcpus + 2·static_max_mib)/256) × multiplier 1.0). */
  shadow_mib: number;
  /** build_start_mib × 256: what xenopsd claims. */
  build_claim_pages: number;
  /** 1 + 1 + shadow_mib + ceil(38·vcpus/256): Xen's per-domain overhead beyond guest RAM. */
  overhead_mib: number;
  /**
   * footprint_mib = target + overhead_mib: what build_pre's wait_xen_free_mem wants free on the
   * host (physinfo free_pages, claimed pages included) before it does anything else.
   */
  required_host_free_mib: number;
}

export function hvmMemory(mem_mib: number, vcpus: number): VmMemory {
  const shadow_mib = Math.max(1, Math.ceil((256 * vcpus + 2 * mem_mib) / 256));
  const overhead_mib = 2 + shadow_mib + Math.ceil((38 * vcpus) / 256);
  return {
    build_max_mib: mem_mib,
    build_start_mib: mem_mib,
    xen_max_mib: mem_mib + 1,
    shadow_mib,
    build_claim_pages: mem_mib * PAGES_PER_MIB,
    overhead_mib,
    required_host_free_mib: mem_mib + overhead_mib,
  };
}
