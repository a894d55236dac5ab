/**
 * AML namespace reader throughput on the largest DSDTs of the corpus (Supermicro X10DAi, 198 KiB;
 * Ampere Altra, 176 KiB; Gigabyte X299, 126 KiB) and on a whole dump (DSDT + SSDTs): load only,
 * and load plus evaluating every object (which parses every method body).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSources } from "../src/acpi/index.js";
import { StaticEvaluator } from "../src/aml/evaluate.js";
import { readNamespace, type AmlTableInput } from "../src/aml/index.js";
import { DiagnosticSink } from "../src/diagnostics.js";
import type { BenchReport } from "./run.js";

export const name = "aml";

const samples = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "shared", "samples", "real");

function time(tables: AmlTableInput[], full: boolean, minMs = 1500): { perSec: number; mbps: number } {
  const bytes = tables.reduce((a, t) => a + t.bytes.length, 0);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    const r = readNamespace(tables);
    if (full) {
      const ev = new StaticEvaluator(r.namespace, (t) => new DiagnosticSink({ table: t }));
      for (const node of r.namespace.walk()) ev.node(node);
    }
    n++;
  }
  const secs = (performance.now() - t0) / 1000;
  return { perSec: n / secs, mbps: (bytes * n) / secs / 1e6 };
}

export async function run(): Promise<BenchReport> {
  const lines: string[] = [];
  for (const f of ["supermicro-x10dai-4A64A6094FE3.txt", "ampere-altra-ava-ampere_ava_1.txt", "gigabyte-x299-ud4-pro-331F76F426AF.txt"]) {
    const { tables } = await loadSources([join(samples, f)]);
    const aml = tables.filter((t) => t.signature === "DSDT" || t.signature === "SSDT");
    const dsdt = aml.filter((t) => t.signature === "DSDT");
    const kib = (dsdt[0]?.bytes.length ?? 0) / 1024;
    time(dsdt, true, 300); // warm-up
    const a = time(dsdt, false);
    const b = time(dsdt, true);
    const c = time(aml, true);
    const r = readNamespace(aml);
    lines.push(`${f.replace(/\.txt$/, "")}: DSDT ${kib.toFixed(0)} KiB: load ${a.mbps.toFixed(1)} MB/s (${a.perSec.toFixed(0)}/s), ` +
      `load+evaluate all ${b.mbps.toFixed(1)} MB/s (${b.perSec.toFixed(0)}/s); all ${aml.length} tables: ${c.mbps.toFixed(1)} MB/s, ` +
      `${r.namespace.size} nodes, ${r.devices.length} devices, ${r.objects.length} _PXM/_SLI`);
  }
  return { lines };
}
