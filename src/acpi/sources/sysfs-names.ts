/**
 * File names for tables as Linux gives them under /sys/firmware/acpi/tables: the signature, with
 * an instance number from 1 when the signature occurs more than once (SSDT1, SSDT2, ...), none
 * when it is unique (Linux drivers/acpi/sysfs.c, acpi_table_attr_init(): the name gets
 * `instance` appended when it is > 1, or when it is 1 and a second table of that signature exists).
 * Characters a file name cannot safely hold become "_" (a hostile dump may put anything in a
 * signature).
 */
export function sysfsNames(signatures: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const s of signatures) counts.set(s, (counts.get(s) ?? 0) + 1);
  const seen = new Map<string, number>();
  return signatures.map((s) => {
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    const safe = s.replace(/[^A-Za-z0-9_]/g, "_");
    return (counts.get(s) ?? 0) > 1 ? `${safe}${n}` : safe;
  });
}
