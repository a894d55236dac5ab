/**
 * What `xenguest -mode hvm_build` (or libxl__build_hvm) does with memory: lay out the guest
 * (layout.ts), meminit_hvm, then the special pages. Returns the numbers the simulator reports.
 */
import type { ExtentCounts, XcInterface } from "../libxc/xenctrl.js";
import { hvmLayout, type HvmBuildConfig } from "./layout.js";
import type { Build } from "../libxc/scheduler.js";
import { alloc_magic_pages_hvm, meminit_hvm, type MeminitResult } from "./meminit_hvm.js";

export interface HvmBuildResult {
  ok: boolean;
  /** Extents populated by meminit_hvm (special pages not included). */
  extents: ExtentCounts;
  stat: MeminitResult["stat"];
  error?: string;
}

export function* hvm_build(xch: XcInterface, cfg: HvmBuildConfig): Build<HvmBuildResult> {
  const dom = hvmLayout(cfg);
  const before = { ...xch.extentCounts(cfg.domid) };
  const m = yield* meminit_hvm(xch, dom);
  const after = xch.extentCounts(cfg.domid);
  const extents = { order0: after.order0 - before.order0, order9: after.order9 - before.order9, order18: after.order18 - before.order18 };
  const res: HvmBuildResult = { ok: m.rc === 0, extents, stat: m.stat };
  if (m.error !== undefined) { res.error = m.error; return res; }
  const rc = yield* alloc_magic_pages_hvm(xch, dom);
  if (rc !== 0) { res.ok = false; res.error = `alloc_magic_pages_hvm failed (errno ${xch.errno})`; }
  return res;
}
