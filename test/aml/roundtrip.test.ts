/**
 * Property: a random valid namespace, encoded to AML by the test encoder, parses back to the same
 * tree: the same names in the same order, the same kinds, and the same constant values.
 */
import { expect } from "chai";
import fc from "fast-check";
import { DiagnosticSink } from "../../src/diagnostics.js";
import { StaticEvaluator } from "../../src/aml/evaluate.js";
import type { NsNode } from "../../src/aml/namespace.js";
import { readNamespace } from "../../src/aml/index.js";
import type { AmlValue } from "../../src/aml/value.js";
import { encodeObj, encodeTable, type GenObj, type GenValue } from "./encoder.js";

const lead = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_";
const rest = `${lead}0123456789`;
const segArb = fc.tuple(fc.constantFrom(...lead.split("")), fc.string({ unit: fc.constantFrom(...rest.split("")), minLength: 3, maxLength: 3 })).map(([a, b]) => a + b);

const valueArb: fc.Arbitrary<GenValue> = fc.letrec<{ v: GenValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }).map((v): GenValue => ({ t: "int", v })),
    fc.constantFrom(0n, 1n, 0xffn, 0x100n, 0xffffffffn).map((v): GenValue => ({ t: "int", v })),
    fc.string({ unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 20 }).map((v): GenValue => ({ t: "str", v })),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 80 }).map((bytes): GenValue => ({ t: "buf", bytes })),
    fc.array(tie("v"), { maxLength: 5 }).map((elems): GenValue => ({ t: "pkg", elems })),
  ),
})).v;

const objArb: fc.Arbitrary<GenObj> = fc.letrec<{ o: GenObj }>((tie) => ({
  o: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("Name" as const), seg: segArb, value: valueArb }),
    fc.record({ kind: fc.constant("Method" as const), seg: segArb, argCount: fc.integer({ min: 0, max: 7 }), ret: valueArb }),
    fc.record({
      kind: fc.constantFrom("Scope" as const, "Device" as const, "Processor" as const, "PowerResource" as const, "ThermalZone" as const),
      seg: segArb,
      children: fc.array(tie("o"), { maxLength: 6 }),
    }),
  ),
})).o;

/**
 * Give every object a name used nowhere else in the tree: Scope(X) follows the namespace search
 * rules, so a name repeated in an ancestor would legitimately open that ancestor's object.
 */
function uniquify(objs: GenObj[], used = new Set<string>(["_GPE", "_PR_", "_SB_", "_SI_", "_TZ_"])): GenObj[] {
  return objs.map((o) => {
    let seg = o.seg;
    for (let i = 0; used.has(seg); i++) seg = `Q${i.toString(36).toUpperCase().padStart(3, "0")}`;
    used.add(seg);
    return "children" in o ? { ...o, seg, children: uniquify(o.children, used) } : { ...o, seg };
  });
}

function toGen(v: AmlValue): GenValue {
  switch (v.type) {
    case "integer": return { t: "int", v: v.value };
    case "string": return { t: "str", v: v.value };
    case "buffer": return { t: "buf", bytes: [...v.bytes] };
    case "package": return { t: "pkg", elems: v.elements.map(toGen) };
    case "reference": throw new Error("unexpected reference");
  }
}

function extract(node: NsNode, ev: StaticEvaluator): GenObj[] {
  return [...node.children.values()].filter((c) => c.decls.length > 0).map((c): GenObj => {
    const kind = c.kind;
    const d = c.decls[0];
    if (d === undefined) throw new Error("no decl");
    if (kind === "Name" || kind === "Method") {
      const v = ev.decl(c, d);
      if (!v.static) throw new Error(`${c.path} not static: ${v.reason}`);
      return kind === "Name" ? { kind, seg: c.seg, value: toGen(v.value) } : { kind, seg: c.seg, argCount: d.method?.argCount ?? -1, ret: toGen(v.value) };
    }
    if (kind !== "Scope" && kind !== "Device" && kind !== "Processor" && kind !== "PowerResource" && kind !== "ThermalZone") throw new Error(kind);
    return { kind, seg: c.seg, children: extract(c, ev) };
  });
}

describe("aml: encode -> parse round trip (fast-check)", () => {
  it("parses a random valid namespace back to the same tree", () => {
    fc.assert(fc.property(fc.array(objArb, { maxLength: 8 }), (raw) => {
      const objs = uniquify(raw);
      const bytes = encodeTable(objs.flatMap(encodeObj));
      const r = readNamespace([{ signature: "DSDT", bytes }]);
      expect(r.diagnostics).to.deep.equal([]);
      const ev = new StaticEvaluator(r.namespace, (t) => new DiagnosticSink({ table: t }));
      expect(extract(r.namespace.root, ev)).to.deep.equal(objs);
    }));
  });

  it("round-trips PkgLengths of every encoded size (1 to 4 bytes)", () => {
    for (const n of [0, 1, 62, 63, 64, 4000, 4094, 4096, 70000]) {
      const objs: GenObj[] = [{ kind: "Device", seg: "DEV0", children: [{ kind: "Name", seg: "BUF0", value: { t: "buf", bytes: new Array<number>(n).fill(7) } }] }];
      const r = readNamespace([{ signature: "DSDT", bytes: encodeTable(objs.flatMap(encodeObj)) }]);
      expect(r.diagnostics, `n=${n}`).to.deep.equal([]);
      const ev = new StaticEvaluator(r.namespace, (t) => new DiagnosticSink({ table: t }));
      expect(extract(r.namespace.root, ev)).to.deep.equal(objs);
    }
  });
});
