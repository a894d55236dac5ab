/**
 * The process's stdout written with fs.writeSync, for the outputs where Node itself writes
 * synchronously (its docs, "A note on process I/O": files, and pipes and sockets on Linux).
 * Creating process.stdout loads Node's stream modules: about 2 ms of a 60 ms start (issue 19), for
 * a command that writes one report. A write the descriptor refuses for now (EAGAIN: a non-blocking
 * pipe) goes to process.stdout instead, and so does every later one, so the order is kept.
 */
import { EventEmitter } from "node:events";
import { fstatSync, statSync, writeSync } from "node:fs";

type WriteCallback = (err?: Error | null) => void;

/** What commands print to (CliIo's stdout): a Writable, or an FdOutput, which has these of its methods. */
export interface Output {
  write(chunk: string | Uint8Array, cb?: WriteCallback): boolean;
  once(event: "drain", listener: () => void): unknown;
  on(event: "drain", listener: () => void): unknown;
  on(event: "error", listener: (err: unknown) => void): unknown;
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

/**
 * Whether `fd` is where direct writes behave as Node's stream would: a regular file, a pipe, a
 * socket, or /dev/null. A terminal (or anything else) keeps Node's stream: it knows the window's
 * width and the terminal's modes.
 */
export function writesDirectly(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (st.isFile() || st.isFIFO() || st.isSocket()) return true;
    return st.isCharacterDevice() && st.rdev === statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

export class FdOutput extends EventEmitter implements Output {
  /** process.stdout, once a write had to go there (every later write follows it). */
  private stream: Output | undefined;

  /**
   * `takeStream` gives process.stdout when a write must go there; `writeFd` is fs.writeSync (the
   * tests give one that fails as a full or closed pipe does).
   */
  constructor(private readonly fd: number, private readonly takeStream: () => Output, private readonly writeFd: (fd: number, bytes: Uint8Array, offset: number, length: number) => number = writeSync) {
    super();
  }

  write(chunk: string | Uint8Array, cb?: WriteCallback): boolean {
    if (this.stream !== undefined) return this.stream.write(chunk, cb);
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let done = 0;
    try {
      while (done < bytes.length) done += this.writeFd(this.fd, bytes, done, bytes.length - done);
    } catch (err) {
      if (errnoOf(err) === "EAGAIN") return this.handOver().write(bytes.subarray(done), cb);
      // As a stream whose write fails at once reports it: false from the call (an errored
      // Writable's write() returns false), then the callback and an 'error' event. Returning true
      // let output.ts take the write as done before the callback said it failed: a report cut
      // short by a full disk ended with exit 0 and no word.
      const e = err instanceof Error ? err : new Error(String(err));
      process.nextTick(() => { cb?.(e); if (this.listenerCount("error") > 0) this.emit("error", e); });
      return false;
    }
    if (cb !== undefined) process.nextTick(cb);
    return true;
  }

  private handOver(): Output {
    const stream = this.takeStream();
    // Its events reach whoever listens here (output.ts waits for 'drain' and guards 'error').
    stream.on("drain", () => this.emit("drain"));
    stream.on("error", (err: unknown) => { if (this.listenerCount("error") > 0) this.emit("error", err); });
    this.stream = stream;
    return stream;
  }
}
