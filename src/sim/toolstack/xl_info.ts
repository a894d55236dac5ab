/**
 * `xl info -n` on the simulated host: the lines of tools/xl/xl_info.c (X c447b7308b) whose values
 * the simulator models, in xl's own formats, so a simulated and a real host can be diffed:
 *  - output_physinfo(): nr_cpus, max_cpu_id, nr_nodes, cores_per_socket, threads_per_core,
 *    total_memory, free_memory, outstanding_claims (MiB: pages / ((1 << 20) / pagesize)), free_cpus;
 *  - output_topologyinfo(): `cpu:    core    socket     node` rows ("%3d:    %4d     %4d     %4d"),
 *    then the device topology (the simulator has no PCI devices: xl's "No device topology data
 *    available");
 *  - output_numainfo(): `node:    memsize    memfree    distances` rows
 *    ("%4d:    %6lu     %6lu      %d" then ",%d" per further distance; MiB = bytes >> 20).
 * Left out: host/release/version/machine (uname of dom0), cpu_mhz, hw_caps, virt_caps,
 * the sharing and xen_, cc_ and build_id lines, which describe no simulated state.
 * Semantics (xen/arch/x86/sysctl.c arch_do_physinfo(), xen/common/sysctl.c, libxl):
 *  - free_memory is `free_pages - outstanding_pages`: memory nobody has claimed;
 *  - threads_per_core = CPU 0's sibling count, cores_per_socket = CPU 0's core mask / threads;
 *  - max_cpu_id = nr_cpu_ids − 1, here the highest CPU id of the host spec (no hot-pluggable CPUs);
 *  - free_memory and outstanding_claims as output_physinfo() prints them (xl_info.c lines 307 and
 *    310 at c447b7308b: `(free_pages - outstanding_pages) / i`, `outstanding_pages / i`, i = 256);
 *  - free_cpus counts CPUs in no cpupool (lines 312–316: libxl_get_freecpus() →
 *    xc_cpupool_freeinfo()); at boot every online CPU joins Pool-0 and the simulator has no
 *    cpupool operations, so it is 0 as on a real host that never moved a CPU out of Pool-0;
 *  - numainfo rows are skipped for offline nodes (LIBXL_NUMAINFO_INVALID_ENTRY), an unknown
 *    distance (~0U) prints as %d of ~0: -1.
 */
import { XEN_INVALID_NODE_DIST, type HypervisorPort } from "../libxc/hypercalls.js";
import { xc_cputopoinfo, xc_interface_open, xc_numainfo, xc_physinfo } from "../libxc/xenctrl.js";
import { PAGE_SIZE, PAGES_PER_MIB } from "../units.js";

export interface XlCpuTopology {
  cpu: number;
  core: number;
  socket: number;
  node: number;
}

export interface XlNumaInfo {
  node: number;
  /** MiB (memsize >> 20). */
  memsize: number;
  /** MiB (memfree >> 20). */
  memfree: number;
  distances: number[];
}

/** What `xl info -n` reports about the simulated host (keys are xl's field names in camelCase). */
export interface XlInfo {
  nrCpus: number;
  maxCpuId: number;
  nrNodes: number;
  coresPerSocket: number;
  threadsPerCore: number;
  /** MiB. */
  totalMemory: number;
  /** MiB not claimed: (free_pages − outstanding_pages) / 256. */
  freeMemory: number;
  /** MiB of outstanding claims (host-wide total). */
  outstandingClaims: number;
  freeCpus: number;
  cpuTopology: XlCpuTopology[];
  numaInfo: XlNumaInfo[];
}

/** `%Nd` of a C int: right-aligned in at least `w` columns. */
function d(v: number, w: number): string {
  return String(v).padStart(w);
}

/** libxl's numainfo: a uint32 ~0 printed with %d. */
function dist(v: number): number {
  return v === XEN_INVALID_NODE_DIST ? -1 : v;
}

/** Gather the values `xl info -n` prints, through libxc as xl does through libxl. */
export function xlInfo(hv: HypervisorPort): XlInfo {
  const xch = xc_interface_open(hv);
  const phys = xc_physinfo(xch);
  const topo = xc_cputopoinfo(xch);
  const numa = xc_numainfo(xch);
  const cpu0 = topo[0];
  const threads = cpu0 === undefined ? 1 : topo.filter((t) => t.socket === cpu0.socket && t.core === cpu0.core).length;
  const socketCpus = cpu0 === undefined ? 0 : topo.filter((t) => t.socket === cpu0.socket).length;
  const numaInfo: XlNumaInfo[] = [];
  numa.nodes.forEach((n, i) => {
    // XEN_INVALID_MEM_SZ for an offline node: the hypervisor reports ~0U bytes.
    if (n.memsizePages * PAGE_SIZE === XEN_INVALID_NODE_DIST) return;
    numaInfo.push({ node: i, memsize: Math.floor(n.memsizePages / PAGES_PER_MIB), memfree: Math.floor(n.memfreePages / PAGES_PER_MIB), distances: (numa.distances[i] ?? []).map(dist) });
  });
  return {
    nrCpus: phys.nrCpus,
    maxCpuId: topo.length - 1,
    nrNodes: phys.nrNodes,
    coresPerSocket: threads === 0 ? 0 : Math.floor(socketCpus / threads),
    threadsPerCore: threads,
    totalMemory: Math.floor(phys.totalPages / PAGES_PER_MIB),
    freeMemory: Math.floor((phys.freePages - phys.outstandingPages) / PAGES_PER_MIB),
    outstandingClaims: Math.floor(phys.outstandingPages / PAGES_PER_MIB),
    freeCpus: 0,
    cpuTopology: topo.map((t, cpu) => ({ cpu, core: t.core, socket: t.socket, node: t.node })),
    numaInfo,
  };
}

/** The lines `xl info -n` prints for these values (xl's labels, padding and number formats). */
export function formatXlInfo(x: XlInfo, numa = true): string[] {
  const kv = (k: string, v: number): string => `${k.padEnd(23)}: ${v}`;
  const out = [
    kv("nr_cpus", x.nrCpus), kv("max_cpu_id", x.maxCpuId), kv("nr_nodes", x.nrNodes),
    kv("cores_per_socket", x.coresPerSocket), kv("threads_per_core", x.threadsPerCore),
    kv("total_memory", x.totalMemory), kv("free_memory", x.freeMemory), kv("outstanding_claims", x.outstandingClaims),
    kv("free_cpus", x.freeCpus),
  ];
  if (!numa) return out;
  out.push("cpu_topology           :", "cpu:    core    socket     node");
  for (const t of x.cpuTopology) out.push(`${d(t.cpu, 3)}:    ${d(t.core, 4)}     ${d(t.socket, 4)}     ${d(t.node, 4)}`);
  out.push("device topology        :", "device           node", "No device topology data available");
  out.push("numa_info              :", "node:    memsize    memfree    distances");
  for (const n of x.numaInfo) out.push(`${d(n.node, 4)}:    ${d(n.memsize, 6)}     ${d(n.memfree, 6)}      ${n.distances.join(",")}`);
  return out;
}
