/**
 * Scenario step ops of the toolstack layer, registered with the runner's step-op registry:
 *   {"op": "hvm_build", "domid", "mem_mib", "target_mib"?, "mmio_mib"?, "claim"?, "pnode"?, "vnuma"?: [{"mem_mib", "pnode"}]}
 *   {"op": "vm_start", "flow", "policy", "seed", "vms": [{"name", "mem_mib", "vcpus"}], "paging_pool"?}
 */
import { UsageError } from "../../errors.js";
import { registerStepOp, type BaseStep, type StepContext, type StepOp, type StepOutcome } from "../scenario/registry.js";
import { EINVAL } from "../libxc/hypercalls.js";
import { hypervisorPort } from "../libxc/port.js";
import { xc_interface_open, type XcInterface } from "../libxc/xenctrl.js";
import { hvm_build } from "../xenguest/hvm_build.js";
import { hvmLayout, LayoutError, type HvmBuildConfig } from "../xenguest/layout.js";
import { runToEnd } from "../xenopsd/scheduler.js";
import { FLOWS, POLICIES, vmStart, type Flow, type Policy, type VmSpec, type VmStartResult } from "../xenopsd/vm_start.js";
import { formatVmStart } from "./report.js";

/** Largest guest a step may ask for: 64 TiB (keeps every PFN exact and every loop bounded). */
const MAX_MEM_MIB = 64 * 1024 * 1024;
const MAX_VMS = 100_000;
const MAX_VCPUS = 4096;

function fail(where: string, msg: string): never {
  throw new UsageError(`${where}: ${msg}`, {}, "E_SIM_STEP");
}

function keys(json: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(json)) if (!allowed.includes(k)) fail(where, `unknown field "${k}"`);
}

function int(v: unknown, where: string, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) fail(where, `${field} must be an integer in ${min}..${max}`);
  return v;
}

function optInt(v: unknown, where: string, field: string, min: number, max: number): number | undefined {
  return v === undefined ? undefined : int(v, where, field, min, max);
}

function obj(v: unknown, where: string, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(where, `${field} must be an object`);
  return v as Record<string, unknown>;
}

function arr(v: unknown, where: string, field: string, max: number): unknown[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > max) fail(where, `${field} must be a non-empty array of at most ${max} entries`);
  return v as unknown[];
}

/** One libxc handle per scenario run, so extent counts accumulate per domain across steps. */
function xchOf(ctx: StepContext): XcInterface {
  const key = "toolstack.xch";
  let x = ctx.state.get(key) as XcInterface | undefined;
  if (x === undefined) { x = xc_interface_open(hypervisorPort(ctx.hv)); ctx.state.set(key, x); }
  return x;
}

export interface HvmBuildStep extends BaseStep {
  cfg: HvmBuildConfig;
}

