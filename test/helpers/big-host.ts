/**
 * A large host built with the encoder (as scripts/make-samples.ts builds samples/): 64 nodes in
 * 8 sockets of 8, 16 CPUs (x2APIC) and 16 GiB each = 1024 CPUs, a SLIT (10 / 16 same socket /
 * 32), an HMAT with read latency and bandwidth for every initiator × target, and one memory-side
 * cache per node. Returned as raw tables (bytes) so tests can write them out as a sysfs directory.
 */
import { buildTable, type SubtableModel } from "../../src/acpi/index.js";
import { hmat, hmatSubtables } from "../../src/acpi/tables/hmat.js";
import { madt, madtSubtables } from "../../src/acpi/tables/madt.js";
import { slit } from "../../src/acpi/tables/slit.js";
import { srat, sratSubtables } from "../../src/acpi/tables/srat.js";
import type { StructSpec } from "../../src/acpi/layout/types.js";
import { full } from "./numa-tables.js";

const GiB = 1n << 30n;
const header = (revision: number) => ({ revision, oemId: "NUMAKT", oemTableId: "NK64NODE", oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1 });
const sub = (specs: Record<number, StructSpec>, type: number, values: Record<string, unknown>): SubtableModel =>
  ({ type, values: full(specs[type] as StructSpec, values as never) });

export function bigHostTables(nodes = 64, cpusPerNode = 16, perSocket = 8): { signature: string; bytes: Uint8Array }[] {
  const ids = Array.from({ length: nodes }, (_, i) => i);
  const cpus = ids.flatMap((n) => Array.from({ length: cpusPerNode }, (_, c) => ({ pxm: n, x2apic: n * cpusPerNode + c })));
  const sratBytes = buildTable(srat, {
    header: header(3), fixed: full(srat.fixed, { tableRevision: 1 }),
    subtables: [
      ...cpus.map((c) => sub(sratSubtables, 2, { proximityDomain: c.pxm, x2apicId: c.x2apic, flags: 1 })),
      ...ids.map((n) => sub(sratSubtables, 1, { proximityDomain: n, baseAddress: BigInt(n + 1) * 16n * GiB, addressLength: 16n * GiB, flags: 1 })),
    ],
  });
  const madtBytes = buildTable(madt, {
    header: header(5), fixed: full(madt.fixed, { localApicAddress: 0xfee00000, flags: 1 }),
    subtables: cpus.map((c, uid) => sub(madtSubtables, 9, { x2apicId: c.x2apic, flags: 1, processorUid: uid })),
  });
  const distance = (i: number, j: number): number => (i === j ? 10 : Math.floor(i / perSocket) === Math.floor(j / perSocket) ? 16 : 32);
  const matrix = ids.map((i) => ids.map((j) => distance(i, j)));
  const slitBytes = buildTable(slit, { header: header(1), fixed: full(slit.fixed, { localityCount: BigInt(nodes), entries: matrix.flat() }) });
  const locality = (dataType: number, base: bigint, f: (d: number) => number): SubtableModel => sub(hmatSubtables, 1, {
    dataType, entryBaseUnit: base, initiatorProximityDomainsCount: nodes, targetProximityDomainsCount: nodes,
    initiatorProximityDomainList: ids, targetProximityDomainList: ids, entries: matrix.flat().map(f),
  });
  const hmatBytes = buildTable(hmat, {
    header: header(2), fixed: full(hmat.fixed, {}),
    subtables: [
      ...ids.map((n) => sub(hmatSubtables, 0, { flags: 1, attachedInitiatorProximityDomain: n, memoryProximityDomain: n })),
      locality(1, 1000n, (d) => d * 9), // read latency, ps → 90..288 ns
      locality(4, 100n, (d) => Math.round(10000 / d)), // read bandwidth, MB/s
      ...ids.map((n) => sub(hmatSubtables, 2, { memoryProximityDomain: n, memorySideCacheSize: 256n << 20n, cacheAttributes: 0x00401111 })),
    ],
  });
  return [{ signature: "APIC", bytes: madtBytes }, { signature: "SRAT", bytes: sratBytes }, { signature: "SLIT", bytes: slitBytes }, { signature: "HMAT", bytes: hmatBytes }];
}
