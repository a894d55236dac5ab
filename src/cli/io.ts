/**
 * The streams a CLI run talks to. main() takes them as a parameter so that tests (and programs
 * embedding numakit) run commands in-process with their own streams; bin/numakit passes the
 * process's. Commands never touch `process.stdout`/`stderr`/`stdin` themselves.
 */
import type { Writable } from "node:stream";
import { FdOutput, writesDirectly, type Output } from "./fd-output.js";

export type { Output };

export interface CliIo {
  stdout: Output;
  /** Messages and the progress bar (which needs a stream: its width, whether it is a terminal). */
  stderr: Writable;
  /** What a SOURCE of "-" reads. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Terminal width for help text (undefined: not a terminal). */
  columns?: number | undefined;
}

let stderrGuarded = false;

/**
 * process.stderr with an 'error' listener: a message stderr refuses (2>/dev/full) has nowhere
 * else to go, and without a listener the stream's error event ended the process with exit 1 and
 * a stack trace in place of the command's own exit code.
 */
function guardedStderr(): NodeJS.WriteStream {
  if (!stderrGuarded) {
    stderrGuarded = true;
    process.stderr.on("error", () => undefined);
  }
  return process.stderr;
}

/**
 * The process's streams, each created only when used: creating process.stdin, stdout or stderr
 * loads Node's stream modules (and stdin its readline modules), a few ms of every start. stdin is
 * taken when a SOURCE of "-" reads it, stderr when something is said there, and stdout, when it
 * is a file, a pipe or /dev/null, is written directly (fd-output.ts).
 */
export function processIo(): CliIo {
  const stdin: AsyncIterable<Uint8Array | string> = { [Symbol.asyncIterator]: () => (process.stdin as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]() };
  const direct = writesDirectly(1);
  return {
    stdout: direct ? new FdOutput(1, () => process.stdout) : process.stdout,
    get stderr() { return guardedStderr(); },
    stdin,
    columns: direct ? undefined : process.stdout.columns,
  };
}
