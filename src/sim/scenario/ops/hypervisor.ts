/**
 * The built-in step ops: one per hypercall of the hypervisor layer, with Xen's names and fields.
 * Each op's parse reads exactly the fields the hypercall takes; run calls the Hypervisor method.
 */
import { stepOpEntry, type BaseStep, type StepOp, type StepOutcome } from "../registry.js";
import type { FieldReader } from "../fields.js";
import type {
  ClaimEntry, ClaimMemoryArgs, ClaimPagesArgs, CreateDomainArgs, DecreaseReservationArgs, DomidArgs, Hypervisor, MaxMemArgs,
  MaxVcpusArgs, NodeAffinityArgs, PopulatePhysmapArgs, ShadowAllocationArgs, VcpuAffinityArgs,
} from "../../hypervisor/index.js";
import { ESRCH } from "../../hypervisor/errno.js";
import { camelKeysOf } from "../../../util/json-keys.js";

/** Largest nr_extents a scenario step may ask for: keeps every scenario finite and fast. */
export const MAX_STEP_EXTENTS = 2 ** 24;
const MAX_CPU = 65535;
/** GFNs below 2^40 (a 52-bit guest physical address space): PFN arithmetic stays exact. */
const MAX_GPFN = 2 ** 40 - 1;
const MAX_NODE_ID = 255;

type Step<A> = BaseStep & { args: A };

function base(op: string, index: number): BaseStep {
  return { op, index };
}

/** `"caller"`: the domid issuing the hypercall (default 0, the control domain). */
function caller(f: FieldReader): { caller?: number } {
  const c = f.optUint("caller", 0x7fef);
  return c === undefined ? {} : { caller: c };
}

/** Add an op whose step is just the hypercall's argument object. */
function op<A>(t: Map<string, StepOp>, name: string, fields: readonly string[], parse: (f: FieldReader) => A, run: (hv: Hypervisor, a: A) => StepOutcome): void {
  t.set(...stepOpEntry<Step<A>>(name, {
    parse: (f, index) => {
      f.only([...fields, "caller"]);
      return { ...base(name, index), args: parse(f) };
    },
    run: (ctx, step) => run(ctx.hv, step.args),
  }));
}

function domid(f: FieldReader): number {
  return f.uint("domid", 0xffff);
}

function rcOnly(r: { rc: number }): StepOutcome {
  return { rc: r.rc };
}

