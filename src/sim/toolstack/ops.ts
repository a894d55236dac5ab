/**
 * Scenario step ops of the toolstack layer (src/sim/index.ts adds them to the runner's op table):
 *   {"op": "hvm_build", "domid", "mem_mib", "target_mib"?, "mmio_mib"?, "claim"?, "pnode"?, "vnuma"?: [{"mem_mib", "pnode"}]}
 *   {"op": "vm_start", "flow", "policy", "seed", "vms": [{"name", "mem_mib", "vcpus", "hvmloader_pages"?}], "paging_pool"?, "xenopsd"?, "numa_policy"?, "interleave"?}
 *   {"op": "xl_info", "numa"?}: the host as `xl info [-n]` prints it (xl_info.ts), at that point of the scenario
 */
import { FieldReader } from "../scenario/fields.js";
import { stepOpEntry, type BaseStep, type StepContext, type StepOp, type StepOutcome } from "../scenario/registry.js";
import { EINVAL, type DomainInfo } from "../libxc/hypercalls.js";
import { hypervisorPort } from "../libxc/port.js";
import { xc_domain_getinfo_single, xc_interface_open, type XcInterface } from "../libxc/xenctrl.js";
import { hvm_build } from "../xenguest/hvm_build.js";
import { hvmLayout, LayoutError, type HvmBuildConfig } from "../xenguest/layout.js";
import { GRANULARITIES, runToEnd, type Granularity } from "../libxc/scheduler.js";
import { FLOWS, NUMA_POLICIES, numaPolicyError, POLICIES, vmStart, XENOPSD_BUILDS, type Flow, type NumaPolicy, type Policy, type VmSpec, type VmStartOptions, type VmStartResult, type XenopsdBuild } from "../xenopsd/vm_start.js";
import { vmStartTable } from "./report.js";
import { formatXlInfo, xlInfo, type XlInfo } from "./xl_info.js";

/** Largest guest a step may ask for: 64 TiB (keeps every PFN exact and every loop bounded). */
const MAX_MEM_MIB = 64 * 1024 * 1024;
const MAX_VMS = 100_000;
const MAX_VCPUS = 4096;
const MAX_NODE_ID = 0xfe;
/** hvmloader's pages live in its reserved area, 0xFC000000..0xFE000000 (32 MiB). */
const MAX_HVMLOADER_PAGES = 8192;

function positive(f: FieldReader, v: unknown, what: string, max: number): number {
  const n = f.checkUint(v, what, max);
  if (n === 0) f.fail(`${what} must be at least 1`);
  return n;
}

function objectAt(f: FieldReader, v: unknown, what: string, keys: readonly string[]): FieldReader {
  if (typeof v !== "object" || v === null || Array.isArray(v)) f.fail(`${what} must be an object`);
  const r = new FieldReader(v as Record<string, unknown>, `${f.where}: ${what}`, f.loc);
  for (const k of Object.keys(r.json)) if (!keys.includes(k)) r.fail(`unknown field "${k}"`);
  return r;
}

function nonEmpty(f: FieldReader, key: string, max: number): unknown[] {
  const a = f.array(key);
  if (a.length === 0 || a.length > max) f.fail(`${key} must have 1..${max} entries`);
  return a;
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
  parse(f, index) {
    f.only(["domid", "mem_mib", "target_mib", "mmio_mib", "claim", "pnode", "vnuma"]);
    const cfg: HvmBuildConfig = { domid: f.uint("domid", 0x7fef), mem_mib: positive(f, f.json["mem_mib"], "mem_mib", MAX_MEM_MIB) };
    if (f.json["target_mib"] !== undefined) cfg.target_mib = positive(f, f.json["target_mib"], "target_mib", MAX_MEM_MIB);
    const mmio = f.optUint("mmio_mib", 4095);
    if (mmio !== undefined) cfg.mmio_mib = mmio;
    const claim = f.optBool("claim");
    if (claim !== undefined) cfg.claim = claim;
    const pnode = f.optUint("pnode", MAX_NODE_ID);
    if (pnode !== undefined) cfg.pnode = pnode;
    if (f.json["vnuma"] !== undefined) {
      if (pnode !== undefined) f.fail("give pnode or vnuma, not both");
      cfg.vnuma = nonEmpty(f, "vnuma", 64).map((v, i) => {
        const r = objectAt(f, v, `vnuma[${i}]`, ["mem_mib", "pnode"]);
        return { mem_mib: positive(r, r.json["mem_mib"], "mem_mib", MAX_MEM_MIB), pnode: r.uint("pnode", MAX_NODE_ID) };
      });
    }
    try { hvmLayout(cfg); } catch (e) { if (e instanceof LayoutError) f.fail(e.message); throw e; }
    return { op: "hvm_build", index, cfg };
  },
  run(ctx, step): StepOutcome {
    const xch = xchOf(ctx);
    xch.errno = 0;
    const r = runToEnd(hvm_build(xch, step.cfg));
    const errno = xch.errno;
    const got: { value?: DomainInfo } = {};
    const info = xc_domain_getinfo_single(xch, step.cfg.domid, got) === 0 ? got.value : undefined;
    const pagesByNode: Record<string, number> = {};
    info?.pagesByNode.forEach((p, n) => { if (p > 0) pagesByNode[String(n)] = p; });
    const result: Record<string, unknown> = { extents: r.extents, pagesByNode, ok: r.ok };
    if (r.error !== undefined) result["error"] = r.error;
    // meminit_hvm returns -1 with errno; the step reports that errno negated, as a hypercall would.
    return { rc: r.ok ? 0 : -(errno === 0 ? EINVAL : errno), result };
  },
};

