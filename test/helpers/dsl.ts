/**
 * Reads `iasl -d` output (the oracle): every `Name (_PXM|_SLI, …)` and `Method (_PXM|_SLI, …)`
 * declaration in text order, with its value when the text shows a constant — a Name with a
 * literal, or a Method whose whole body is `Return (literal)`.
 */
export interface DslObject {
  name: "_PXM" | "_SLI";
  kind: "Name" | "Method";
  /** Integer for _PXM, byte list for _SLI buffers; undefined when not a literal. */
  value?: number | number[];
}

function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

/** The text between the bracket at `open` and its match. */
function balanced(s: string, open: number, l: string, r: string): { inner: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === l) depth++;
    else if (s[i] === r && --depth === 0) return { inner: s.slice(open + 1, i), end: i };
  }
  return undefined;
}

function integer(t: string): number | undefined {
  if (t === "Zero") return 0;
  if (t === "One") return 1;
  if (/^0x[0-9A-F]+$/i.test(t) || /^[0-9]+$/.test(t)) return Number(t);
  return undefined;
}

/** A literal: integer or Buffer (n) {bytes}; whitespace already removed. */
function literal(t: string): number | number[] | undefined {
  const i = integer(t);
  if (i !== undefined) return i;
  const m = /^Buffer\(([^)]*)\)\{([^}]*)\}$/.exec(t);
  if (m === null) return undefined;
  const size = integer(m[1] ?? "");
  const bytes = (m[2] ?? "").split(",").filter((x) => x !== "").map((x) => integer(x));
  if (size === undefined || bytes.some((b) => b === undefined)) return undefined;
  const out = bytes as number[];
  while (out.length < size) out.push(0);
  return out;
}

export function dslLocalityObjects(dsl: string): DslObject[] {
  const s = stripComments(dsl);
  const out: DslObject[] = [];
  const re = /\b(Name|Method) \(((?:[\\^A-Z0-9_]+\.)*)(_PXM|_SLI)\b/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const kind = m[1] as "Name" | "Method";
    const name = m[3] as "_PXM" | "_SLI";
    const o: DslObject = { name, kind };
    const open = m.index + kind.length + 1;
    const args = balanced(s, open, "(", ")");
    if (args === undefined) { out.push(o); continue; }
    let text: string | undefined;
    if (kind === "Name") {
      text = args.inner.slice(args.inner.indexOf(",") + 1);
    } else {
      const brace = s.indexOf("{", args.end);
      const body = brace < 0 ? undefined : balanced(s, brace, "{", "}");
      const flat = body?.inner.replace(/\s+/g, "") ?? "";
      const r = /^Return\((.*)\)$/.exec(flat);
      text = r?.[1];
    }
    const v = text === undefined ? undefined : literal(text.replace(/\s+/g, ""));
    if (v !== undefined) o.value = v;
    out.push(o);
  }
  return out;
}
