/**
 * Which hosts a scan's PATHs hold. A file is one host (acpidump text, or a lone table); a
 * directory that holds binary tables (sysfs layout, `acpidump -b` output) is one host of those
 * tables, and each acpidump text file in it one host of its own (its directory host passes over
 * it: LoadOptions.dumpsInDirectories); any other directory is walked, each file and sub-directory
 * in turn. A file or directory named twice (or reached twice, through a link) is one host. Only the first bytes
 * of each file are read here; loading and analysis happen in the workers.
 */
import { open, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { DUMP_SNIFF_BYTES, holdsOwnDump, ignoredInDirectory, isCompanionDump, looksLikeTable, naturalCompare } from "../acpi/sources/load.js";

/** Enough for a table header (signature, length and the binary fields that tell it from text). */
const SNIFF_BYTES = 36;

async function headOf(path: string, size = SNIFF_BYTES): Promise<Uint8Array | undefined> {
  let fh;
  try {
    fh = await open(path, "r");
    const buf = new Uint8Array(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return undefined; // unreadable: the worker reports it on the host's row
  } finally {
    await fh?.close();
  }
}

interface Entry { path: string; name: string; dir: boolean; link: boolean }

async function entriesOf(dir: string): Promise<Entry[] | undefined> {
  let dirents;
  try { dirents = await readdir(dir, { withFileTypes: true }); } catch { return undefined; }
  const out: Entry[] = [];
  for (const d of [...dirents].sort((a, b) => naturalCompare(a.name, b.name))) {
    if (ignoredInDirectory(d.name)) continue;
    const path = join(dir, d.name);
    let isDir = d.isDirectory();
    let isFile = d.isFile();
    if (d.isSymbolicLink()) {
      try { const st = await stat(path); isDir = st.isDirectory(); isFile = st.isFile(); } catch { isFile = true; }
    }
    if (isDir || isFile) out.push({ path, name: d.name, dir: isDir, link: d.isSymbolicLink() });
  }
  return out;
}

/** A directory of tables: sysfs (`dynamic/`) or a file whose first bytes are a binary table header. */
async function holdsTables(entries: readonly Entry[]): Promise<boolean> {
  if (entries.some((e) => e.dir && e.name === "dynamic")) return true;
  for (const e of entries) {
    if (e.dir) continue;
    const head = await headOf(e.path);
    if (head !== undefined && looksLikeTable(head)) return true;
  }
  return false;
}

/**
 * The acpidump text files of a table directory (not its companion dump): hosts of their own. A
 * file whose header is a binary table (most of them) is passed over on its first bytes; only the
 * others are read far enough for the dump detector.
 */
async function ownDumps(entries: readonly Entry[]): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const e of entries) {
    if (e.dir || isCompanionDump(e.name)) continue;
    const sniff = await headOf(e.path);
    if (sniff === undefined || looksLikeTable(sniff)) continue;
    const head = await headOf(e.path, DUMP_SNIFF_BYTES);
    if (head !== undefined && holdsOwnDump(head)) out.push(e);
  }
  return out;
}

/**
 * The hosts under `paths`, in a stable order (natural name order within a directory). A path
 * that does not exist or cannot be listed is still returned: its row says what is wrong.
 */
export async function findHosts(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (path: string): Promise<void> => {
    let st;
    try { st = await stat(path); } catch {
      if (!seen.has(path)) out.push(path);
      seen.add(path);
      return;
    }
    // A symlink loop, or the same file or tree given twice, is one host. A file by its real path,
    // not its inode: hard links are names a fleet may give identical dumps of different hosts.
    const id = st.isDirectory() ? `${st.dev}:${st.ino}` : await realpath(path).catch(() => path);
    if (seen.has(id)) return;
    seen.add(id);
    if (!st.isDirectory()) { out.push(path); return; }
    const entries = await entriesOf(path);
    if (entries === undefined) { out.push(path); return; }
    if (await holdsTables(entries)) {
      out.push(path);
      for (const e of await ownDumps(entries)) await walk(e.path);
      return;
    }
    // A plain file in a directory walked once has a path of its own: no stat or realpath for it
    // (they doubled the discovery of a 10000-host fleet); links and directories go through walk().
    const real = await realpath(path).catch(() => path);
    for (const e of entries) {
      if (e.dir || e.link) { await walk(e.path); continue; }
      const id = join(real, e.name);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(e.path);
    }
  };
  for (const p of paths) await walk(p);
  return out;
}
