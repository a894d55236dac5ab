/**
 * The two tables that do not start with the common 36-byte header: the RSDP (ACPI 6.5 §5.2.5.3,
 * signature "RSD PTR ", 20 bytes in ACPI 1.0 and 36 from revision 2) and the FACS (§5.2.10).
 * acpidump prints both, `acpidump -b` writes them as rsdp.dat and facs.dat, and sysfs has FACS.
 * Read through the common header, an RSDP's "PTR " was a Length of 542 MB (a TABLE_TRUNCATED error
 * on every healthy host dumped with a current acpidump) and a FACS showed OEM fields it does not
 * have. Each is described here by its own first structure, which takes the header's place in the
 * decoded table, and by where its length and checksums are. Labels are iasl's (ACPICA dmtbinfo1.c,
 * AcpiDmTableInfoRsdp1/Rsdp2/Facs).
 */
import { ascii, bit, bytes, fieldOffset, flags, staticSize, u24, u32, u64, u8, type FieldValues, type StructSpec } from "../layout/types.js";
import { struct } from "./def.js";

export interface OwnLayout {
  /** The name sysfs, acpidump and numakit give the table ("RSDP", not the bytes' "RSD "). */
  signature: string;
  /** Do these bytes start with this table's signature? */
  matches(b: Uint8Array): boolean;
  /** The structure these bytes start with (the RSDP's depends on its revision). */
  spec(b: Uint8Array): StructSpec;
  /** The length the table declares, from the structure's fields (undefined: none). */
  length(values: Readonly<FieldValues>): number | undefined;
  /** Each checksum field, and how many bytes from the start it makes sum to zero. */
  checksums(values: Readonly<FieldValues>): { key: string; covers: number }[];
  /** May the table be longer than its structure? (a FACS: "always greater than or equal to 64") */
  mayBeLonger: boolean;
}

const RSDP_SIGNATURE = "RSD PTR ";

const rsdpV1Fields = [
  ascii("Signature", RSDP_SIGNATURE.length),
  u8("Checksum"),
  ascii("Oem ID", 6),
  u8("Revision"),
  u32("RSDT Address"),
];
export const rsdpV1Spec = struct("RSDP.1", "Root System Description Pointer", rsdpV1Fields);
export const rsdpV2Spec = struct("RSDP.2", "Root System Description Pointer", [
  ...rsdpV1Fields,
  u32("Length", { key: "tableLength" }),
  u64("XSDT Address"),
  u8("Extended Checksum"),
  u24("Reserved", { reserved: true }),
]);

/**
 * ACPI_RSDP_CHECKSUM_LENGTH (20) and ACPI_RSDP_XCHECKSUM_LENGTH (36) of ACPICA's actbl.h are the
 * two structures' sizes; the revision byte's offset (15) decides which one the bytes hold.
 */
const RSDP_V1_LENGTH = staticSize(rsdpV1Spec);
const RSDP_XCHECKSUM_LENGTH = staticSize(rsdpV2Spec);
const RSDP_REVISION_OFFSET = fieldOffset(rsdpV1Spec, "revision");

function startsWith(b: Uint8Array, text: string): boolean {
  if (b.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Revision 2 and later carry Length, the XSDT address and the extended checksum; an ACPI 1.0 RSDP
 * (revision 0) is 20 bytes. ACPICA's acpi_tb_get_rsdp_length and acpi_tb_validate_rsdp
 * (tbxfroot.c) draw the line at 2, and so does Linux, which runs them.
 */
function rsdpHasV2(revision: unknown): boolean {
  return typeof revision === "number" && revision >= 2;
}

export const rsdp: OwnLayout = {
  signature: "RSDP",
  matches: (b) => startsWith(b, RSDP_SIGNATURE),
  spec: (b) => (rsdpHasV2(b[RSDP_REVISION_OFFSET]) ? rsdpV2Spec : rsdpV1Spec),
  length: (v) => (rsdpHasV2(v["revision"]) ? (v["tableLength"] as number | undefined) : RSDP_V1_LENGTH),
  // The extended checksum covers the 36 bytes of the ACPI 2.0 structure, not Length bytes (acpi_tb_validate_rsdp).
  checksums: (v) => [{ key: "checksum", covers: RSDP_V1_LENGTH }, ...(rsdpHasV2(v["revision"]) ? [{ key: "extendedChecksum", covers: RSDP_XCHECKSUM_LENGTH }] : [])],
  mayBeLonger: false,
};

export const facsSpec = struct("FACS", "Firmware ACPI Control Structure", [
  ascii("Signature", 4),
  u32("Length", { key: "tableLength" }),
  u32("Hardware Signature"),
  // Keys are ACPICA's member names (actbl.h): JSON keys start with a letter.
  u32("32 Firmware Waking Vector", { key: "firmwareWakingVector" }),
  u32("Global Lock"),
  flags("u32", "Flags", [bit(0, "S4BIOS Support Present"), { ...bit(1, "64-bit Wake Supported (V2)"), key: "wake64BitSupported" }], { reservedMask: 0xfffffffc }),
  u64("64 Firmware Waking Vector", { key: "xFirmwareWakingVector" }),
  u8("Version"),
  u24("Reserved", { reserved: true }),
  flags("u32", "OspmFlags", [{ ...bit(0, "64-bit Wake Env Required (V2)"), key: "wake64BitEnvironmentRequired" }], { key: "ospmFlags", reservedMask: 0xfffffffe }),
  // iasl does not print these; they are part of the 64 bytes the FACS is.
  bytes("Reserved", 24),
]);

export const facs: OwnLayout = {
  signature: "FACS",
  matches: (b) => startsWith(b, "FACS"),
  spec: () => facsSpec,
  length: (v) => v["tableLength"] as number | undefined,
  // The FACS has no checksum (ACPI 6.5 Table 5.14).
  checksums: () => [],
  // Its Length "is always greater than or equal to 64" (Table 5.14): more is not a defect.
  mayBeLonger: true,
};

/** The table these bytes start with, when it has its own layout instead of the common header. */
export function ownLayoutOf(b: Uint8Array): OwnLayout | undefined {
  return rsdp.matches(b) ? rsdp : facs.matches(b) ? facs : undefined;
}
