/**
 * What `xenguest -mode hvm_build` (or libxl__build_hvm) does with memory: lay out the guest
 * (layout.ts), meminit_hvm, then the special pages. Returns the numbers the simulator reports.
 */
import type { ExtentCounts, XcInterface } from "../libxc/xenctrl.js";
import { hvmLayout, type HvmBuildConfig, type XcDomImage } from "./layout.js";
import { sequence, type Build } from "../libxc/scheduler.js";
import { alloc_magic_pages_hvm, meminit_hvm, type MeminitResult } from "./meminit_hvm.js";

export interface HvmBuildResult {
  ok: boolean;
  /** Extents populated by meminit_hvm (special pages not included). */
  extents: ExtentCounts;
  stat: MeminitResult["stat"];
  error?: string;
}

export function hvm_build(xch: XcInterface, cfg: HvmBuildConfig): Build<HvmBuildResult> {
  // meminit_hvm's yields (the hot path) pass through sequence() rather than a generator level here.
  let dom: XcDomImage | undefined;
  let before: ExtentCounts = { order0: 0, order9: 0, order18: 0 };
  return sequence(() => {
    dom = hvmLayout(cfg);
    before = { ...xch.extentCounts(cfg.domid) };
    return meminit_hvm(xch, dom);
  }, function* (m): Build<HvmBuildResult> {
    const after = xch.extentCounts(cfg.domid);
    const extents = { order0: after.order0 - before.order0, order9: after.order9 - before.order9, order18: after.order18 - before.order18 };
    const res: HvmBuildResult = { ok: m.rc === 0, extents, stat: m.stat };
    if (m.error !== undefined || dom === undefined) { if (m.error !== undefined) res.error = m.error; return res; }
    const rc = yield* alloc_magic_pages_hvm(xch, dom);
    if (rc !== 0) { res.ok = false; res.error = `alloc_magic_pages_hvm failed (errno ${xch.errno})`; }
    return res;
  });
}
