/**
 * What a boot compares besides sysfs: the SRAT ranges Linux logged per node and each CPU's node,
 * against numakit's topology. Shared by the synth boots (run.ts) and the CXL boots (cxl.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Topology } from "../../src/topology/model.js";

/** "Node N PXM M [mem A-B]" lines: the ranges Linux put on each node. */
export function linuxRanges(linuxDir: string): string[] {
  const dmesg = readFileSync(join(linuxDir, "dmesg-numa.txt"), "utf8");
  return [...dmesg.matchAll(/ACPI: SRAT: Node (\d+) PXM (\d+) \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]( hotplug)?/g)]
    .map((m) => `node ${m[1]} pxm ${m[2]} ${BigInt(m[3] ?? "0").toString(16)}-${BigInt(m[4] ?? "0").toString(16)}${m[5] ?? ""}`).sort();
}

export function ourRanges(t: Topology): string[] {
  return t.nodes.flatMap((n) => n.memory.map((r) => `node ${n.id} pxm ${n.pxm} ${r.base.toString(16)}-${(r.base + r.length - 1n).toString(16)}${r.hotPluggable ? " hotplug" : ""}`)).sort();
}

/** Each CPU's node (and APIC id on x86; arm64's /proc/cpuinfo names no GICC UID). */
export function ourCpus(t: Topology, withId: boolean): string[] {
  return t.nodes.flatMap((n) => n.cpus.filter((c) => c.linuxCpu !== undefined).map((c) => `cpu ${c.linuxCpu} node ${n.id}${withId ? ` apic ${c.id}` : ""}`)).sort();
}

export function linuxCpus(linuxDir: string, withId: boolean): string[] {
  const s = JSON.parse(readFileSync(join(linuxDir, "summary.json"), "utf8")) as { cpus: { cpu: number; node: number; apicid: number | string }[] };
  return s.cpus.map((c) => `cpu ${c.cpu} node ${c.node}${withId ? ` apic ${c.apicid}` : ""}`).sort();
}
