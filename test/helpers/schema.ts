/**
 * JSON Schema validation for tests: every schema in schema/ compiled once by ajv (draft 2020-12,
 * strict mode, so a keyword ajv does not know is an error rather than silently unchecked).
 * Schemas refer to each other by file name ("topology.schema.json#/$defs/x").
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { repoRoot } from "./cli.js";

let ajv: Ajv2020 | undefined;

/** ajv with every schema of schema/ added under its file name (read on first use, not while suites are defined). */
function schemas(): Ajv2020 {
  if (ajv !== undefined) return ajv;
  const a = new Ajv2020({ strict: true, allErrors: true });
  const dir = join(repoRoot, "schema");
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".schema.json")).sort()) {
    a.addSchema(JSON.parse(readFileSync(join(dir, f), "utf8")) as object, f);
  }
  ajv = a;
  return a;
}

/** The file names of schema/ (for tests that check every schema compiles). */
export function schemaFiles(): string[] {
  return readdirSync(join(repoRoot, "schema")).filter((n) => n.endsWith(".schema.json")).sort();
}

/** Problems of `value` against schema/<file>, one line each ("" path = the document); [] when valid. */
export function validateAgainst(file: string, value: unknown): string[] {
  const validate = schemas().getSchema(file);
  if (validate === undefined) throw new Error(`no schema ${file} in schema/`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "$"}: ${e.message ?? "invalid"}${e.params["additionalProperty"] === undefined ? "" : ` (${String(e.params["additionalProperty"])})`}`);
}
