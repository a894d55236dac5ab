/**
 * Adapter from the AML namespace reader (issue 3, src/aml) to NamespaceLocality. Until that reader
 * is on this branch, DSDT/SSDT contribute nothing; see ./devices.ts for the interface.
 */
import type { DecodedTable } from "../acpi/index.js";
import { NO_NAMESPACE, type NamespaceLocality } from "./devices.js";

export function namespaceLocality(_tables: readonly DecodedTable[]): NamespaceLocality {
  return NO_NAMESPACE;
}
