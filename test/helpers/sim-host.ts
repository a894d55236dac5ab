/** A simulated host (the real hypervisor layer) behind the toolstack's hypercall port. */
import { createHost, type NodeClaimsVariant } from "../../src/sim/hypervisor/index.js";
import { hostSpecFromCompact } from "../../src/sim/host.js";
import type { HypervisorPort } from "../../src/sim/libxc/hypercalls.js";
import { hypervisorPort } from "../../src/sim/libxc/port.js";

export function simHost(nodeMib: number[], cpus: number, nodeClaims: NodeClaimsVariant = "v4", distances?: number[][]): HypervisorPort {
  const host: { nodes: { mem_mib: number; cpus: number }[]; distances?: number[][] } = { nodes: nodeMib.map((m) => ({ mem_mib: m, cpus })) };
  if (distances !== undefined) host.distances = distances;
  return hypervisorPort(createHost(hostSpecFromCompact(host), { version: "current", nodeClaims }));
}
