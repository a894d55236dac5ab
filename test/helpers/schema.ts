/**
 * JSON outputs checked against the published schemas (schema/*.schema.json) with ajv, draft
 * 2020-12, strict mode: a keyword ajv does not know, or a schema that is not valid 2020-12, is an
 * error, so no part of a schema silently goes unchecked. Schemas are read when first used.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { repoPath } from "./paths.js";

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (ajv === undefined) {
    // Union types ("type": ["string", "null"]) are plain 2020-12; every other strict check stays on.
    // ajv is loaded on first use, so the suite loads (and its other tests run) without it.
    const { Ajv2020: Ajv } = createRequire(import.meta.url)("ajv/dist/2020.js") as { Ajv2020: typeof Ajv2020 };
    ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
    // Every schema, so a $ref from one file to another resolves by its $id.
    for (const f of readdirSync(repoPath("schema")).filter((n) => n.endsWith(".json")).sort()) {
      ajv.addSchema(JSON.parse(readFileSync(repoPath("schema", f), "utf8")) as object, f);
    }
  }
  return ajv;
}

/** The schema's complaints about `value` ("/nodes/0/cpus: must be array"), none when it is valid. */
export function schemaErrors(file: string, value: unknown): string[] {
  let v = validators.get(file);
  if (v === undefined) {
    v = instance().getSchema(file);
    if (v === undefined) throw new Error(`no schema ${file} in schema/`);
    validators.set(file, v);
  }
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath === "" ? "/" : e.instancePath}: ${e.message ?? e.keyword}${e.params["additionalProperty"] === undefined ? "" : ` (${String(e.params["additionalProperty"])})`}`);
}

/** The same check under the name some suites use. */
export const validateAgainst = schemaErrors;

/** Every schema file in schema/, sorted. */
export function schemaFiles(): string[] {
  return readdirSync(repoPath("schema")).filter((n) => n.endsWith(".schema.json")).sort();
}
