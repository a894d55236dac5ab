/**
 * A newc ("070701") cpio archive, the format Linux's early initrd scan reads (lib/earlycpio.c
 * find_cpio_data(); Documentation/driver-api/early-userspace/buffer-format.rst): per entry a
 * 110-byte ASCII header of thirteen 8-digit hex fields, the NUL-terminated name padded to 4 bytes,
 * the data padded to 4 bytes; "TRAILER!!!" ends the archive. Owner root, mtime 0: reproducible.
 */
export interface CpioEntry { name: string; data?: Uint8Array; directory?: boolean }

const enc = new TextEncoder();

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function entryBytes(name: string, mode: number, data: Uint8Array, ino: number): Uint8Array[] {
  const nameBytes = enc.encode(`${name}\0`);
  const fields = [ino, mode, 0, 0, mode >>> 12 === 0o04 ? 2 : 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const head = enc.encode(`070701${fields.map(hex8).join("")}`);
  return [head, nameBytes, new Uint8Array(pad4(head.length + nameBytes.length)), data, new Uint8Array(pad4(data.length))];
}

/** The archive of `entries`, in the order given (list directories before their files). */
export function cpioArchive(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  entries.forEach((e, i) => { parts.push(...entryBytes(e.name, e.directory === true ? 0o040755 : 0o100644, e.data ?? new Uint8Array(0), i + 1)); });
  parts.push(...entryBytes("TRAILER!!!", 0, new Uint8Array(0), 0));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
