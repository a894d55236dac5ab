/**
 * Output that cannot be written (`extract --out DIR`, `synth --out DIR`, `topology --format sysfs
 * --out DIR`, `scan --out FILE`, `report -o FILE`, `sim --report FILE`): one line in numakit's
 * words, exit 2, never a stack trace or a raw Node code:
 *   numakit: cannot write OUT: permission denied
 *   numakit: cannot write OUT: is a directory
 *   numakit: cannot write OUT (OUT/text): exists and is not a directory
 * OUT is what the user gave; the file that failed inside it is named too when it is another one.
 */
import { formatLocation, InputError, NumakitError } from "../errors.js";
import { WriteError } from "./output.js";

/** How stdout is named in these messages. */
export const STDOUT_NAME = "<stdout>";

/** The error code of every output failure. */
export const E_OUTPUT = "E_OUTPUT";

/** makeDirectory(): the path exists and is a file, so nothing can be written under it. */
export class NotADirectoryError extends Error {
  readonly path: string;
  constructor(path: string) {
    super("exists and is not a directory");
    this.path = path;
    this.name = "NotADirectoryError";
  }
}

/** Why a write failed, in words, by errno (Node's `code`). */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOENT: "no such directory",
  ENOTDIR: "a parent is not a directory",
  EEXIST: "exists and is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EIO: "input/output error",
  EBUSY: "device or resource busy",
  ETXTBSY: "text file busy",
  EINVAL: "invalid argument",
};

function codeOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

function pathOf(err: unknown): string | undefined {
  if (err instanceof NotADirectoryError) return err.path;
  return typeof err === "object" && err !== null && "path" in err && typeof err.path === "string" ? err.path : undefined;
}

/**
 * The reason in words. A code not in the table: the words of Node's message
 * ("ECODE: words, op 'path'" → "words"), else a plain "write failed".
 */
export function outputReason(err: unknown): string {
  if (err instanceof NotADirectoryError) return err.message;
  const code = codeOf(err);
  const known = code === undefined ? undefined : REASONS[code];
  if (known !== undefined) return known;
  const m = err instanceof Error ? /^[A-Z0-9_]+: ([^,]+)/.exec(err.message) : null;
  return m?.[1] ?? "write failed";
}

/** The one-line error for output OUT that could not be written (numakit's own errors pass unchanged). */
export function outputError(out: string, err: unknown): NumakitError {
  if (err instanceof NumakitError) return err;
  if (err instanceof WriteError) err = err.cause;
  const path = pathOf(err);
  const inside = path !== undefined && path !== out ? ` (${formatLocation({ file: path })})` : "";
  return new InputError(E_OUTPUT, `cannot write ${formatLocation({ file: out })}${inside}: ${outputReason(err)}`, {}, { cause: err });
}

/** Run the writes of output OUT; any failure becomes outputError(OUT, ...). */
export async function writingTo<T>(out: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw outputError(out, err);
  }
}
