/**
 * Regenerates samples/ from src/acpi/samples.ts: for each sample host, a sysfs-style directory of
 * binary tables (samples/<name>/SRAT, ...) and the same tables as acpidump text
 * (samples/<name>.acpidump.txt). Run: npx tsx scripts/make-samples.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatAcpidump } from "../src/acpi/sources/acpidump-writer.js";
import { sampleHosts, sampleTables } from "../src/acpi/samples.js";

const samples = fileURLToPath(new URL("../samples/", import.meta.url));
for (const host of sampleHosts) {
  const tables = sampleTables(host);
  const dir = join(samples, host.name);
  mkdirSync(dir, { recursive: true });
  for (const t of tables) writeFileSync(join(dir, t.signature), t.bytes);
  // A DSDT compiled by iasl from samples/src/<name>-dsdt.asl joins the text dump when present.
  const dsdt = join(dir, "DSDT");
  const all = existsSync(dsdt) ? [{ signature: "DSDT", bytes: new Uint8Array(readFileSync(dsdt)) }, ...tables] : tables;
  writeFileSync(join(samples, `${host.name}.acpidump.txt`), formatAcpidump(all));
  process.stdout.write(`${host.name}: ${tables.map((t) => `${t.signature} ${t.bytes.length} B`).join(", ")}\n`);
}
