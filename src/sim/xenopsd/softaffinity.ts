/**
 * Softaffinity.plan (ocaml/xenopsd/lib/softaffinity.ml): the first candidate node set that fits,
 * widened to every later fitting candidate with the same average distance, then NUMA.choose.
 */
import type { NumaHierarchy, NumaRequest, NumaResource } from "./topology.js";

export interface Plan {
  nodes: number[];
  cpus: number[];
  memfree: number;
}

/**
 * NUMARequest.shrink / plan_valid: fold the candidate's nodes into the request; valid when
 * `NUMARequest.fits remaining NUMAResource.empty`: no memory, vCPUs or cores left to find
 * (xen-api e2ee48d6 topology.ml; the cores term since 3671ba0e7e "CA-420968: track number of
 * physical cores during a NUMA planning request"). Returns the candidate's free memory when
 * valid.
 */
function planValid(req: NumaRequest, resources: NumaResource[], nodes: number[]): number | undefined {
  let memory = req.memory;
  let vcpus = req.vcpus;
  let cores = req.cores ?? 0;
  let memfree = 0;
  for (const n of nodes) {
    const r = resources[n];
    if (r === undefined) return undefined;
    memory = Math.max(0, memory - r.memfree);
    vcpus = Math.max(0, vcpus - r.cpus.length);
    cores = Math.max(0, cores - r.cores);
    memfree += r.memfree;
  }
  return memory > 0 || vcpus > 0 || cores > 0 ? undefined : memfree;
}

/**
 * The valid candidate NUMA.choose picks, with the CPUs of its nodes. The CPU list is built for
 * the chosen candidate only: several candidates of one distance are often valid
 * (every single node, for a small VM), and building and sorting each one's list was a fifth of a
 * 1000-VM start's placement work.
 */
export function plan(host: NumaHierarchy, resources: NumaResource[], req: NumaRequest): Plan | undefined {
  const options: { nodes: number[]; result: number }[] = [];
  let first: number | undefined;
  for (const c of host.candidates) {
    const memfree = planValid(req, resources, c.nodes);
    if (memfree === undefined) continue;
    // take_same_distance: compares the average only, |Δ| < 1e-3.
    if (first === undefined) first = c.avg;
    else if (Math.abs(c.avg - first) >= 1e-3) break;
    options.push({ nodes: c.nodes, result: memfree });
  }
  const chosen = host.choose(options);
  if (chosen === undefined) return undefined;
  const cpus: number[] = [];
  for (const n of chosen.nodes) cpus.push(...(resources[n]?.cpus ?? []));
  return { nodes: chosen.nodes, cpus: cpus.sort((a, b) => a - b), memfree: chosen.result };
}
