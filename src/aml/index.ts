/** The AML namespace reader: public API of src/aml (see docs/aml.md). */
export { readNamespace } from "./read.js";
export type { AmlTableInput, LocalityObject, NamespaceReport, ReadOptions, TableSummary } from "./read.js";
export type { NamespaceDevice, PxmInfo } from "./devices.js";
export type { SliDistances } from "./sli.js";
export type { AmlValue, DynamicValue, ObjectValue, StaticValue } from "./value.js";
export { decodeEisaId, encodeEisaId } from "./eisa.js";
export { decodeSli } from "./sli.js";
