/**
 * Typed errors. Library code throws these; the CLI turns them into one line and an exit code.
 * Nothing else should escape to the user as a stack trace.
 */
import { hex } from "./util/hex.js";

import { oneLineText } from "./util/escape.js";

/** Where in the input a problem sits: file, table (signature) and byte offset within the table. */
export interface Location {
  file?: string;
  table?: string;
  offset?: number;
  /** 1-based line in a text source (acpidump text, scenario file). */
  line?: number;
  /** 1-based column on that line (a JSON syntax error). */
  column?: number;
}


export function formatLocation(loc: Location): string {
  const parts: string[] = [];
  // File names and table signatures come from the input (a damaged dump's "signature" can hold a
  // newline or an escape sequence): shown with visible escapes, so a location stays one line.
  if (loc.file !== undefined) {
    const at = loc.line === undefined ? "" : loc.column === undefined ? `:${loc.line}` : `:${loc.line}:${loc.column}`;
    parts.push(`${oneLineText(loc.file)}${at}`);
  }
  if (loc.table !== undefined) parts.push(oneLineText(loc.table));
  if (loc.offset !== undefined) parts.push(`offset ${hex(loc.offset)}`);
  return parts.join(": ");
}

export class NumakitError extends Error {
  /** Stable machine-readable code, e.g. "E_INPUT_UNREADABLE". */
  readonly code: string;
  readonly location: Location;
  /** The CLI exit code this error maps to. */
  readonly exitCode: number;

  constructor(code: string, message: string, location: Location = {}, exitCode = 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.location = location;
    this.exitCode = exitCode;
  }

  /**
   * One line: "<file>: <table>: offset 0x..: message", whatever the message quotes back (a command
   * line's words, a firmware string can hold a newline or an escape sequence: shown as `\xNN`).
   */
  oneLine(): string {
    const where = formatLocation(this.location);
    return oneLineText(where === "" ? this.message : `${where}: ${this.message}`);
  }
}

/** The input cannot be read or is not something numakit understands (exit 2). */
export class InputError extends NumakitError {
  constructor(code: string, message: string, location: Location = {}, options?: { cause?: unknown }) {
    super(code, message, location, 2, options);
  }
}

/** A table's bytes cannot be decoded at all (exit 2 when nothing usable remains). */
export class DecodeError extends NumakitError {
  constructor(code: string, message: string, location: Location = {}, options?: { cause?: unknown }) {
    super(code, message, location, 2, options);
  }
}

/** Bad command-line usage or a bad scenario/config file (exit 2). */
export class UsageError extends NumakitError {
  constructor(message: string, location: Location = {}, code = "E_USAGE") {
    super(code, message, location, 2);
  }
}

/**
 * The model broke one of its own invariants (src/topology/check.ts): a bug in numakit, never a
 * property of the input. It lists every violation found.
 */
export class ModelInvariantError extends NumakitError {
  constructor(readonly violations: readonly string[]) {
    super("E_MODEL_INVARIANT", `topology model invariant broken: ${violations.join("; ")}`, {}, 2);
  }
}
