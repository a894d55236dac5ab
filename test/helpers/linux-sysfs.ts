/**
 * Compare numakit's /sys/devices/system/node tree (src/synth/sysfs.ts) with what Linux wrote on an
 * oracle boot (../shared/samples/oracle/<case>/linux, or a fresh acpitable.sh output): the
 * capture flattens the tree (nodes_online, node/nodeN/memtotal_kb, accessN/initiators/_links).
 * Used by the oracle test and by the boot runner (test/boot/run.ts).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SysfsTree } from "../../src/synth/sysfs.js";

export interface SysfsComparison {
  /** Files whose content is the same. */
  agree: string[];
  /** Files that differ, with both values. */
  differ: { file: string; ours: string; linux: string }[];
  /** MemTotal per node: ours (SRAT ranges) and Linux's (less what the kernel reserves), in kB. */
  memTotal: { node: number; oursKb: number; linuxKb: number }[];
}

const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, "utf8").trim() : undefined);

/** Linux's captured file for one of our paths, or undefined when the capture has no counterpart. */
function linuxValue(linuxDir: string, path: string): string | undefined {
  const mask = /^(possible|online|has_cpu|has_memory|has_normal_memory|has_generic_initiator)$/.exec(path);
  if (mask !== null) return read(join(linuxDir, `nodes_${mask[1] ?? ""}`));
  return read(join(linuxDir, "node", path));
}

/** Links of one access class directory, as the capture lists them (_links) or as our symlinks. */
function ourLinks(tree: SysfsTree, dir: string): string {
  return [...tree.keys()].filter((k) => k.startsWith(`${dir}/node`) && !k.slice(dir.length + 1).includes("/")).map((k) => k.slice(dir.length + 1)).sort().join("\n");
}

export function compareWithLinux(tree: SysfsTree, linuxDir: string): SysfsComparison {
  const out: SysfsComparison = { agree: [], differ: [], memTotal: [] };
  const note = (file: string, ours: string, linux: string | undefined): void => {
    if (linux === undefined) return;
    if (ours === linux) out.agree.push(file); else out.differ.push({ file, ours, linux });
  };
  const linkDirs = new Set<string>();
  for (const [path, entry] of tree) {
    if (entry.kind === "symlink") { linkDirs.add(path.slice(0, path.lastIndexOf("/"))); continue; }
    const ours = entry.text.trim();
    if (path.endsWith("/meminfo")) {
      const node = Number(/^node(\d+)/.exec(path)?.[1]);
      const linux = read(join(linuxDir, "node", `node${node}`, "memtotal_kb"));
      const oursKb = Number(/MemTotal:\s+(\d+)/.exec(ours)?.[1]);
      if (linux !== undefined) out.memTotal.push({ node, oursKb, linuxKb: Number(linux) });
      continue;
    }
    if (path.endsWith("/cpumap")) continue; // not captured
    note(path, ours, linuxValue(linuxDir, path));
  }
  // Access-class links: ours are symlinks, the capture lists them in _links.
  const nodeDir = join(linuxDir, "node");
  const captured = new Set<string>();
  if (existsSync(nodeDir)) {
    for (const n of readdirSync(nodeDir)) {
      for (const a of ["access0", "access1"]) for (const side of ["initiators", "targets"]) {
        if (existsSync(join(nodeDir, n, a, side, "_links"))) captured.add(`${n}/${a}/${side}`);
      }
    }
  }
  for (const dir of [...new Set([...linkDirs, ...captured])].sort()) {
    note(`${dir}/_links`, ourLinks(tree, dir), read(join(nodeDir, dir, "_links")) ?? "");
  }
  // Node directories Linux has and we do not.
  if (existsSync(nodeDir)) {
    for (const n of readdirSync(nodeDir)) if (![...tree.keys()].some((k) => k.startsWith(`${n}/`))) out.differ.push({ file: `${n}/`, ours: "(absent)", linux: "present" });
  }
  return out;
}
