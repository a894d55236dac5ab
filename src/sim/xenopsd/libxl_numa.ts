/**
 * libxl's automatic NUMA placement (tools/libs/light/libxl_numa.c: libxl__get_numa_candidate,
 * libxl_dom.c: numa_place_domain / numa_cmpf), kept as the second policy for comparison.
 */

export interface LibxlNode {
  free_memkb: number;
  cpus: number[];
}

export interface LibxlCandidate {
  nodes: number[];
  free_memkb: number;
  nr_cpus: number;
  /** Σ vcpus_on_node over the candidate's nodes. */
  nr_vcpus: number;
}

/**
 * numa_cmpf (libxl_dom.c, Xen c447b7308b): fewer vCPUs already running there first, then more free
 * memory. `free_memkb` is uint64_t and the function returns int: `c2->free_memkb -
 * c1->free_memkb` is computed modulo 2^64 and converted to int, which GCC does modulo 2^32. So a
 * difference of 2 TiB (2^31 KiB) or more compares by its low 32 bits: a candidate with 2.5 TiB
 * more free memory can lose. `| 0` is that conversion (ToInt32 is modulo 2^32 too).
 */
function numa_cmpf(c1: LibxlCandidate, c2: LibxlCandidate): number {
  if (c1.nr_vcpus !== c2.nr_vcpus) return c1.nr_vcpus - c2.nr_vcpus;
  return (c2.free_memkb - c1.free_memkb) | 0;
}

/** LIBXL_HVM_EXTRA_MEMORY (libxl_internal.h): KiB. */
export const LIBXL_HVM_EXTRA_MEMORY = 2048;

/**
 * libxl__get_required_paging_memory (libxl_create.c, Xen c447b7308b), the default `shadow_memkb`
 * of an HVM guest with HAP on x86 (EXTRA_DEFAULT_PAGING_MEM_MB 0): 4 × (256·vcpus + maxmem MiB)
 * KiB, i.e. 256 pages per vCPU and one page per MiB for the p2m. Half of xenopsd's shadow_mib,
 * which counts 2 pages per MiB.
 */
export function libxl__get_required_paging_memory(maxmem_kb: number, smp_cpus: number): number {
  return 4 * (256 * smp_cpus + Math.floor(maxmem_kb / 1024));
}

/**
 * libxl__domain_need_memory_calculate (libxl_mem.c) for an HVM guest without stub domain or
 * IOMMU reservation: target + shadow + LIBXL_HVM_EXTRA_MEMORY, rounded up to 2 MiB. KiB.
 */
export function libxl__domain_need_memory_calculate(target_memkb: number, shadow_memkb: number): number {
  let need = target_memkb + shadow_memkb + LIBXL_HVM_EXTRA_MEMORY;
  if (need % 2048 !== 0) need += 2048 - (need % 2048);
  return need;
}

/** k-combinations of `items` in lexicographic order (libxl's comb_init/comb_next). */
function* combinations(items: number[], k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) { yield prefix; return; }
  for (let i = start; i <= items.length - (k - prefix.length); i++) {
    yield* combinations(items, k, i + 1, [...prefix, items[i] ?? 0]);
  }
}

/**
 * libxl__get_numa_candidate(min_free_memkb, min_cpus, min_nodes = 0, max_nodes = 0): no placement
 * on ≤ 1 node or > 16 nodes; suitable nodes are those with CPUs in the (all-CPU) cpupool; the
 * search starts at ceil(min_cpus / cpus_per_node) nodes when every node has the same CPU count
 * (else 1) and stops at the first size that yields any candidate.
 */
export function libxl__get_numa_candidate(nodes: LibxlNode[], min_free_memkb: number, min_cpus: number, vcpus_on_node: number[]): LibxlCandidate | undefined {
  if (nodes.length <= 1 || nodes.length > 16) return undefined;
  const suitable = nodes.map((_, i) => i).filter((i) => (nodes[i]?.cpus.length ?? 0) > 0);
  if (suitable.length === 0) return undefined;
  const counts = new Set(suitable.map((i) => nodes[i]?.cpus.length ?? 0));
  const cpus_per_node = counts.size === 1 ? [...counts][0] ?? 0 : 0;
  let min_nodes = cpus_per_node === 0 ? 1 : Math.max(1, Math.ceil(min_cpus / cpus_per_node));
  min_nodes = Math.min(min_nodes, suitable.length);
  for (let k = min_nodes; k <= suitable.length; k++) {
    let best: LibxlCandidate | undefined;
    for (const comb of combinations(suitable, k)) {
      let free_memkb = 0;
      let nr_cpus = 0;
      let nr_vcpus = 0;
      for (const n of comb) {
        free_memkb += nodes[n]?.free_memkb ?? 0;
        nr_cpus += nodes[n]?.cpus.length ?? 0;
        nr_vcpus += vcpus_on_node[n] ?? 0;
      }
      if (free_memkb < min_free_memkb || nr_cpus < min_cpus) continue;
      const c = { nodes: comb, free_memkb, nr_cpus, nr_vcpus };
      if (best === undefined || numa_cmpf(c, best) < 0) best = c;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}
