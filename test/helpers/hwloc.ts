/**
 * hwloc 2.x (Debian hwloc-nox) as an oracle: run lstopo / hwloc-calc on an XML file and read back
 * what they report, in a shape tests compare with the topology.
 */
import { spawnSync } from "node:child_process";

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
