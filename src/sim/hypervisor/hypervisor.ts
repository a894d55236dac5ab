/**
 * The simulated Xen hypervisor at hypercall level. Each public method is one hypercall (named
 * after Xen's domctl/memop/sysctl) and returns `rc` = 0 or Xen's negative errno.
 * SKELETON: the signatures are the stable contract (docs/sim.md); bodies are being filled in.
 */
import type { HostSpec } from "../host.js";
import type {
  ClaimMemoryArgs, ClaimMemoryGetResult, ClaimPagesArgs, CountResult, CreateDomainArgs, CreateDomainResult,
  DecreaseReservationArgs, DomainInfo, DomidArgs, HypercallResult, MaxMemArgs, MaxVcpusArgs, NodeAffinityArgs,
  NumaInfo, PhysInfo, PopulatePhysmapArgs, ShadowAllocationArgs, VcpuAffinityArgs, XenConfig,
} from "./types.js";

function notImplemented(what: string): never {
  throw new Error(`sim: ${what} not implemented yet`);
}

export class Hypervisor {
  constructor(readonly host: HostSpec, readonly config: XenConfig) {}

  createdomain(_a: CreateDomainArgs): CreateDomainResult { return notImplemented("createdomain"); }
  max_vcpus(_a: MaxVcpusArgs): HypercallResult { return notImplemented("max_vcpus"); }
  max_mem(_a: MaxMemArgs): HypercallResult { return notImplemented("max_mem"); }
  claim_pages(_a: ClaimPagesArgs): HypercallResult { return notImplemented("claim_pages"); }
  claim_memory(_a: ClaimMemoryArgs): HypercallResult { return notImplemented("claim_memory"); }
  claim_memory_get(_a: DomidArgs): ClaimMemoryGetResult { return notImplemented("claim_memory_get"); }
  populate_physmap(_a: PopulatePhysmapArgs): CountResult { return notImplemented("populate_physmap"); }
  decrease_reservation(_a: DecreaseReservationArgs): CountResult { return notImplemented("decrease_reservation"); }
  vcpu_setaffinity(_a: VcpuAffinityArgs): HypercallResult { return notImplemented("vcpu_setaffinity"); }
  setnodeaffinity(_a: NodeAffinityArgs): HypercallResult { return notImplemented("setnodeaffinity"); }
  shadow_set_allocation(_a: ShadowAllocationArgs): HypercallResult { return notImplemented("shadow_set_allocation"); }
  unpausedomain(_a: DomidArgs): HypercallResult { return notImplemented("unpausedomain"); }
  destroydomain(_a: DomidArgs): HypercallResult { return notImplemented("destroydomain"); }
  physinfo(): PhysInfo { return notImplemented("physinfo"); }
  numainfo(): NumaInfo { return notImplemented("numainfo"); }
  getdomaininfo(_domid: number): DomainInfo | undefined { return notImplemented("getdomaininfo"); }
  domains(): DomainInfo[] { return notImplemented("domains"); }
}

/** Default options per version: see XenConfig. */
export function xenConfig(partial: Partial<XenConfig> = {}): XenConfig {
  const version = partial.version ?? "current";
  return {
    version,
    nodeClaims: partial.nodeClaims ?? "none",
    populateNoScrubDuringBuild: partial.populateNoScrubDuringBuild ?? version === "current",
  };
}

/** Boot a simulated host: every RAM page of the spec is free (and scrubbed) in the per-node heaps. */
export function createHost(spec: HostSpec, config: Partial<XenConfig> = {}): Hypervisor {
  return new Hypervisor(spec, xenConfig(config));
}