/** The hypervisor layer's step ops: one per hypercall. */
export function hypervisorStepOps(): Map<string, StepOp> {
  const t = new Map<string, StepOp>();
  op<CreateDomainArgs & { vcpus: boolean }>(t, "createdomain", ["domid", "max_vcpus", "node", "hap", "cpu", "vcpus"], (f) => {
    const a: CreateDomainArgs & { vcpus: boolean } = { max_vcpus: f.uint("max_vcpus", 8192), vcpus: f.optBool("vcpus") ?? true, ...caller(f) };
    const id = f.optUint("domid", 0xffff);
    if (id !== undefined) a.domid = id;
    const node = f.optUint("node", MAX_NODE_ID);
    if (node !== undefined) a.node = node;
    const hap = f.optBool("hap");
    if (hap !== undefined) a.hap = hap;
    const cpu = f.optUint("cpu", MAX_CPU);
    if (cpu !== undefined) a.cpu = cpu;
    return a;
  }, (hv, a) => {
    // libxl and xenopsd always follow createdomain with XEN_DOMCTL_max_vcpus; "vcpus": false skips it.
    const r = hv.createdomain(a);
    if (r.rc !== 0 || r.domid === undefined) return { rc: r.rc };
    if (a.vcpus) {
      const v = hv.max_vcpus({ domid: r.domid, max: a.max_vcpus, ...(a.cpu === undefined ? {} : { cpu: a.cpu }), ...(a.caller === undefined ? {} : { caller: a.caller }) });
      if (v.rc !== 0) return { rc: v.rc, result: { domid: r.domid } };
    }
    return { rc: 0, result: { domid: r.domid } };
  });

  op<MaxVcpusArgs>(t, "max_vcpus", ["domid", "max", "cpu"], (f) => {
    const a: MaxVcpusArgs = { domid: domid(f), max: f.uint("max", 8192), ...caller(f) };
    const cpu = f.optUint("cpu", MAX_CPU);
    if (cpu !== undefined) a.cpu = cpu;
    return a;
  }, (hv, a) => rcOnly(hv.max_vcpus(a)));

  op<MaxMemArgs>(t, "max_mem", ["domid", "max_memkb"], (f) => ({ domid: domid(f), max_memkb: f.uint("max_memkb", Number.MAX_SAFE_INTEGER), ...caller(f) }),
    (hv, a) => rcOnly(hv.max_mem(a)));

  op<ClaimPagesArgs>(t, "claim_pages", ["domid", "nr_pages"], (f) => ({ domid: domid(f), nr_pages: f.uint("nr_pages", 2 ** 32 - 1), ...caller(f) }),
    (hv, a) => rcOnly(hv.claim_pages(a)));

  op<ClaimMemoryArgs>(t, "claim_memory", ["domid", "claims"], (f) => ({
    domid: domid(f),
    claims: f.array("claims").map((c, i): ClaimEntry => {
      if (typeof c !== "object" || c === null || Array.isArray(c)) f.fail(`claims[${i}] must be an object`);
      const e = c as Record<string, unknown>;
      for (const k of Object.keys(e)) if (k !== "pages" && k !== "node") f.fail(`claims[${i}]: unknown field "${k}"`);
      const pages = f.checkUint(e["pages"], `claims[${i}].pages`, Number.MAX_SAFE_INTEGER);
      const node = e["node"] === "host" ? "host" : f.checkUint(e["node"], `claims[${i}].node ("host" or a node id)`, 2 ** 32 - 1);
      return { pages, node };
    }),
    ...caller(f),
  }), (hv, a) => rcOnly(hv.claim_memory(a)));

  op<DomidArgs>(t, "claim_memory_get", ["domid"], (f) => ({ domid: domid(f), ...caller(f) }), (hv, a) => {
    const r = hv.claim_memory_get(a);
    return { rc: r.rc, result: camelKeysOf({ claims: r.claims }) };
  });

  op<PopulatePhysmapArgs>(t, "populate_physmap", ["domid", "nr_extents", "extent_order", "mem_flags", "gpfn"], (f) => {
    const a: PopulatePhysmapArgs = { domid: domid(f), nr_extents: f.uint("nr_extents", MAX_STEP_EXTENTS), extent_order: f.uint("extent_order", 63), ...caller(f) };
    const gpfn = f.optUint("gpfn", MAX_GPFN);
    if (gpfn !== undefined) a.gpfn = gpfn;
    const mf = f.optObject("mem_flags");
    if (mf !== undefined) {
      mf.only(["node", "exact"]);
      const node = mf.optUint("node", MAX_NODE_ID);
      const exact = mf.optBool("exact");
      a.mem_flags = { ...(node === undefined ? {} : { node }), ...(exact === undefined ? {} : { exact }) };
    }
    return a;
  }, (hv, a) => {
    const r = hv.populate_physmap(a);
    return { rc: r.rc, result: { done: r.done } };
  });

  op<DecreaseReservationArgs>(t, "decrease_reservation", ["domid", "nr_extents", "extent_order", "node"], (f) => {
    const a: DecreaseReservationArgs = { domid: domid(f), nr_extents: f.uint("nr_extents", MAX_STEP_EXTENTS), extent_order: f.uint("extent_order", 63), ...caller(f) };
    const node = f.optUint("node", MAX_NODE_ID);
    if (node !== undefined) a.node = node;
    return a;
  }, (hv, a) => {
    const r = hv.decrease_reservation(a);
    return { rc: r.rc, result: { done: r.done } };
  });

  op<VcpuAffinityArgs>(t, "vcpu_setaffinity", ["domid", "vcpu", "hard", "soft"], (f) => {
    const a: VcpuAffinityArgs = { domid: domid(f), vcpu: f.uint("vcpu", 8191), ...caller(f) };
    const hard = f.optSetOrAll("hard", MAX_CPU);
    if (hard !== undefined) a.hard = hard;
    const soft = f.optSetOrAll("soft", MAX_CPU);
    if (soft !== undefined) a.soft = soft;
    return a;
  }, (hv, a) => rcOnly(hv.vcpu_setaffinity(a)));

  op<NodeAffinityArgs>(t, "setnodeaffinity", ["domid", "nodes"], (f) => {
    const nodes = f.json["nodes"];
    if (nodes === undefined) f.fail('missing "nodes"');
    return { domid: domid(f), nodes: f.setOrAll(nodes, "nodes", MAX_NODE_ID), ...caller(f) };
  }, (hv, a) => rcOnly(hv.setnodeaffinity(a)));

  op<ShadowAllocationArgs>(t, "shadow_set_allocation", ["domid", "mb"], (f) => ({ domid: domid(f), mb: f.uint("mb", 2 ** 20), ...caller(f) }),
    (hv, a) => rcOnly(hv.shadow_set_allocation(a)));

  op<DomidArgs>(t, "unpausedomain", ["domid"], (f) => ({ domid: domid(f), ...caller(f) }), (hv, a) => rcOnly(hv.unpausedomain(a)));
  op<DomidArgs>(t, "destroydomain", ["domid"], (f) => ({ domid: domid(f), ...caller(f) }), (hv, a) => rcOnly(hv.destroydomain(a)));

  op<DomidArgs>(t, "getdomaininfo", ["domid"], (f) => ({ domid: domid(f) }), (hv, a) => {
    const info = hv.getdomaininfo(a.domid);
    // Xen's field names (tot_pages) become the report's camelCase (totPages): one key convention.
    return info === undefined ? { rc: -ESRCH } : { rc: 0, result: camelKeysOf(info) };
  });

  op<Record<string, never>>(t, "physinfo", [], () => ({}), (hv) => ({ rc: 0, result: camelKeysOf(hv.physinfo()) }));
  op<Record<string, never>>(t, "numainfo", [], () => ({}), (hv) => ({ rc: 0, result: camelKeysOf(hv.numainfo()) }));

  op<{ mfn: number; caller?: number }>(t, "page_offline", ["mfn"], (f) => ({ mfn: f.uint("mfn", Number.MAX_SAFE_INTEGER), ...caller(f) }), (hv, a) => {
    const r = hv.page_offline(a);
    return r.status === undefined ? { rc: r.rc } : { rc: r.rc, result: { status: r.status } };
  });
  op<{ mfn: number; caller?: number }>(t, "page_online", ["mfn"], (f) => ({ mfn: f.uint("mfn", Number.MAX_SAFE_INTEGER), ...caller(f) }), (hv, a) => rcOnly(hv.page_online(a)));

  op<{ node?: number }>(t, "idle_scrub", ["node"], (f) => {
    const node = f.optUint("node", MAX_NODE_ID);
    return node === undefined ? {} : { node };
  }, (hv, a) => ({ rc: 0, result: { pages: hv.idle_scrub(a.node) } }));
  return t;
}
