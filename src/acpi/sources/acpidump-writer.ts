/**
 * Writes tables as ACPICA `acpidump` text (source/tools/acpidump/apdump.c + utbuffer.c):
 * a "SIG @ 0x%016X" line, then "%8.4X: " offsets, 16 "%02X " bytes, one more space, the ASCII column,
 * and a blank line after each table. acpixtract and numakit read it back byte for byte.
 */
import { hex } from "../../util/hex.js";

const bare = { bare: true };

export function formatAcpidumpTable(signature: string, bytes: Uint8Array, address = 0n): string {
  const lines: string[] = [`${signature.padEnd(4).slice(0, 4)} @ ${hex(address, 16)}`];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hexPart = Array.from(row, (b) => `${hex(b, 2, bare)} `).join("").padEnd(48);
    const asciiPart = Array.from(row, (b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${hex(at, 4, bare).padStart(8)}: ${hexPart} ${asciiPart}`);
  }
  return `${lines.join("\n")}\n\n`;
}

/** Each table at the address its source gave (an acpidump text's header), else 0 (binaries have none). */
export function formatAcpidump(tables: readonly { signature: string; bytes: Uint8Array; source?: { address?: bigint } }[]): string {
  return tables.map((t) => formatAcpidumpTable(t.signature, t.bytes, t.source?.address)).join("");
}
