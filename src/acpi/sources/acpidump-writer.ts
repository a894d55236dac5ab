/**
 * Writes tables as ACPICA `acpidump` text (source/tools/acpidump/apdump.c + utbuffer.c):
 * a "SIG @ 0x%016X" line, then "%8.4X: " offsets, 16 "%02X " bytes, one more space, the ASCII column,
 * and a blank line after each table. acpixtract and numakit read it back byte for byte.
 */

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, "0");
}

export function formatAcpidumpTable(signature: string, bytes: Uint8Array, address = 0n): string {
  const lines: string[] = [`${signature.padEnd(4).slice(0, 4)} @ 0x${address.toString(16).toUpperCase().padStart(16, "0")}`];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hexPart = Array.from(row, (b) => `${hex(b, 2)} `).join("").padEnd(48);
    const asciiPart = Array.from(row, (b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${hex(at, 4).padStart(8)}: ${hexPart} ${asciiPart}`);
  }
  return `${lines.join("\n")}\n\n`;
}

export function formatAcpidump(tables: readonly { signature: string; bytes: Uint8Array }[]): string {
  return tables.map((t) => formatAcpidumpTable(t.signature, t.bytes)).join("");
}
