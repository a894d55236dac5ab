/**
 * Topology + validation throughput: the Linux-oracle x2APIC host (512 SRAT CPUs), a real dump with
 * its DSDT/SSDTs (namespace included), and synthetic hosts of 64 and 1024 nodes built by the encoder.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTables, type DecodedTable } from "../src/acpi/index.js";
import { buildTopology } from "../src/topology/build.js";
import { analyse } from "../src/analyse.js";
import { NO_NAMESPACE } from "../src/topology/devices.js";
import { validate } from "../src/validate/index.js";
import { topologyText } from "../src/report/text.js";
import { hostTables, type HostSpec } from "../test/helpers/numa-tables.js";
import type { BenchReport } from "./run.js";

export const name = "topology";

const shared = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "shared", "samples");

function rate(f: () => void, minMs = 1000): number {
  f();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) { f(); n++; }
  return n / ((performance.now() - t0) / 1000);
}

function host(nodes: number, cpusPerNode: number): HostSpec {
  const GiB = 1n << 30n;
  const spec: HostSpec = { cpus: [], memory: [], slit: Array.from({ length: nodes }, (_, i) => Array.from({ length: nodes }, (_, j) => (i === j ? 10 : 20 + ((i ^ j) & 7)))) };
  for (let n = 0; n < nodes; n++) {
    for (let c = 0; c < cpusPerNode; c++) spec.cpus.push({ pxm: n, apic: n * cpusPerNode + c });
    spec.memory.push({ pxm: n, base: BigInt(n) * 4n * GiB, length: 4n * GiB });
  }
  return spec;
}

function line(label: string, tables: DecodedTable[], withNamespace: boolean): string {
  const opts = withNamespace ? {} : { namespace: NO_NAMESPACE };
  const t = analyse(tables, opts).topology;
  const build = rate(() => buildTopology(tables, { namespace: NO_NAMESPACE }));
  const full = rate(() => { const a = analyse(tables, opts); topologyText(a.topology, validate(tables, a.topology)); });
  return `${label}: ${t.nodes.length} nodes, ${t.nodes.reduce((n, x) => n + x.cpus.length, 0)} CPUs: build ${build.toFixed(0)}/s; ` +
    `build+validate+text${withNamespace ? " (with namespace)" : ""} ${full.toFixed(0)}/s (${(1000 / full).toFixed(2)} ms)`;
}

export async function run(): Promise<BenchReport> {
  const x2apic = (await readTables([join(shared, "oracle", "08-x2apic", "tables")])).tables;
  const x10 = (await readTables([join(shared, "real", "supermicro-x10dai-4A64A6094FE3.txt")])).tables;
  return {
    lines: [
      line("oracle 08-x2apic", x2apic, false),
      line("real supermicro-x10dai (DSDT+SSDTs)", x10, true),
      line("synthetic 64 nodes x 8 CPUs", hostTables(host(64, 8)), false),
      line("synthetic 1024 nodes x 2 CPUs", hostTables(host(1024, 2)), false),
    ],
  };
}
