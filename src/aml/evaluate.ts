/**
 * The static evaluator: decides whether an object's value is known without running AML.
 * Static means a Name whose data is a constant, or a Method whose body is `Return (constant)`
 * (including Return (Buffer …) and Return (Package …)). Everything else (method calls, arithmetic,
 * field and named-object reads, conditions) is reported dynamic with a one-line reason.
 */
import { DiagnosticSink } from "../diagnostics.js";
import { formatNamePath } from "./encoding.js";
import type { Expr } from "./expr.js";
import type { Decl, Namespace, NsNode } from "./namespace.js";
import { AmlParser } from "./parser.js";
import { NotStatic, type AmlValue, type ObjectValue } from "./value.js";
import { hex } from "../util/hex.js";

/**
 * A BufferSize beyond both its initializer and this many bytes is not materialised: a lying size
 * must not allocate (real _SLI buffers are 2·N bytes for N <= 256 localities or so).
 */
export const MAX_STATIC_BUFFER = 4096;
const MAX_ALIAS_HOPS = 8;


/** The constant an expression denotes, or why it is not one. */
export function constantOf(e: Expr): AmlValue | NotStatic {
  switch (e.t) {
    case "int": return { type: "integer", value: e.v };
    case "str": return { type: "string", value: e.v };
    case "buf": {
      if (e.size.t !== "int") return new NotStatic(`buffer size is computed (${describe(e.size)})`);
      const declared = e.size.v;
      if (declared > BigInt(Math.max(MAX_STATIC_BUFFER, e.bytes.length))) return new NotStatic(`buffer size ${declared} is larger than numakit materialises (${MAX_STATIC_BUFFER} bytes)`);
      // §19.6.10: a BufferSize larger than the initializer zero-fills; a smaller one is raised to fit.
      const out = new Uint8Array(Math.max(Number(declared), e.bytes.length));
      out.set(e.bytes);
      return { type: "buffer", bytes: out };
    }
    case "pkg": {
      if (e.count.t !== "int") return new NotStatic(`package size is computed (${describe(e.count)})`);
      const elements: AmlValue[] = [];
      for (const el of e.elems) {
        if (el.t === "name") { elements.push({ type: "reference", path: formatNamePath(el.path) }); continue; }
        const v = constantOf(el);
        if (v instanceof NotStatic) return new NotStatic(`package element: ${v.reason}`);
        elements.push(v);
      }
      return { type: "package", elements };
    }
    default: return new NotStatic(describe(e));
  }
}

/** Why an expression needs evaluation, in words. */
export function describe(e: Expr): string {
  switch (e.t) {
    case "name": return `refers to ${formatNamePath(e.path)}, whose value is known only at run time`;
    case "call": return `calls method ${formatNamePath(e.path)}`;
    case "local": return `returns Local${e.n}, computed at run time`;
    case "arg": return `depends on Arg${e.n}`;
    case "op": return e.op === "Revision" ? "uses Revision (interpreter-dependent)" : `computes ${e.op} at run time`;
    case "block": return e.op === "Else" ? "has an Else branch" : `branches on a condition (${e.op} at offset ${hex(e.off)})`;
    case "decl": return `declares a ${e.kind} at run time`;
    case "null": return "has no value";
    default: return "is a constant";
  }
}

/** Why `Return (e)` needs evaluation, in words. */
function describeReturn(e: Expr): string {
  switch (e.t) {
    case "name": return `returns ${formatNamePath(e.path)}, whose value is known only at run time`;
    case "call": return `returns the result of method ${formatNamePath(e.path)}`;
    case "op": return `returns a value computed at run time (${e.op})`;
    default: return describe(e);
  }
}

/** Evaluates objects of one namespace; caches per declaration so each is parsed once. */
export class StaticEvaluator {
  private readonly cache = new Map<Decl, ObjectValue<AmlValue>>();

  constructor(
    private readonly ns: Namespace,
    /** Where method-body parse problems go, per table label. */
    private readonly sinkFor: (table: string) => DiagnosticSink,
  ) {}

