/**
 * Where JSON text first breaks the grammar, and what was expected there. JSON.parse says only
 * "Unexpected token 'x', "<the whole text>" is not valid JSON" for most mistakes, without a
 * position (and with the text, newlines included, inside the message), so files a person writes
 * (scenarios, descriptions) are located by this scanner instead. Iterative: any nesting depth.
 */

export interface JsonSyntaxError {
  /** 0-based character offset of the first offending character (text.length at a premature end). */
  offset: number;
  /** "a property name in double quotes", "',' or '}'", ... */
  expected: string;
  /** What is there instead: "'x'", "end of input", "control character \x0A". */
  found: string;
}

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function describe(t: string, i: number): string {
  const c = t[i];
  if (c === undefined) return "end of input";
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `control character \\x${code.toString(16).toUpperCase().padStart(2, "0")}` : `'${c}'`;
}

/** The first syntax error of `t`, or undefined when `t` is one valid JSON value. */
export function jsonSyntaxError(t: string): JsonSyntaxError | undefined {
  let i = 0;
  const closers: string[] = [];
  const fail = (expected: string): JsonSyntaxError => ({ offset: i, expected, found: describe(t, i) });
  const ws = (): void => { while (i < t.length && WS.has(t[i] ?? "")) i++; };
  /** A string at t[i] === '"'; undefined when well-formed (i after it). */
  const str = (): JsonSyntaxError | undefined => {
    i++;
    for (;;) {
      const c = t[i];
      if (c === undefined) return fail("a closing '\"'");
      if (c === '"') { i++; return undefined; }
      if (c === "\\") {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(t)) return fail("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        i = ESCAPE.lastIndex;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return fail("no control character inside a string (write \\n, \\t)");
      i++;
    }
  };
  /** A property name and its colon. */
  const key = (): JsonSyntaxError | undefined => {
    ws();
    if (t[i] !== '"') return fail("a property name in double quotes");
    const e = str();
    if (e !== undefined) return e;
    ws();
    if (t[i] !== ":") return fail("':'");
    i++;
    return undefined;
  };
  let wantValue = true;
  for (;;) {
    ws();
    if (wantValue) {
      const c = t[i];
      if (c === "{" || c === "[") {
        i++;
        ws();
        if (t[i] === (c === "{" ? "}" : "]")) { i++; wantValue = false; continue; }
        closers.push(c === "{" ? "}" : "]");
        if (c === "{") { const e = key(); if (e !== undefined) return e; }
        continue;
      }
      if (c === '"') { const e = str(); if (e !== undefined) return e; wantValue = false; continue; }
      for (const re of [NUMBER, LITERAL]) {
        re.lastIndex = i;
        if (re.test(t)) { i = re.lastIndex; wantValue = false; break; }
      }
      if (wantValue) return fail("a value (object, array, string, number, true, false or null)");
      continue;
    }
    const top = closers[closers.length - 1];
    if (top === undefined) return i < t.length ? fail("the end of input") : undefined;
    if (t[i] === ",") {
      i++;
      if (top === "}") { const e = key(); if (e !== undefined) return e; }
      wantValue = true;
      continue;
    }
    if (t[i] === top) { i++; closers.pop(); continue; }
    return fail(`',' or '${top}'`);
  }
}
