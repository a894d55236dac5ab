import { ascii, u32, u8 } from "../layout/types.js";
import { struct } from "./def.js";

/** The 36-byte header every ACPI table except FACS and RSDP starts with (ACPI 6.5 §5.2.6). */
export const HEADER_SIZE = 36;

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
