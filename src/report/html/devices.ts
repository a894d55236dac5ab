/**
 * Devices placed by `_PXM`, grouped the way a reader thinks of them: each device with its own
 * `_PXM` (typically a PCI root bridge) and the devices that inherit it from there.
 */
import type { NodeDevice } from "../../topology/model.js";

export interface DeviceGroup {
  /** The device carrying the `_PXM` (or the ancestor named by inheritedFrom when it is listed elsewhere). */
  path: string;
  hid?: string;
  /** Listed on this node itself (false: only its descendants are). */
  own: boolean;
  below: string[];
}

export function deviceGroups(devices: readonly NodeDevice[]): DeviceGroup[] {
  const groups = new Map<string, DeviceGroup>();
  for (const d of devices) {
    if (d.inheritedFrom !== undefined) continue;
    groups.set(d.path, { path: d.path, ...(d.hid === undefined ? {} : { hid: d.hid }), own: true, below: [] });
  }
  for (const d of devices) {
    if (d.inheritedFrom === undefined) continue;
    let g = groups.get(d.inheritedFrom);
    if (g === undefined) { g = { path: d.inheritedFrom, own: false, below: [] }; groups.set(d.inheritedFrom, g); }
    g.below.push(d.path);
  }
  return [...groups.values()];
}

/** One short line per group: "\_SB.PCI0 PNP0A08 +12 below". */
export function bridgeLines(devices: readonly NodeDevice[]): string[] {
  return deviceGroups(devices).map((g) => `${g.path}${g.hid === undefined ? "" : ` ${g.hid}`}${g.below.length === 0 ? "" : ` +${g.below.length} below`}`);
}