  /** The value of one declaration on its own (ignores other declarations of the same name). */
  decl(node: NsNode, d: Decl, hops = 0): ObjectValue<AmlValue> {
    const hit = this.cache.get(d);
    if (hit !== undefined) return hit;
    const r = this.compute(node, d, hops);
    this.cache.set(d, r);
    return r;
  }

  /**
   * The value of a named object, taking every declaration into account: an object declared more
   * than once, or only inside a load-time If/Else, is dynamic (which declaration wins depends on
   * execution).
   */
  node(node: NsNode, hops = 0): ObjectValue<AmlValue> | undefined {
    const defs = node.definitions;
    const first = defs[0];
    if (first === undefined) {
      const ext = node.decls.find((d) => d.kind === "External");
      return ext === undefined ? undefined : { static: false, reason: "declared only as External (its definition is in a table that was not read)", table: ext.table, offset: ext.offset };
    }
    if (defs.length > 1) {
      const where = defs.map((d) => `${d.table} ${hex(d.offset)}`).join(", ");
      return { static: false, reason: `declared ${defs.length} times (${where}); which one exists depends on load-time conditions`, table: first.table, offset: first.offset };
    }
    const v = this.decl(node, first, hops);
    if (first.conditional !== undefined) {
      const what = v.static ? "" : `; ${v.reason}`;
      return { static: false, reason: `declared inside ${first.conditional}, so it exists only if that load-time condition holds${what}`, table: first.table, offset: first.offset };
    }
    return v;
  }

  private compute(node: NsNode, d: Decl, hops: number): ObjectValue<AmlValue> {
    const at = { table: d.table, offset: d.offset };
    const result = (v: AmlValue | NotStatic): ObjectValue<AmlValue> =>
      v instanceof NotStatic ? { static: false, reason: v.reason, ...at } : { static: true, value: v, ...at };
    switch (d.kind) {
      case "Name": return d.value === undefined ? { static: false, reason: "Name has no data", ...at } : result(constantOf(d.value));
      case "Method": return result(this.methodResult(node, d));
      case "Alias": {
        const target = d.aliasOf === undefined ? undefined : this.ns.lookup(d.aliasOf.scope, d.aliasOf.path);
        if (target === undefined || hops >= MAX_ALIAS_HOPS) return { static: false, reason: "Alias whose target is not found", ...at };
        const v = this.node(target, hops + 1);
        return v ?? { static: false, reason: `Alias of ${target.path}, which has no value`, ...at };
      }
      case "Field": return { static: false, reason: "is a field unit (reading it reads hardware)", ...at };
      case "BufferField": return { static: false, reason: "is a buffer field created at run time", ...at };
      default: return { static: false, reason: `is a ${d.kind} object, not a value`, ...at };
    }
  }

  private methodResult(node: NsNode, d: Decl): AmlValue | NotStatic {
    const m = d.method;
    if (m === undefined) return new NotStatic("method without a body");
    const sink = this.sinkFor(d.table);
    const before = sink.items.length;
    const parser = new AmlParser(this.ns, { label: d.table, bytes: m.bytes, intBits: m.intBits }, sink);
    const body = parser.parseMethodBody(m.start, m.end, node).filter((s) => !(s.t === "op" && s.op === "Noop"));
    if (sink.items.length > before) return new NotStatic("method body is malformed (see diagnostics)");
    const [firstStmt] = body;
    if (firstStmt === undefined) return new NotStatic("method body is empty (returns no value)");
    if (firstStmt.t === "op" && firstStmt.op === "Return") {
      const [arg] = firstStmt.args;
      if (arg === undefined) return new NotStatic("Return without a value");
      const v = constantOf(arg);
      if (!(v instanceof NotStatic) || arg.t === "pkg" || arg.t === "buf") return v;
      return new NotStatic(describeReturn(arg));
    }
    if (firstStmt.t === "call") return new NotStatic(`method body calls ${formatNamePath(firstStmt.path)} before returning`);
    if (firstStmt.t === "block") return new NotStatic(`method body ${describe(firstStmt)}`);
    if (firstStmt.t === "op") return new NotStatic(`method body runs ${firstStmt.op} before returning`);
    return new NotStatic(`method body ${describe(firstStmt)}`);
  }
}

