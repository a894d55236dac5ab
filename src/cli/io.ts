/**
 * The streams a CLI run talks to. main() takes them as a parameter so that tests (and programs
 * embedding numakit) run commands in-process with their own streams; bin/numakit passes the
 * process's. Commands never touch `process.stdout`/`stderr`/`stdin` themselves.
 */
import type { Writable } from "node:stream";

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** What a SOURCE of "-" reads. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Terminal width for help text (undefined: not a terminal). */
  columns?: number | undefined;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, columns: process.stdout.columns };
}
