/** Linux-as-oracle comparison (../shared/samples/oracle): the kernel's view vs numakit's. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readTables } from "../../src/acpi/index.js";
import { buildTopology } from "../../src/topology/build.js";
import type { Topology } from "../../src/topology/model.js";
import type { NamespaceLocality } from "../../src/topology/devices.js";
import { corpusPath } from "../helpers/corpus.js";

export { oracleConfigs } from "../helpers/corpus.js";
export const oracleDir = corpusPath("oracle");

interface Summary { nodes: Record<string, { cpus: number[]; distance: number[] }> }

export interface LinuxView {
  nodes: number;
  cpus: Map<number, number[]>;
  distance: Map<number, number[]>;
  /** "base-end[ hotplug]" per node, from the dmesg SRAT lines (end inclusive). */
  memory: Map<number, string[]>;
}

export function linuxView(config: string): LinuxView {
  const dir = join(oracleDir, config, "linux");
  const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
  const v: LinuxView = { nodes: Object.keys(s.nodes).length, cpus: new Map(), distance: new Map(), memory: new Map() };
  for (const [id, n] of Object.entries(s.nodes)) {
    v.cpus.set(Number(id), [...n.cpus].sort((a, b) => a - b));
    v.distance.set(Number(id), n.distance);
    v.memory.set(Number(id), []);
  }
  const re = /SRAT: Node (\d+) PXM \d+ \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]( hotplug)?/;
  for (const line of readFileSync(join(dir, "dmesg-numa.txt"), "utf8").split("\n")) {
    const m = re.exec(line);
    if (m === null) continue;
    const list = v.memory.get(Number(m[1])) ?? [];
    list.push(`${BigInt(m[2] ?? "0").toString(16)}-${BigInt(m[3] ?? "0").toString(16)}${m[4] ?? ""}`);
    v.memory.set(Number(m[1]), list);
  }
  return v;
}

export function numakitView(t: Topology): LinuxView {
  const v: LinuxView = { nodes: t.nodes.length, cpus: new Map(), distance: new Map(), memory: new Map() };
  t.nodes.forEach((n, i) => {
    v.cpus.set(n.id, n.cpus.flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu])).sort((a, b) => a - b));
    v.distance.set(n.id, t.distances.matrix[i] ?? []);
    v.memory.set(n.id, n.memory.filter((r) => r.length > 0n).map((r) => `${r.base.toString(16)}-${(r.base + r.length - 1n).toString(16)}${r.hotPluggable ? " hotplug" : ""}`));
  });
  return v;
}

export async function oracleTopology(config: string, namespace?: NamespaceLocality): Promise<Topology> {
  const { tables } = await readTables([join(oracleDir, config, "tables")]);
  return buildTopology(tables, namespace === undefined ? {} : { namespace });
}

/** Every difference, as "node N: what: linux … numakit …" lines. */
export function differences(linux: LinuxView, ours: LinuxView): string[] {
  const out: string[] = [];
  if (linux.nodes !== ours.nodes) out.push(`node count: linux ${linux.nodes}, numakit ${ours.nodes}`);
  for (const [what, a, b] of [["cpus", linux.cpus, ours.cpus], ["distance", linux.distance, ours.distance], ["memory", linux.memory, ours.memory]] as const) {
    for (const [node, want] of a) {
      const got = (b as Map<number, unknown[]>).get(node);
      if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`node ${node}: ${what}: linux ${JSON.stringify(want)}, numakit ${JSON.stringify(got)}`);
    }
  }
  return out;
}
