/**
 * The namespace's contribution: devices placed by `_PXM` and `_SLI` distance rows. The topology
 * depends only on this small interface; ./namespace.ts adapts the AML reader to it.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { SliRow } from "./distances.js";
import type { NodeDevice } from "./model.js";

export interface NamespaceLocality {
  /** Devices with an own or inherited `_PXM` (only those that declare one are worth listing). */
  devices: NodeDevice[];
  /** `_SLI` rows by the PXM of the device that returns them. */
  sli: SliRow[];
  /** Devices whose `_PXM` is computed at run time (e.g. QEMU's memory slots: `Return (MPXM (…))`). */
  dynamic: { path: string; hid?: string }[];
  diagnostics: Diagnostic[];
  /**
   * CXL host bridges (_HID ACPI0016) whether or not they have a `_PXM`: the CEDT's CHBS names them
   * by `_UID`, and Linux's cxl_acpi reads their node from `_PXM`.
   */
  cxlHostBridges?: CxlHostBridgeDevice[];
  /** CXL root devices (_HID ACPI0017): cxl_acpi binds to it, and its _DSM offers the QTG ids. */
  cxlRoots?: string[];
}

export interface CxlHostBridgeDevice { path: string; uid?: number | string; pxm?: number; pxmDynamic?: boolean }

export const NO_NAMESPACE: NamespaceLocality = { devices: [], sli: [], dynamic: [], diagnostics: [] };
