/**
 * Which hosts a scan's PATHs hold. A file is one host (acpidump text, or a lone table); a
 * directory that holds binary tables (sysfs layout, `acpidump -b` output) is one host; any
 * other directory is walked, each file and sub-directory in turn. Only a few header bytes of
 * each file are read here; loading and analysis happen in the workers.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ignoredInDirectory, looksLikeTable, naturalCompare } from "../acpi/sources/load.js";

/** Enough for a table header (signature, length and the binary fields that tell it from text). */
const SNIFF_BYTES = 36;

async function headOf(path: string): Promise<Uint8Array | undefined> {
  let fh;
  try {
    fh = await open(path, "r");
    const buf = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return undefined; // unreadable: the worker reports it on the host's row
  } finally {
    await fh?.close();
  }
}

interface Entry { path: string; name: string; dir: boolean }

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
    if (isDir || isFile) out.push({ path, name: d.name, dir: isDir });
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
 * The hosts under `paths`, in a stable order (natural name order within a directory). A path
 * that does not exist or cannot be listed is still returned: its row says what is wrong.
 */
export async function findHosts(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (path: string): Promise<void> => {
    let st;
    try { st = await stat(path); } catch { out.push(path); return; }
    if (!st.isDirectory()) { out.push(path); return; }
    // A symlink loop (or the same tree given twice) is walked once.
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    const entries = await entriesOf(path);
    if (entries === undefined || await holdsTables(entries)) { out.push(path); return; }
    for (const e of entries) {
      if (e.dir) await walk(e.path);
      else out.push(e.path);
    }
  };
  for (const p of paths) await walk(p);
  return out;
}
