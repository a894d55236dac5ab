/**
 * A small JSON Schema validator for the subset numakit's schemas use: type, const, enum,
 * properties, required, additionalProperties (boolean), items, minimum, maximum, pattern,
 * anyOf, oneOf, and $ref to "#/$defs/x" or "<file>.json#/$defs/x" in the schema directory.
 * Keywords outside the subset are refused, so a schema can't silently go unchecked.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./cli.js";

type Schema = Record<string, unknown>;
const KNOWN = new Set(["$schema", "$id", "title", "description", "$defs", "type", "const", "enum", "properties", "required",
  "additionalProperties", "items", "minimum", "maximum", "pattern", "anyOf", "oneOf", "$ref"]);

const cache = new Map<string, Schema>();
export function loadSchema(file: string): Schema {
  let s = cache.get(file);
  if (s === undefined) { s = JSON.parse(readFileSync(join(repoRoot, "schema", file), "utf8")) as Schema; cache.set(file, s); }
  return s;
}

function resolve(ref: string, file: string): { schema: Schema; file: string } {
  const [f, pointer] = ref.split("#");
  const target = f === undefined || f === "" ? file : f;
  let node: unknown = loadSchema(target);
  for (const part of (pointer ?? "").split("/").filter((p) => p !== "")) node = (node as Schema)[part];
  if (typeof node !== "object" || node === null) throw new Error(`unresolvable $ref ${ref}`);
  return { schema: node as Schema, file: target };
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const t = typeOf(v);
  return want === t || (want === "number" && t === "integer");
}

export function check(v: unknown, schema: Schema, file: string, path = "$"): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`schema keyword ${k} at ${path} is outside the supported subset`);
  if (typeof schema["$ref"] === "string") {
    const r = resolve(schema["$ref"], file);
    return check(v, r.schema, r.file, path);
  }
  const errs: string[] = [];
  const type = schema["type"];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => typeMatches(t, v))) return [`${path}: expected ${types.join("|")}, got ${typeOf(v)}`];
  }
  if ("const" in schema && JSON.stringify(schema["const"]) !== JSON.stringify(v)) errs.push(`${path}: expected ${JSON.stringify(schema["const"])}`);
  if (Array.isArray(schema["enum"]) && !schema["enum"].some((e) => JSON.stringify(e) === JSON.stringify(v))) errs.push(`${path}: ${JSON.stringify(v)} not in enum`);
  if (typeof v === "number") {
    if (typeof schema["minimum"] === "number" && v < schema["minimum"]) errs.push(`${path}: ${v} < ${schema["minimum"]}`);
    if (typeof schema["maximum"] === "number" && v > schema["maximum"]) errs.push(`${path}: ${v} > ${schema["maximum"]}`);
  }
  if (typeof v === "string" && typeof schema["pattern"] === "string" && !new RegExp(schema["pattern"]).test(v)) errs.push(`${path}: "${v}" does not match ${schema["pattern"]}`);
  if (Array.isArray(v) && schema["items"] !== undefined) v.forEach((x, i) => errs.push(...check(x, schema["items"] as Schema, file, `${path}[${i}]`)));
  if (typeOf(v) === "object") {
    const o = v as Record<string, unknown>;
    const props = (schema["properties"] ?? {}) as Record<string, Schema>;
    for (const r of (schema["required"] ?? []) as string[]) if (!(r in o)) errs.push(`${path}: missing ${r}`);
    for (const [k, x] of Object.entries(o)) {
      const p = props[k];
      if (p !== undefined) errs.push(...check(x, p, file, `${path}.${k}`));
      else if (schema["additionalProperties"] === false) errs.push(`${path}: unexpected property ${k}`);
    }
  }
  if (Array.isArray(schema["anyOf"]) && !(schema["anyOf"] as Schema[]).some((s) => check(v, s, file, path).length === 0)) errs.push(`${path}: matches no anyOf branch`);
  if (Array.isArray(schema["oneOf"])) {
    const n = (schema["oneOf"] as Schema[]).filter((s) => check(v, s, file, path).length === 0).length;
    if (n !== 1) errs.push(`${path}: matches ${n} oneOf branches, expected 1`);
  }
  return errs;
}

/** Errors of `value` against schema/<file> (empty = valid). */
export function validateAgainst(file: string, value: unknown): string[] {
  return check(value, loadSchema(file), file);
}
