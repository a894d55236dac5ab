/**
 * hwloc 2.x (Debian hwloc-nox) as an oracle: run lstopo / hwloc-calc on an XML file and read back
 * what they report, in a shape tests compare with the topology.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Run a tool (with `input` on stdin); any exit code but 0, or anything on stderr (hwloc's warnings), is a failure. */
export function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...(input === undefined ? {} : { input }) });
  if (r.status !== 0 || r.stderr !== "") throw new Error(`${cmd} ${args.join(" ")}: exit ${String(r.status)}: ${r.stderr}`);
  return r.stdout;
}

/** hwloc bitmap text ("0x00000001,,0x0") → ascending bit numbers. Written apart from the exporter's. */
export function parseBitmap(s: string): number[] {
  const words = s.split(",").reverse();
  const bits: number[] = [];
  words.forEach((w, i) => {
    const v = w === "" ? 0 : Number.parseInt(w, 16);
    for (let b = 0; b < 32; b++) if (Math.floor(v / 2 ** b) % 2 === 1) bits.push(i * 32 + b);
  });
  return bits;
}

export interface HwlocReport {
  /** NUMA nodes by os_index: the PUs in hwloc's cpuset of the node, and local_memory. */
  nodes: { os: number; pus: number[]; localMemory: string }[];
  pus: number[];
  /** The NUMALatency matrix by physical index (ascending), or null when lstopo prints none. */
  distances: { nodes: number[]; matrix: number[][] } | null;
  /** "Latency P#2 = 40 from 0,1" lines, sorted (Capacity and Locality, which hwloc computes, left out). */
  memattrs: string[];
}

const attr = (s: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(s)?.[1];

/** lstopo's own XML export of the loaded file, `--distances` and `--memattrs` with physical indexes. */
export function lstopoReport(file: string): HwlocReport {
  const xml = run("lstopo", ["-i", file, "--of", "xml", "-"]);
  const nodes: HwlocReport["nodes"] = [];
  const pus: number[] = [];
  for (const m of xml.matchAll(/<object type="(NUMANode|PU)"([^>]*)>/g)) {
    const a = m[2] ?? "";
    const os = Number(attr(a, "os_index"));
    if (m[1] === "PU") pus.push(os);
    else nodes.push({ os, pus: parseBitmap(attr(a, "cpuset") ?? "0x0"), localMemory: attr(a, "local_memory") ?? "0" });
  }
  nodes.sort((a, b) => a.os - b.os);
  pus.sort((a, b) => a - b);
  return { nodes, pus, distances: parseDistances(run("lstopo", ["-i", file, "-p", "--distances"])), memattrs: parseMemattrs(run("lstopo", ["-i", file, "-p", "--memattrs"])) };
}

function parseDistances(text: string): HwlocReport["distances"] {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => /name NUMALatency kind 5\) between \d+ NUMANodes .* by physical indexes/.test(l));
  if (at < 0) return null;
  const nums = (l: string): number[] => l.trim().split(/\s+/).map(Number);
  const header = nums((lines[at + 1] ?? "").replace("index", ""));
  const matrix = header.map((_, i) => nums(lines[at + 2 + i] ?? "").slice(1));
  return { nodes: header, matrix };
}

function parseMemattrs(text: string): string[] {
  const out: string[] = [];
  let name = "";
  for (const l of text.split("\n")) {
    const head = /^Memory attribute #\d+ name `(\w+)' flags \d+/.exec(l);
    if (head !== null) { name = head[1] ?? ""; continue; }
    const v = /^ {2}NUMANode P#(\d+) = (\d+) from cpuset (\S+)/.exec(l);
    if (v !== null && name !== "Capacity" && name !== "Locality") out.push(`${name} P#${v[1] ?? ""} = ${v[2] ?? ""} from ${parseBitmap(v[3] ?? "").join(",")}`);
  }
  return out.sort();
}

/**
 * `hwloc-calc --pi --nodeset pu:N` for several PUs (the NUMA nodes hwloc says are local to each) with ONE hwloc-calc: given no location on its command line, it reads
 * one per line from stdin and answers each on its own line (after a "Waiting for locations" note).
 */
export function nodesetsOfPus(file: string, pus: readonly number[]): number[][] {
  if (pus.length === 0) return [];
  const lines = run("hwloc-calc", ["-i", file, "--pi", "--nodeset"], pus.map((pu) => `pu:${pu}\n`).join(""))
    .split("\n").filter((l) => l !== "" && !l.startsWith("Waiting for locations to process on stdin"));
  if (lines.length !== pus.length) throw new Error(`hwloc-calc answered ${lines.length} lines for ${pus.length} PUs: ${lines.join(" | ")}`);
  return lines.map((l) => parseBitmap(l.trim()));
}

