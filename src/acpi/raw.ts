/** A table's bytes as a source delivered them, before decoding. */
export interface Provenance {
  /** The file the table came from (a binary table, or an acpidump text file). */
  file: string;
  /** For acpidump text: the 1-based line of the table's "SIG @ 0x..." header. */
  line?: number;
  /** The name the source gave it: sysfs/acpixtract file name ("SSDT2", "ssdt2.dat") or dump label. */
  name?: string;
  /** For acpidump text: the physical address its header gives ("SRAT @ 0x000000007B6A1000"); none for "@ (nil)". */
  address?: bigint;
}

export interface RawTable {
  /** Signature from the bytes (or from the source's name when fewer than 4 bytes exist). */
  signature: string;
  bytes: Uint8Array;
  source: Provenance;
}

export function describeProvenance(p: Provenance): string {
  return p.line !== undefined ? `${p.file}:${p.line}` : p.file;
}