/** A vm_start step is the options of vmStart() plus the step's own fields (one type, not two). */
export type VmStartStep = BaseStep & VmStartOptions;

export const vmStartOp: StepOp<VmStartStep> = {
  parse(f, index) {
    f.only(["flow", "policy", "seed", "vms", "paging_pool", "xenopsd", "numa_policy", "interleave"]);
    const flow = f.json["flow"];
    if (typeof flow !== "string" || !(FLOWS as readonly string[]).includes(flow)) f.fail(`flow must be one of ${FLOWS.map((x) => `"${x}"`).join(", ")}`);
    const policy = f.json["policy"] ?? "xenopsd";
    if (typeof policy !== "string" || !(POLICIES as readonly string[]).includes(policy)) f.fail(`policy must be one of ${POLICIES.map((x) => `"${x}"`).join(", ")}`);
    const seed = f.optUint("seed") ?? 0;
    const names = new Set<string>();
    const vms = nonEmpty(f, "vms", MAX_VMS).map((v, i): VmSpec => {
      const r: FieldReader = objectAt(f, v, `vms[${i}]`, ["name", "mem_mib", "vcpus", "hvmloader_pages"]);
      const name = r.json["name"] ?? `vm${i}`;
      if (typeof name !== "string" || name === "" || names.has(name)) r.fail("name must be a unique non-empty string");
      names.add(name);
      const vm: VmSpec = { name, mem_mib: positive(r, r.json["mem_mib"], "mem_mib", MAX_MEM_MIB), vcpus: positive(r, r.json["vcpus"] ?? 1, "vcpus", MAX_VCPUS) };
      const hvmloader = r.optUint("hvmloader_pages", MAX_HVMLOADER_PAGES);
      if (hvmloader !== undefined) vm.hvmloaderPages = hvmloader;
      return vm;
    });
    const step: VmStartStep = { op: "vm_start", index, flow: flow as Flow, policy: policy as Policy, seed, vms, pagingPool: f.optBool("paging_pool") ?? true };
    const build = f.json["xenopsd"];
    if (build !== undefined) {
      if (typeof build !== "string" || !(XENOPSD_BUILDS as readonly string[]).includes(build)) f.fail(`xenopsd must be one of ${XENOPSD_BUILDS.map((x) => `"${x}"`).join(", ")}`);
      step.xenopsd = build as XenopsdBuild;
    }
    const numaPolicy = f.json["numa_policy"];
    if (numaPolicy !== undefined) {
      if (typeof numaPolicy !== "string" || !(NUMA_POLICIES as readonly string[]).includes(numaPolicy)) f.fail(`numa_policy must be one of ${NUMA_POLICIES.map((x) => `"${x}"`).join(", ")}`);
      const p = numaPolicy as NumaPolicy;
      const refused = numaPolicyError(flow as Flow, p);
      if (refused !== undefined) f.fail(refused);
      step.numaPolicy = p;
    }
    const granularity = f.json["interleave"];
    if (granularity !== undefined) {
      if (typeof granularity !== "string" || !(GRANULARITIES as readonly string[]).includes(granularity)) f.fail(`interleave must be one of ${GRANULARITIES.map((x) => `"${x}"`).join(", ")}`);
      step.interleave = granularity as Granularity;
    }
    return step;
  },
  run(ctx, step): StepOutcome {
    const r = vmStart(hypervisorPort(ctx.hv), step);
    // The build variant is reported when the step names it (older reports stay as they were).
    const build = step.xenopsd === undefined ? {} : { xenopsd: step.xenopsd };
    const numa = step.numaPolicy === undefined ? {} : { numaPolicy: step.numaPolicy };
    // Likewise the granularity, when the step names it.
    const granularity = step.interleave === undefined ? {} : { interleave: step.interleave };
    return { rc: 0, result: { flow: step.flow, policy: step.policy, seed: step.seed, ...build, ...numa, ...granularity, ...r } };
  },
  // The step's row shows its flow, policy and seed: below it, the per-VM table.
  text: (o) => vmStartTable(o.result as unknown as VmStartResult),
};

export interface XlInfoStep extends BaseStep {
  /** `xl info -n` (default) or plain `xl info`. */
  numa: boolean;
}

export const xlInfoOp: StepOp<XlInfoStep> = {
  parse(f, index) {
    f.only(["numa"]);
    return { op: "xl_info", index, numa: f.optBool("numa") ?? true };
  },
  run(ctx, step): StepOutcome {
    const x = xlInfo(hypervisorPort(ctx.hv));
    const { cpuTopology: _topology, numaInfo: _numa, ...phys } = x;
    return { rc: 0, result: step.numa ? { ...x } : { ...phys, numa: false } };
  },
  text: (o) => {
    const r = o.result as unknown as XlInfo & { numa?: false };
    return formatXlInfo(r, r.numa !== false).map((l) => `  ${l}`);
  },
};

/** The toolstack layer's step ops (src/sim/index.ts adds them to the runner's table). */
export function toolstackStepOps(): [string, StepOp][] {
  return [stepOpEntry("hvm_build", hvmBuildOp), stepOpEntry("vm_start", vmStartOp), stepOpEntry("xl_info", xlInfoOp)];
}
