/**
 * JSON files a command reads (a `sim` scenario, a `synth` description), from a path or "-" for
 * standard input. Errors are one line a person can act on: the read error in words ("no such file
 * or directory", "is a directory"), a syntax error with its file:line:column, and a hint when the
 * file is YAML rather than JSON.
 */
import { readLimited, readStdin } from "../acpi/sources/load.js";
import { UsageError } from "../errors.js";
import { jsonSyntaxError } from "../util/json-syntax.js";
import type { CliIo } from "./io.js";

/** How standard input is named in messages (as the table sources name it). */
export const STDIN_NAME = "<stdin>";

/** The 1-based line and column of character `pos` of `text`. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(pos, text.length)));
  const lastNl = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: before.length - lastNl };
}

/**
 * Does this text look like YAML (the format people often write such files in)? A document marker,
 * or a first content line of the form `key: value` / `- item`, where JSON would start with { or [.
 */
export function looksLikeYaml(text: string): boolean {
  const first = text.split("\n").map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
  if (first === undefined || first.startsWith("{") || first.startsWith("[")) return false;
  return first === "---" || /^[A-Za-z_"'][\w"' -]*:(\s|$)/.test(first) || /^- /.test(first);
}

/**
 * Parse JSON text; a syntax error is a UsageError at file:line:column saying what was expected
 * there (`code` names the format, `what` the kind of file: "scenarios").
 */
export function parseJsonText(text: string, file: string, what: string, code: string): unknown {
  const bad = jsonSyntaxError(text);
  if (bad === undefined) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      // The scanner and JSON.parse agree on the grammar; this is only a guard against a stack trace.
      throw new UsageError(`not valid JSON: ${e instanceof Error ? e.message.split("\n")[0] ?? "" : String(e)}`, { file }, code);
    }
  }
  const yaml = looksLikeYaml(text) ? `; ${what} are JSON, and this looks like YAML` : "";
  throw new UsageError(`not valid JSON: expected ${bad.expected}, found ${bad.found}${yaml}`, { file, ...lineColumn(text, bad.offset) }, code);
}

/** Read and parse a JSON file, or standard input for "-". Returns the name messages use for it. */
export async function readJsonInput(file: string, stdin: CliIo["stdin"], what: string, code: string): Promise<{ json: unknown; text: string; name: string }> {
  const fromStdin = file === "-";
  const name = fromStdin ? STDIN_NAME : file;
  const bytes = fromStdin ? await readStdin(stdin) : readLimited(file);
  const text = Buffer.from(bytes).toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new UsageError(`empty: a ${what.replace(/s$/, "")} file is a JSON object`, { file: name }, code);
  return { json: parseJsonText(text, name, what, code), text, name };
}
