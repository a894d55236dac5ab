/**
 * Output helpers. Large reports go through pipes (`numakit decode ... | head`), so we never call
 * process.exit() after writing: we wait for stdout to drain and set process.exitCode instead.
 */
import type { Output } from "./io.js";
import { hex } from "../util/hex.js";
import { visibleControls } from "../util/escape.js";

/** Streams whose reader went away (EPIPE), and streams that have the permanent error guard. */
const closed = new WeakSet<Output>();
const guarded = new WeakSet<Output>();

function isEpipe(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "EPIPE";
}

/**
 * A write the stream refused (ENOSPC on a full disk or /dev/full, EIO, …; a reader gone, EPIPE,
 * is not one), with the stream it was written to: main() words one to stdout as "cannot write
 * <stdout>: REASON" (exit 2), writingTo() one to a file it opened as "cannot write OUT: REASON".
 */
export class WriteError extends Error {
  constructor(readonly stream: Output, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : "write failed");
    this.name = "WriteError";
  }
}

/**
 * A reader that stops early (`numakit decode ... | head -1`) is not an error: later writes are
 * dropped quietly. The guard stays installed because the stream can emit EPIPE after a write's
 * callback has run, and an 'error' event without a listener would crash with a stack trace.
 */
function guard(stream: Output): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on("error", (err: unknown) => { if (isEpipe(err)) closed.add(stream); });
}

/**
 * Write text and resolve once the stream has accepted it (honours backpressure). Reports print
 * firmware strings (OEM ids, AML names, _HID strings): whatever a renderer missed, no control
 * character (an ANSI escape sequence, a carriage return) reaches the terminal raw; it is shown as
 * `\xNN`. Tabs and newlines pass; JSON from toJson() has no raw control characters left to change.
 */
export function write(text: string, stream: Output): Promise<void> {
  return writeRaw(visibleControls(text), stream);
}

function writeRaw(text: string, stream: Output): Promise<void> {
  guard(stream);
  if (closed.has(stream)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      if (err === undefined || err === null || isEpipe(err)) {
        if (isEpipe(err)) closed.add(stream);
        resolve();
      } else {
        reject(new WriteError(stream, err));
      }
    };
    const ok = stream.write(text, (err) => { if (err !== undefined && err !== null) settle(err); });
    if (ok) { settle(); return; }
    stream.once("drain", () => { settle(); });
    // A closed pipe never drains: the write callback reports EPIPE instead.
  });
}

/**
 * JSON with bigint support: bigints become "0x..." strings (64-bit addresses and lengths).
 * JSON.stringify escapes C0 controls but not DEL and C1 (U+009B is a terminal's CSI): those are
 * written as \u escapes too, the same JSON value, safe to print.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? hex(v) : v), 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
