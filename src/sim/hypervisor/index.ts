/** Public surface of the simulated hypervisor layer (the toolstack layer imports from here). */
export { Hypervisor, createHost, xenConfig } from "./hypervisor.js";
export type * from "./types.js";
export { XEN_VERSIONS, NODE_CLAIMS_VARIANTS } from "./types.js";
export * as errno from "./errno.js";
export { rcName } from "./errno.js";
export { checkInvariants, type InvariantOptions } from "./invariants.js";
