/**
 * hwloc XML export: how fast a topology becomes XML, how large the XML is, and how long lstopo
 * (when installed) takes to load it, for the project's 4-node sample and synthetic hosts whose
 * distance matrices grow with the square of the node count.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTables } from "../src/acpi/index.js";
import { hwlocXml } from "../src/report/hwloc-xml.js";
import { buildTopology } from "../src/topology/build.js";
import type { Topology } from "../src/topology/model.js";
import { analyse } from "../src/analyse.js";
import { hostTables } from "../test/helpers/numa-tables.js";
import type { BenchReport } from "./run.js";

export const name = "hwloc";

const GiB = 1n << 30n;

/** nodes × cpus host, one 1 GiB range per node, a SLIT with a few distinct distances. */
function synthetic(nodes: number, cpus: number): Topology {
  const ids = Array.from({ length: nodes }, (_, n) => n);
  return buildTopology(hostTables({
    cpus: ids.flatMap((n) => Array.from({ length: cpus }, (_, c) => ({ pxm: n, apic: n * cpus + c }))),
    memory: ids.map((n) => ({ pxm: n, base: BigInt(n) * GiB, length: GiB })),
    slit: ids.map((i) => ids.map((j) => (i === j ? 10 : 12 + ((i + j) % 5)))),
  }));
}

/** Mean milliseconds of `f` over enough runs to fill ~1 s (at least 3). */
function msPer(f: () => unknown): number {
  const start = performance.now();
  let runs = 0;
  do { f(); runs++; } while (runs < 3 || performance.now() - start < 1000);
  return (performance.now() - start) / runs;
}

function lstopoMs(file: string): string {
  const t0 = performance.now();
  const r = spawnSync("lstopo", ["-i", file, "--of", "console"], { encoding: "utf8" });
  if (r.error !== undefined) return "lstopo not installed";
  const ms = performance.now() - t0;
  return r.status === 0 && r.stderr === "" ? `lstopo loads it in ${ms.toFixed(0)} ms` : `lstopo failed: ${r.stderr.trim()}`;
}

export async function run(): Promise<BenchReport> {
  const sample = fileURLToPath(new URL("../samples/4node", import.meta.url));
  const cases: [string, Topology][] = [
    ["samples/4node (HMAT)", analyse((await readTables([sample])).tables).topology],
    ["synthetic 64 nodes x 8 CPUs", synthetic(64, 8)],
    ["synthetic 1024 nodes x 2 CPUs", synthetic(1024, 2)],
  ];
  const dir = mkdtempSync(join(tmpdir(), "numakit-hwloc-bench-"));
  try {
    return {
      lines: cases.map(([label, t]) => {
        const xml = hwlocXml(t);
        const file = join(dir, "m.xml");
        writeFileSync(file, xml);
        const ms = msPer(() => hwlocXml(t));
        return `${label}: export ${ms.toFixed(2)} ms (${(1000 / ms).toFixed(0)}/s), ${(xml.length / 1024).toFixed(0)} KiB; ${lstopoMs(file)}`;
      }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
