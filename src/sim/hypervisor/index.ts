/** Public surface of the simulated hypervisor layer (the toolstack layer imports from here). */
export { Hypervisor, createHost, xenConfig } from "./hypervisor.js";
export type * from "./types.js";
export { NODE_CLAIMS_VARIANTS, NODE_CLAIMS_ALIASES, isClaimSets } from "./types.js";
export { XEN_VERSIONS, XEN_VERSION_ALIASES, VERSION_RULES, parseXenVersion, type VersionRules } from "./versions.js";
export { XenPanic } from "./crash.js";
export * as errno from "./errno.js";
export { rcName } from "./errno.js";
export { checkInvariants, type InvariantOptions } from "./invariants.js";
