/**
 * The AML definition blocks a namespace is built from: the DSDT and every SSDT. A host has one
 * DSDT (the FADT points at it); a second one among the sources is a second copy of the host (two
 * dumps given at once), and loading both would declare every device twice. Like the SRAT and the
 * other single tables, the first is used (validate reports TABLE_DUPLICATE).
 */
export function amlBlocks<T extends { signature: string }>(tables: readonly T[]): T[] {
  const dsdt = tables.find((t) => t.signature === "DSDT");
  return tables.filter((t) => t === dsdt || t.signature === "SSDT");
}
