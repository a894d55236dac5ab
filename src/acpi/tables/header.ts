import { decodeStruct } from "../layout/codec.js";
import { ascii, fieldOf, fieldOffset, staticSize, u32, u8 } from "../layout/types.js";
import { struct } from "./def.js";

/** The 36-byte header every ACPI table except FACS and RSDP starts with (ACPI 6.5 §5.2.6). */
export const headerSpec = struct("HEADER", "Common ACPI table header", [
  ascii("Signature", 4),
  u32("Table Length"),
  u8("Revision"),
  u8("Checksum"),
  ascii("Oem ID", 6),
  ascii("Oem Table ID", 8),
  u32("Oem Revision"),
  ascii("Asl Compiler ID", 4),
  u32("Asl Compiler Revision"),
]);

export interface TableHeader {
  signature: string;
  tableLength: number;
  revision: number;
  checksum: number;
  oemId: string;
  oemTableId: string;
  oemRevision: number;
  aslCompilerId: string;
  aslCompilerRevision: number;
}

/** 36: the header's size, from its spec. */
export const HEADER_SIZE = staticSize(headerSpec);

/** 4: the signature's size; a file shorter than that cannot name a table. */
export const SIGNATURE_SIZE = fieldOf(headerSpec, "signature").size;

/** Where the header fields that messages point at sit (4, 8 and 9), from the spec. */
export const HEADER_OFFSET = {
  tableLength: fieldOffset(headerSpec, "tableLength"),
  revision: fieldOffset(headerSpec, "revision"),
  checksum: fieldOffset(headerSpec, "checksum"),
} as const;

/**
 * The common header of a table's bytes, through the spec engine like every other structure: the
 * fields that fit (a stub of 10 bytes still has its length and revision), and whether it is whole.
 */
export function readHeader(bytes: Uint8Array): { values: Partial<TableHeader>; complete: boolean } {
  const h = decodeStruct(headerSpec, bytes, 0, HEADER_SIZE);
  return { values: h.values, complete: h.missing.length === 0 };
}