export const hvmBuildOp: StepOp<HvmBuildStep> = {
  parse(json, index, where) {
    keys(json, ["op", "expect", "domid", "mem_mib", "target_mib", "mmio_mib", "claim", "pnode", "vnuma"], where);
    const cfg: HvmBuildConfig = { domid: int(json["domid"], where, "domid", 0, 0x7fef), mem_mib: int(json["mem_mib"], where, "mem_mib", 1, MAX_MEM_MIB) };
    const target = optInt(json["target_mib"], where, "target_mib", 1, MAX_MEM_MIB);
    if (target !== undefined) cfg.target_mib = target;
    const mmio = optInt(json["mmio_mib"], where, "mmio_mib", 0, 4095);
    if (mmio !== undefined) cfg.mmio_mib = mmio;
    if (json["claim"] !== undefined) {
      if (typeof json["claim"] !== "boolean") fail(where, "claim must be true or false");
      cfg.claim = json["claim"];
    }
    const pnode = optInt(json["pnode"], where, "pnode", 0, 0xfe);
    if (pnode !== undefined) cfg.pnode = pnode;
    if (json["vnuma"] !== undefined) {
      if (pnode !== undefined) fail(where, "give pnode or vnuma, not both");
      cfg.vnuma = arr(json["vnuma"], where, "vnuma", 64).map((v, i) => {
        const o = obj(v, where, `vnuma[${i}]`);
        keys(o, ["mem_mib", "pnode"], `${where}: vnuma[${i}]`);
        return { mem_mib: int(o["mem_mib"], where, `vnuma[${i}].mem_mib`, 1, MAX_MEM_MIB), pnode: int(o["pnode"], where, `vnuma[${i}].pnode`, 0, 0xfe) };
      });
    }
    try { hvmLayout(cfg); } catch (e) { if (e instanceof LayoutError) fail(where, e.message); throw e; }
    const step: HvmBuildStep = { op: "hvm_build", index, cfg };
    if (json["expect"] !== undefined) step.expect = obj(json["expect"], where, "expect");
    return step;
  },
  run(ctx, step): StepOutcome {
    const xch = xchOf(ctx);
    xch.errno = 0;
    const r = runToEnd(hvm_build(xch, step.cfg));
    const info = xch.hv.getdomaininfo(step.cfg.domid);
    const pagesByNode: Record<string, number> = {};
    info?.pagesByNode.forEach((p, n) => { if (p > 0) pagesByNode[String(n)] = p; });
    const result: Record<string, unknown> = { extents: r.extents, pagesByNode, ok: r.ok };
    if (r.error !== undefined) result["error"] = r.error;
    // meminit_hvm returns -1 with errno; the step reports that errno negated, as a hypercall would.
    return { rc: r.ok ? 0 : -(xch.errno === 0 ? EINVAL : xch.errno), result };
  },
};

export interface VmStartStep extends BaseStep {
  flow: Flow;
  policy: Policy;
  seed: number;
  vms: VmSpec[];
  pagingPool: boolean;
}

export const vmStartOp: StepOp<VmStartStep> & { text: (o: StepOutcome) => string[] } = {
  parse(json, index, where) {
    keys(json, ["op", "expect", "flow", "policy", "seed", "vms", "paging_pool"], where);
    const flow = json["flow"];
    if (typeof flow !== "string" || !(FLOWS as readonly string[]).includes(flow)) fail(where, `flow must be one of ${FLOWS.map((f) => `"${f}"`).join(", ")}`);
    const policy = json["policy"] ?? "xenopsd";
    if (typeof policy !== "string" || !(POLICIES as readonly string[]).includes(policy)) fail(where, `policy must be one of ${POLICIES.map((p) => `"${p}"`).join(", ")}`);
    const seed = int(json["seed"] ?? 0, where, "seed", 0, 2 ** 32 - 1);
    const names = new Set<string>();
    const vms = arr(json["vms"], where, "vms", MAX_VMS).map((v, i): VmSpec => {
      const o = obj(v, where, `vms[${i}]`);
      keys(o, ["name", "mem_mib", "vcpus"], `${where}: vms[${i}]`);
      const name = o["name"] ?? `vm${i}`;
      if (typeof name !== "string" || name === "" || names.has(name)) fail(where, `vms[${i}].name must be a unique non-empty string`);
      names.add(name);
      return { name, mem_mib: int(o["mem_mib"], where, `vms[${i}].mem_mib`, 1, MAX_MEM_MIB), vcpus: int(o["vcpus"] ?? 1, where, `vms[${i}].vcpus`, 1, MAX_VCPUS) };
    });
    const pp = json["paging_pool"] ?? true;
    if (typeof pp !== "boolean") fail(where, "paging_pool must be true or false");
    const step: VmStartStep = { op: "vm_start", index, flow: flow as Flow, policy: policy as Policy, seed, vms, pagingPool: pp };
    if (json["expect"] !== undefined) step.expect = obj(json["expect"], where, "expect");
    return step;
  },
  run(ctx, step): StepOutcome {
    const r = vmStart(hypervisorPort(ctx.hv), { flow: step.flow, policy: step.policy, seed: step.seed, vms: step.vms, pagingPool: step.pagingPool });
    return { rc: 0, result: { flow: step.flow, policy: step.policy, seed: step.seed, ...r } };
  },
  text: (o) => formatVmStart(o.result as unknown as VmStartResult & { flow: Flow; policy: Policy; seed: number }),
};

registerStepOp("hvm_build", hvmBuildOp);
registerStepOp("vm_start", vmStartOp);