/**
 * Real hwloc reading a Linux sysfs: `tree` (numakit's /sys/devices/system/node, src/synth/sysfs.ts)
 * under DIR/sys/devices/system/node, with the least /sys/devices/system/cpu hwloc's Linux backend
 * accepts (hwloc 2.9 topology-linux.c check_sysfs_cpu_path(): cpuN/topology/{core,package}_cpus;
 * left empty so that hwloc makes no Core or Package, as numakit's export has none), the CPUs being
 * those of the nodes' cpulists. Returns `lstopo --of xml` of it.
 */
export function lstopoOnSysfs(tree: ReadonlyMap<string, { kind: "file"; text: string } | { kind: "symlink"; target: string }>, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  const node = join(dir, "sys", "devices", "system", "node");
  const cpus = new Set<number>();
  for (const [path, e] of tree) {
    const file = join(node, path);
    mkdirSync(dirname(file), { recursive: true });
    if (e.kind === "symlink") { symlinkSync(e.target, file); continue; }
    writeFileSync(file, e.text);
    if (/^node\d+\/cpulist$/.test(path)) for (const c of parseList(e.text)) cpus.add(c);
  }
  const cpu = join(dir, "sys", "devices", "system", "cpu");
  mkdirSync(cpu, { recursive: true });
  for (const c of cpus) {
    mkdirSync(join(cpu, `cpu${c}`, "topology"), { recursive: true });
    for (const f of ["core_cpus", "package_cpus"]) writeFileSync(join(cpu, `cpu${c}`, "topology", f), "");
  }
  mkdirSync(join(dir, "proc"), { recursive: true });
  writeFileSync(join(dir, "proc", "cpuinfo"), "");
  // hwloc's warnings ("intersection without inclusion" when two nodes' cpusets overlap) are part
  // of what it does with such a sysfs, not a failure: it goes on, as the export must.
  const r = spawnSync("lstopo", ["--if", "fsroot", "--input", dir, "--of", "xml", "-"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`lstopo --input ${dir}: exit ${String(r.status)}: ${r.stderr}`);
  return r.stdout;
}

/** "0-3,8" → [0,1,2,3,8]. */
function parseList(text: string): number[] {
  return text.trim().split(",").filter((p) => p !== "").flatMap((p) => {
    const [a, b] = p.split("-").map(Number);
    return Array.from({ length: (b ?? a ?? 0) - (a ?? 0) + 1 }, (_, i) => (a ?? 0) + i);
  });
}

/**
 * An hwloc XML reduced to what both hwloc and numakit's export decide, one line each: the object
 * tree (type, os_index, sets, memory size, cache and group attributes; indented by depth, children
 * in document order), the distances elements as they are, and memattr values with the target
 * named by its os_index instead of gp_index. Left out: gp_index numbers, info, page_type and
 * support elements (hwloc's own: the running hwloc, the page size of the machine it runs on).
 */
export function canonicalHwlocXml(xml: string): string[] {
  const out: string[] = [];
  const numaOs = new Map<string, string>();
  let depth = 0;
  const keep = ["os_index", "cpuset", "nodeset", "local_memory", "cache_size", "depth", "cache_linesize", "cache_associativity", "cache_type", "kind", "subkind", "dont_merge"];
  for (const line of xml.split("\n")) {
    const t = line.trim();
    const obj = /^<object type="(\w+)"([^>]*?)(\/?)>$/.exec(t);
    if (obj !== null) {
      const a = obj[2] ?? "";
      if (obj[1] === "NUMANode") numaOs.set(attr(a, "gp_index") ?? "", attr(a, "os_index") ?? "");
      out.push(`${"  ".repeat(depth)}${obj[1] ?? ""}${keep.flatMap((k) => { const v = attr(a, k); return v === undefined ? [] : [` ${k}=${v}`]; }).join("")}`);
      if (obj[3] !== "/") depth++;
    } else if (t === "</object>") depth--;
    else if (/^<(distances2|indexes|u64values|\/distances2)/.test(t)) out.push(t);
    else if (t.startsWith("<memattr ")) out.push(`memattr ${attr(t, "name") ?? ""} ${attr(t, "flags") ?? ""}`);
    else if (t.startsWith("<memattr_value ")) out.push(`  node ${attr(t, "target_obj_gp_index") ?? ""} = ${attr(t, "value") ?? ""} from ${attr(t, "initiator_cpuset") ?? ""}`);
  }
  return out.map((l) => l.replace(/^ {2}node (\d+) =/, (_, gp: string) => `  NUMANode P#${numaOs.get(gp) ?? `gp${gp}`} =`));
}
