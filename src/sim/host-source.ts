/**
 * A simulator host from real ACPI tables: `--host SOURCE` / `"host": {"source": "..."}`.
 *
 * The topology is built with Xen's node numbering (`setup_node`, first appearance in the SRAT) and
 * converted to the simulator's HostSpec the way Xen would boot on it:
 * - when Xen rejects the SRAT (`bad_srat`, xen/arch/x86/srat.c) it runs one node holding all
 *   memory and CPUs, so the host becomes one node;
 * - RAM is the enabled SRAT memory ranges present at boot: hot-pluggable windows, non-volatile
 *   (NVDIMM) and specific-purpose ranges are not handed to the heap. Without the E820 map the
 *   SRAT ranges are taken as RAM, holes they contain included (real firmware leaves them out);
 * - pCPU ids are the logical CPU numbers of enabled MADT processors (Xen, like Linux, numbers
 *   them in MADT order with the boot CPU first);
 * - distances are the ones Xen uses: the SLIT when `slit_valid()`, else 10 local / 20 remote.
 */
import { dirname, isAbsolute, join } from "node:path";
import { NumakitError, UsageError, type Location } from "../errors.js";
import { analyseSources } from "../analyse.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Topology } from "../topology/model.js";
import { PAGE_SHIFT } from "./units.js";
import { LOCAL_DISTANCE, REMOTE_DISTANCE, validateHostSpec, type HostNode, type HostSpec, type MemRange } from "./host.js";

const PAGE = 1n << BigInt(PAGE_SHIFT);

function ramRanges(t: Topology, nodeIndexes: readonly number[]): MemRange[] {
  const out: MemRange[] = [];
  for (const i of nodeIndexes) {
    for (const r of t.nodes[i]?.memory ?? []) {
      if (r.hotPluggable || r.nonVolatile || r.specificPurpose) continue;
      // Whole pages only: round the start up and the end down.
      const first = (r.base + PAGE - 1n) / PAGE;
      const end = (r.base + r.length) / PAGE;
      if (end > first) out.push({ baseMfn: Number(first), pages: Number(end - first) });
    }
  }
  out.sort((a, b) => a.baseMfn - b.baseMfn);
  // Merge touching or overlapping ranges of the same node (SRAT entries may abut or repeat).
  const merged: MemRange[] = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.baseMfn <= last.baseMfn + last.pages) {
      last.pages = Math.max(last.pages, r.baseMfn + r.pages - last.baseMfn);
    } else merged.push({ ...r });
  }
  return merged;
}

/**
 * pCPU ids per node index. With a MADT, the logical numbers of its enabled processors; without
 * one (an SRAT-only source), the enabled SRAT CPUs numbered in node order.
 */
function pcpuIds(t: Topology): number[][] {
  const withMadt = t.nodes.some((n) => n.cpus.some((c) => c.linuxCpu !== undefined));
  let next = 0;
  return t.nodes.map((n) => n.cpus
    .flatMap((c) => (withMadt ? (c.enabled && c.linuxCpu !== undefined ? [c.linuxCpu] : []) : (c.enabled ? [next++] : [])))
    .sort((a, b) => a - b));
}

export function hostSpecFromTopology(t: Topology, loc: Location = {}): HostSpec {
  if (t.numbering !== "xen") throw new UsageError("a simulator host needs the topology in Xen's node numbering", loc, "E_SIM_HOST_SOURCE");
  const all = t.nodes.map((_, i) => i);
  const cpus = pcpuIds(t);
  let spec: HostSpec;
  if (!t.verdicts.xen.usesSrat || t.nodes.length <= 1) {
    // Xen's NUMA fallback: a single node 0 with everything (numa_initmem_init → dummy node).
    spec = { nodes: [{ id: 0, ranges: ramRanges(t, all), cpus: cpus.flat().sort((a, b) => a - b) }], distances: [[LOCAL_DISTANCE]] };
  } else {
    const nodes: HostNode[] = t.nodes.map((_, i) => ({ id: i, ranges: ramRanges(t, [i]), cpus: cpus[i] ?? [] }));
    const distances = t.verdicts.xen.usesSlit
      ? t.distances.matrix.map((row) => [...row])
      : nodes.map((a) => nodes.map((b) => (a.id === b.id ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
    spec = { nodes, distances };
  }
  validateHostSpec(spec, loc);
  return spec;
}

export interface HostSourceOptions {
  /** What a source of "-" reads (acpidump text), as for every command. */
  stdin?: AsyncIterable<Uint8Array | string>;
  /** What reading the source found: files a directory skipped, damaged tables of a dump left out. */
  onSourceDiagnostics?: (diagnostics: readonly Diagnostic[]) => void;
}

/**
 * Decode `source` (a table directory, acpidump text, ...) into a host. A relative path in a
 * scenario file is taken relative to that file.
 */
export async function hostSpecFromSource(source: string, loc: Location = {}, relativeTo?: string, opts: HostSourceOptions = {}): Promise<HostSpec> {
  return (await hostFromSource(source, loc, relativeTo, opts)).spec;
}

/** The same, with the topology it came from (a sweep's cost model reads its HMAT). */
export async function hostFromSource(source: string, loc: Location = {}, relativeTo?: string, opts: HostSourceOptions = {}): Promise<{ spec: HostSpec; topology: Topology; path: string }> {
  const path = relativeTo !== undefined && !isAbsolute(source) ? join(dirname(relativeTo), source) : source;
  try {
    const { topology, sourceDiagnostics } = await analyseSources([path], { numbering: "xen" }, opts.stdin === undefined ? {} : { stdin: opts.stdin });
    opts.onSourceDiagnostics?.(sourceDiagnostics);
    if (!topology.nodes.some((n) => n.cpus.some((c) => c.enabled))) {
      throw new UsageError(`host source ${path}: the tables describe no enabled CPU (a simulated host needs an SRAT and a MADT with processors)`, loc, "E_SIM_HOST_SOURCE");
    }
    return { spec: hostSpecFromTopology(topology, loc), topology, path };
  } catch (err) {
    if (err instanceof NumakitError && !(err instanceof UsageError)) {
      // The inner error already names the file: "host source: <file>: <message>".
      throw new UsageError(`host source: ${err.oneLine()}`, loc, "E_SIM_HOST_SOURCE");
    }
    throw err;
  }
}
