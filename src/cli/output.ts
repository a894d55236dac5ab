/**
 * Output helpers. Large reports go through pipes (`numakit decode ... | head`), so we never call
 * process.exit() after writing: we wait for stdout to drain and set process.exitCode instead.
 */
import type { Writable } from "node:stream";

/** Write text and resolve once the stream has accepted it (honours backpressure). */
export function write(text: string, stream: Writable = process.stdout): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown): void => { reject(err instanceof Error ? err : new Error(String(err))); };
    stream.once("error", onError);
    const ok = stream.write(text, () => { stream.off("error", onError); });
    if (ok) { resolve(); return; }
    stream.once("drain", () => { resolve(); });
  });
}

/** JSON with bigint support: bigints become "0x..." strings (64-bit addresses and lengths). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16).toUpperCase()}` : v), 2);
}
