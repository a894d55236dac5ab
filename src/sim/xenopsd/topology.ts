/**
 * xenopsd's NUMA model (xapi-project/xen-api ocaml/xenopsd/lib/topology.ml): the host hierarchy
 * with its precomputed candidate node sets and the `node_usage` balancing counter.
 */

/** NUMA.unreachable_distance: -1 in 32 bits (XEN_INVALID_NODE_DIST). */
export const UNREACHABLE_DISTANCE = 0xffffffff;
const SELF_DISTANCE = 10;

/** NUMAResource.t: what a node (or a union of nodes) offers. Memory in bytes. */
export interface NumaResource {
  cpus: number[];
  /** Physical cores (distinct core ids of the node's CPUs; 3671ba0e7e). */
  cores: number;
  memfree: number;
}

/** NUMARequest.t. Memory in bytes. */
export interface NumaRequest {
  memory: number;
  vcpus: number;
  /**
   * Physical cores wanted (3671ba0e7e): Xenops_server.cores_of_numa_affinity_policy gives
   * `vcpus` for Best_effort (and Best_effort_hard), 0 for Any / Prio_mem_only. Default 0.
   */
  cores?: number;
}

export interface Candidate {
  /** Average pairwise distance (self-distances included). */
  avg: number;
  /** Max pairwise distance; the primary sort key. */
  max: number;
  nodes: number[];
}

export class NumaHierarchy {
  /** node_usage: placements per node; never decremented (NUMA.choose). */
  readonly nodeUsage: number[];
  readonly candidates: Candidate[];

  private constructor(readonly distances: number[][], readonly nodeCpus: number[][], readonly nodeCores: number[]) {
    this.nodeUsage = distances.map(() => 0);
    this.candidates = genCandidates(distances);
  }

  /**
   * NUMA.make: CPUs on unreachable nodes are dropped; no NUMA (undefined) if every node is CPU-less
   * or the matrix is unreasonable (a diagonal other than 10/unreachable, or an entry below 10).
   */
  static make(distances: number[][], cpuToNode: number[], nodeCores?: number[]): NumaHierarchy | undefined {
    const nodeCpus: number[][] = distances.map(() => []);
    cpuToNode.forEach((node, cpu) => {
      const self = distances[node]?.[node];
      if (self !== undefined && self !== UNREACHABLE_DISTANCE) nodeCpus[node]?.push(cpu);
    });
    if (nodeCpus.every((c) => c.length === 0)) return undefined;
    const reasonable = distances.every((row, i) => {
      const d = row[i];
      return (d === UNREACHABLE_DISTANCE || d === SELF_DISTANCE) && row.every((x) => x >= SELF_DISTANCE || x === UNREACHABLE_DISTANCE);
    });
    if (!reasonable) return undefined;
    // Without core ids every CPU counts as a core (one thread per core).
    return new NumaHierarchy(distances, nodeCpus, nodeCores ?? nodeCpus.map((c) => c.length));
  }

  /**
   * domain.ml numa_hierarchy: node_cores = the number of distinct `core` ids among the node's
   * CPUs in xc_cputopoinfo (IntSet per node).
   */
  static nodeCoresOf(topo: readonly { core: number; node: number }[], nodes: number): number[] {
    const sets = Array.from({ length: nodes }, () => new Set<number>());
    for (const t of topo) sets[t.node]?.add(t.core);
    return sets.map((s) => s.size);
  }

  /** NUMA.resource: a node's CPUs, physical cores and free memory. */
  resource(node: number, memfree: number): NumaResource {
    const cpus = this.nodeCpus[node] ?? [];
    return { cpus, cores: this.nodeCores[node] ?? 0, memfree };
  }

  /**
   * NUMA.choose: the candidate with the smallest Σ node_usage; ties go to OCaml's structural
   * `compare` of the picked-node lists, which Softaffinity.plan builds in *reverse* candidate order
   * (`node :: picked`). Then every chosen node's usage is incremented.
   */
  choose<T>(options: { nodes: number[]; result: T }[]): { nodes: number[]; result: T } | undefined {
    let best: { usage: number; picked: number[]; opt: { nodes: number[]; result: T } } | undefined;
    for (const opt of options) {
      const usage = opt.nodes.reduce((s, n) => s + (this.nodeUsage[n] ?? 0), 0);
      const picked = [...opt.nodes].reverse();
      if (best === undefined || usage < best.usage || (usage === best.usage && compareLists(picked, best.picked) < 0)) {
        best = { usage, picked, opt };
      }
    }
    if (best === undefined) return undefined;
    for (const n of best.opt.nodes) this.nodeUsage[n] = (this.nodeUsage[n] ?? 0) + 1;
    return best.opt;
  }
}

/** OCaml `compare` on int lists: lexicographic, a proper prefix is smaller. */
function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * NUMA.gen_candidates: every non-empty subset of the reachable nodes (subset i has node
 * valid[j] iff bit j of i is set, i ascending), scored (max distance, average distance) over all
 * ordered pairs including self pairs, stably sorted. Above 16 nodes only single nodes.
 */
export function genCandidates(d: number[][]): Candidate[] {
  const valid = d.map((_, i) => i).filter((i) => d[i]?.[i] !== UNREACHABLE_DISTANCE);
  const out: Candidate[] = [];
  if (valid.length > 16) {
    for (const i of valid) {
      const self = d[i]?.[i] ?? SELF_DISTANCE;
      out.push({ avg: self, max: self, nodes: [i] });
    }
  } else {
    for (let mask = 1; mask < 2 ** valid.length; mask++) {
      const nodes = valid.filter((_, bit) => Math.floor(mask / 2 ** bit) % 2 === 1);
      let max = -Infinity;
      let sum = 0;
      for (const a of nodes) for (const b of nodes) {
        const x = d[a]?.[b] ?? UNREACHABLE_DISTANCE;
        max = Math.max(max, x);
        sum += x;
      }
      out.push({ avg: sum / (nodes.length * nodes.length), max, nodes });
    }
  }
  // Array.prototype.sort is stable (ES2019), as OCaml's Array.fast_sort (= stable_sort).
  return out.sort((x, y) => x.max - y.max || x.avg - y.avg);
}
