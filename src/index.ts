/**
 * numakit as a library. The CLI is a thin layer over these; every function here reports bad
 * input with the typed errors of ./errors.js and findings as Diagnostic data.
 *
 * Layers, as in the README: sources → decoded tables (acpi) → namespace (aml) → topology →
 * validation → reports; and the Xen simulator (hypervisor, libxc, xenguest, xenopsd, scenarios).
 */

// Errors and findings.
export { NumakitError, InputError, DecodeError, UsageError, ModelInvariantError, formatLocation, type Location } from "./errors.js";
export type { Diagnostic, Severity } from "./diagnostics.js";

// ACPI tables: sources, decoding, encoding, printing.
export {
  readTables, loadSources, tablesFromBytes, parseAcpidumpText, decodeTable, encodeTable, buildTable,
  printTable, tableJson, tableDefs, formatAcpidump, formatAcpidumpTable, SYSFS_TABLES,
  type DecodedTable, type DecodedSubtable, type TableModel, type SubtableModel, type RawTable, type Provenance, type LoadedSources,
} from "./acpi/index.js";

// The AML namespace: devices, _PXM, _SLI.
export { readNamespace, decodeEisaId, encodeEisaId, decodeSli } from "./aml/index.js";
export type { NamespaceReport, NamespaceDevice, PxmInfo, SliDistances, ReadOptions as NamespaceOptions } from "./aml/index.js";

// Topology, validation and reports.
export { analyse, analyseSources, type Analysis } from "./analyse.js";
export { buildTopology, type BuildOptions } from "./topology/build.js";
export { checkTopology, topologyViolations } from "./topology/check.js";
export type { Topology, TopologyNode, Cpu, MemoryRange, Distances, DistanceSourceInfo, OsVerdict, NodeDevice } from "./topology/model.js";
export { NUMBERINGS, type Numbering } from "./topology/numbering.js";
export { validate, type Validation } from "./validate/index.js";
export { topologyText, validationText } from "./report/text.js";
export { topologyJson, validationJson, SCHEMA_VERSION } from "./report/json.js";
export { numactlBlock } from "./report/numactl.js";
export { hwlocXml } from "./report/hwloc-xml.js";

// The Xen simulator: hypervisor at hypercall level, toolstack layers, scenarios.
export { Hypervisor, createHost, xenConfig, checkInvariants, XEN_VERSIONS, NODE_CLAIMS_VARIANTS, errno, rcName } from "./sim/hypervisor/index.js";
export { hostSpecFromCompact, validateHostSpec, type HostSpec, type HostNode, type MemRange } from "./sim/host.js";
export { hostSpecFromTopology, hostSpecFromSource } from "./sim/host-source.js";
export * as libxc from "./sim/libxc/xenctrl.js";
export { hypervisorPort } from "./sim/libxc/port.js";
export { meminit_hvm } from "./sim/xenguest/meminit_hvm.js";
export { hvmLayout } from "./sim/xenguest/layout.js";
export { vmStart, prepareVmStart, FLOWS, POLICIES, type Flow, type Policy, type VmSpec, type VmStartOptions, type VmStartResult, type PreparedVmStart } from "./sim/xenopsd/vm_start.js";
// Driving prepareVmStart's builds yourself: run them to the end in a seeded order (what vmStart does).
export { interleave, type Build, type Grant } from "./sim/libxc/scheduler.js";
export { parseScenario, runScenario, scenarioHost, inlineHost, SIM_STEP_OPS, type Scenario, type RunReport } from "./sim/index.js";
