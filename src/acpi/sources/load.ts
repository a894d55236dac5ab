/**
 * Sources: where table bytes come from. A SOURCE is a binary table file, a directory of them
 * (sysfs layout with `dynamic/`, or `acpidump -b` output), an acpidump text file, or "-" for
 * acpidump text on stdin. With no source, this host's /sys/firmware/acpi/tables is read.
 */
import { basename, join } from "node:path";
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from "node:fs";
import { naturalCompare } from "../../util/natural-compare.js";
import { DiagnosticSink, type Diagnostic } from "../../diagnostics.js";
import { InputError, type NumakitError } from "../../errors.js";
import { describeProvenance, type RawTable } from "../raw.js";
import { oneLineText } from "../../util/escape.js";
import { HEADER_SIZE, readHeader, SIGNATURE_SIZE } from "../tables/header.js";
import { ownLayoutOf } from "../tables/own-layout.js";
import { looksLikeAcpidumpBytes, MAX_DUMP_TABLES, parseAcpidumpBytes, type TextDamage, type TextTable } from "./acpidump-text.js";
import { pushAll } from "../../util/arrays.js";

export const SYSFS_TABLES = "/sys/firmware/acpi/tables";
/** How standard input ("-") is named in messages. */
const STDIN_NAME = "<stdin>";
/** Larger inputs are refused rather than read: the largest real dumps are a few MiB. */
export const MAX_SOURCE_BYTES = 256 * 1024 * 1024;

export interface LoadedSources {
  tables: RawTable[];
  /** Source-level findings: skipped files (info), damaged tables of a dump (TABLE_DAMAGED, error). */
  diagnostics: Diagnostic[];
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err).code) : undefined;
}

/** The typed error for a source that cannot be read (exported for tests: root cannot provoke EACCES). */
export function unreadable(path: string, err: unknown): InputError {
  const code = errnoOf(err);
  if (code === "EACCES" || code === "EPERM") {
    // Only sysfs needs root; for a user's own file the hint would mislead.
    const hint = path.startsWith("/sys/firmware/acpi") ? "; ACPI tables are readable by root only: run as root (e.g. sudo numakit ...)" : "";
    return new InputError("E_INPUT_PERMISSION", `permission denied${hint}`, { file: path }, { cause: err });
  }
  if (code === "ENOENT") return new InputError("E_INPUT_MISSING", "no such file or directory", { file: path }, { cause: err });
  if (code === "EISDIR") return new InputError("E_INPUT_UNREADABLE", "is a directory", { file: path }, { cause: err });
  if (code === "ENOTDIR") return new InputError("E_INPUT_MISSING", "not a directory (a part of the path is a file)", { file: path }, { cause: err });
  const msg = err instanceof Error ? err.message : String(err);
  return new InputError("E_INPUT_UNREADABLE", `cannot read: ${msg}`, { file: path }, { cause: err });
}

/**
 * A valid ACPI signature, by ACPICA's rule (acpi_ut_valid_nameseg, utascii.c): upper-case letters,
 * digits and "_", and "!" last ("ASF!"); real ones include "FFFF" and "WD__". The RSDP's "RSD PTR "
 * is its own case. Printable ASCII was accepted before: /etc/ld.so.cache ("glibc-ld.so.cache")
 * decoded as a table "glib" with a Length of 1.6 GB, and made /etc a host to `scan`.
 */
function validSignature(b: Uint8Array): boolean {
  if (b.length < SIGNATURE_SIZE) return false;
  if (ownLayoutOf(b) !== undefined) return true;
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    const c = b[i] ?? 0;
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c === 0x21 && i === SIGNATURE_SIZE - 1);
    if (!ok) return false;
  }
  return true;
}

/** The table's name from its bytes: the signature, or "RSDP" for "RSD PTR " (as acpidump names it). */
function signatureOf(b: Uint8Array): string {
  return ownLayoutOf(b)?.signature ?? String.fromCharCode(...b.subarray(0, SIGNATURE_SIZE));
}

function selfConsistentLength(b: Uint8Array): boolean {
  const { values, complete } = readHeader(b);
  const declared = values.tableLength;
  return complete && declared !== undefined && declared >= HEADER_SIZE && declared <= b.length;
}

/** A byte no text file (ASCII or UTF-8) contains: a C0 control other than tab, LF, CR. */
function hasControlByte(b: Uint8Array): boolean {
  for (const c of b) if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return true;
  return false;
}

/**
 * Could these bytes be a binary table? A valid signature, and a header that is binary (a real
 * table's Length has a 0x00 byte unless it exceeds 16 MiB) or self-consistent (Length within
 * the header size..file size). So a README, a log or a UTF-8 text never decodes as a table with a garbage
 * length, while truncated and damaged tables still do (their header still has binary bytes).
 */
export function looksLikeTable(b: Uint8Array): boolean {
  if (!validSignature(b)) return false;
  if (b.length < HEADER_SIZE) return hasControlByte(b.subarray(SIGNATURE_SIZE));
  return hasControlByte(b.subarray(SIGNATURE_SIZE, HEADER_SIZE)) || selfConsistentLength(b);
}

function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 1 << 16);
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c !== 0 && c !== 9 && c !== 10 && c !== 13 && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}

/** "ssdt2.dat" -> "SSDT", "SSDT2" -> "SSDT", "SRAT.numamem" -> "SRAT", "APIC" -> "APIC". */
export function signatureFromName(name: string): string {
  const stem = basename(name).split(".")[0] ?? "";
  return stem.replace(/\d+$/, "").toUpperCase().slice(0, 4);
}

/**
 * Named as sysfs or acpixtract name a table ("SLIT", "SSDT2", "srat.dat", "SRAT.numamem"): only then
 * do a few bytes count as a (broken) table. /dev/null, <stdin> or "notes" are not tables.
 */
function namedLikeTable(file: string): boolean {
  return file !== STDIN_NAME && !file.startsWith("/dev/") && /^[A-Za-z0-9_]{4}\d*$/.test(basename(file).split(".")[0] ?? "");
}

/**
 * Text with a byte-order mark as one-byte text: a dump saved by a Windows editor (UTF-8 BOM) or
 * redirected in PowerShell (`acpidump > dump.txt` writes UTF-16LE with a BOM). A binary table never
 * starts with these bytes (its signature is printable ASCII).
 */
function withoutBom(bytes: Uint8Array): Uint8Array {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return bytes.subarray(3);
  const utf16 = a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : undefined;
  if (utf16 === undefined) return bytes;
  const text = new TextDecoder(utf16).decode(bytes.subarray(2));
  // Anything beyond Latin-1 cannot be part of a dump; "?" keeps it text so the detector rejects it cleanly.
  return Uint8Array.from(text, (ch) => { const code = ch.charCodeAt(0); return code < 0x100 ? code : 0x3f; });
}

/** How much of a file `holdsOwnDump` needs: the first lines a dump detector sniffs, as `scan` reads them. */
export const DUMP_SNIFF_BYTES = 64 * 1024;

/**
 * An acpidump text (not a binary table): the first DUMP_SNIFF_BYTES of a file are enough. `scan`
 * makes each such file in a table directory a host of its own (src/fleet/hosts.ts), and its
 * directory host passes over it (LoadOptions.dumpsInDirectories), with one predicate for both.
 */
export function holdsOwnDump(head: Uint8Array): boolean {
  const bytes = withoutBom(head.subarray(0, DUMP_SNIFF_BYTES));
  return bytes.length > 0 && !looksLikeTable(bytes) && isText(bytes) && looksLikeAcpidumpBytes(bytes);
}

/** Reported for each damaged table of an acpidump text (see tablesFromBytes). */
export type DamageHandler = (d: Diagnostic) => void;

/**
 * One finding for a table whose dump has a malformed hex line: the file and line, the table, and
 * the offset where its bytes stop being trustworthy. The table itself is not used: decoding the
 * bytes before the damage would report the cut as a truncated table, with a cascade of findings.
 */
export function damageDiagnostic(t: TextTable, damage: TextDamage): Diagnostic {
  return {
    code: "TABLE_DAMAGED", severity: "error", table: t.signature, offset: damage.offset, source: `${t.source.file}:${damage.line}`,
    message: `malformed hex line: ${damage.reason}; the table (dump line ${t.source.line ?? "?"}) is not used`,
  };
}

/**
 * The error when the sources give no usable table (exit 2). When tables of a dump were left out as
 * damaged, it is the first one's finding (E_INPUT_DAMAGED, as tablesFromBytes throws without a
 * handler), on one line naming file:line, table and offset, so the reason is not lost behind "no
 * ACPI tables found" (and `scan` counts the dump unreadable, not "not ACPI data"); with no such
 * finding, `otherwise`.
 */
export function noUsableTable(diagnostics: readonly Diagnostic[], otherwise: NumakitError): NumakitError {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  if (first === undefined) return otherwise;
  const where = first.source ?? "";
  const colon = where.lastIndexOf(":");
  const line = colon < 0 ? NaN : Number(where.slice(colon + 1));
  const file = Number.isInteger(line) && line > 0 ? where.slice(0, colon) : where;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more damaged)` : "";
  return new InputError("E_INPUT_DAMAGED", `${first.message}, and the sources have no other table${more}`, {
    ...(file === "" ? {} : { file }), ...(Number.isInteger(line) && line > 0 ? { line } : {}), table: first.table, ...(first.offset === undefined ? {} : { offset: first.offset }),
  });
}

/**
 * A dump table whose header line names another signature than its bytes hold ("SRAT @ 0x..." over
 * the bytes of a SLIT) is the table its bytes say, for every command alike (decode reads the
 * bytes; Linux finds tables by them too); a warning (TABLE_SIGNATURE_MISMATCH) names both.
 * acpixtract names its file by the header line; numakit's extract by the bytes.
 */
function bytesNamed(t: RawTable, onDiagnostic: DamageHandler | undefined): RawTable {
  if (!validSignature(t.bytes)) return t;
  const signature = signatureOf(t.bytes);
  if (signature === t.signature) return t;
  onDiagnostic?.({
    code: "TABLE_SIGNATURE_MISMATCH", severity: "warning", table: signature, offset: 0, source: describeProvenance(t.source),
    message: `the dump's header line names it "${oneLineText(t.signature)}" but its bytes are a ${signature}: numakit uses the bytes' signature (acpixtract names its file by the header line)`,
  });
  return { ...t, signature };
}

/**
 * Decide what a file's bytes are and turn them into raw tables. A damaged table of an acpidump text
 * goes to `onDamage` instead of the result; without a handler it is an error (never a silent cut).
 */
export function tablesFromBytes(raw: Uint8Array, file: string, onDamage?: DamageHandler): RawTable[] {
  const bytes = withoutBom(raw);
  if (bytes.length > 0 && isText(bytes)) {
    // Read as latin1 text, by the detector (up to the first table, wherever it is) and the parser
    // (a string of a whole dump costs more to make than the parse).
    if (looksLikeAcpidumpBytes(bytes)) {
      let stoppedAt: number | undefined;
      const tables = parseAcpidumpBytes(bytes, file, { stopped: (line) => { stoppedAt = line; } });
      if (tables.length > 0) {
        const usable: RawTable[] = [];
        if (stoppedAt !== undefined) {
          const message = `more than ${MAX_DUMP_TABLES} tables: numakit reads the first ${MAX_DUMP_TABLES}, not those from dump line ${stoppedAt} on`;
          if (onDamage === undefined) throw new InputError("E_INPUT_TOO_LARGE", message, { file, line: stoppedAt });
          onDamage({ code: "DUMP_TOO_MANY_TABLES", severity: "error", table: "source", source: `${file}:${stoppedAt}`, message });
        }
        for (const { damage, ...t } of tables) {
          if (damage === undefined) { usable.push(bytesNamed(t, onDamage)); continue; }
          const d = damageDiagnostic(t, damage);
          if (onDamage === undefined) throw new InputError("E_INPUT_DAMAGED", d.message, { file, line: damage.line, table: d.table, offset: damage.offset });
          onDamage(d);
        }
        return usable;
      }
    }
    if (!looksLikeTable(bytes)) {
      throw new InputError("E_INPUT_FORMAT", "neither an ACPI table nor acpidump text (no \"SIG @ 0x...\" header with hex lines)", { file });
    }
  }
  if (bytes.length < SIGNATURE_SIZE && namedLikeTable(file)) {
    // An empty or stub table file (QEMU's test data has a 0-byte SLIT): decode reports it.
    return [{ signature: signatureFromName(file), bytes, source: { file, name: basename(file) } }];
  }
  if (bytes.length === 0) throw new InputError("E_INPUT_FORMAT", "empty (0 bytes): neither an ACPI table nor acpidump text", { file });
  if (!looksLikeTable(bytes)) {
    throw new InputError("E_INPUT_FORMAT", "neither an ACPI table (no table header at offset 0) nor acpidump text", { file, offset: 0 });
  }
  return [{ signature: signatureOf(bytes), bytes, source: { file, name: basename(file) } }];
}

/**
 * A file's bytes, refused (one line) above MAX_SOURCE_BYTES; read errors in words ("no such file
 * or directory"). Sources are read with synchronous calls: a source is a few MiB at most, and on
 * the way to one dump's result there is nothing to overlap the reads with, while each
 * asynchronous call is a round trip through libuv's thread pool (stat, open, fstat, read,
 * close): in-process scan of the R820 dump 9.0 → 7.4 ms of CPU (issue 19).
 */
export function readLimited(path: string, max = MAX_SOURCE_BYTES): Uint8Array {
  let st: Stats;
  try { st = statSync(path); } catch (err) { throw unreadable(path, err); }
  return readStat(path, st, max);
}

/**
 * readLimited() of a file already stat()ed. A regular file's size says what there is to read.
 * Anything else is read to its end, but never past `max`: a pipe (`numakit topology <(ssh host
 * acpidump)`), a procfs file (size 0), a character device (/dev/zero has no end: readFileSync
 * read it until Node gave up at 2 GiB).
 */
function readStat(path: string, st: Stats, max = MAX_SOURCE_BYTES): Uint8Array {
  if (st.size > max) throw tooLarge(path, `file is ${st.size} bytes`, max);
  if (!st.isFile() || st.size === 0) return readToEnd(path, max);
  let buf: Buffer;
  try { buf = readFileSync(path); } catch (err) { throw unreadable(path, err); }
  // A plain Uint8Array over the same memory (Buffer's slice() would share where subarray() is
  // expected to): no copy of the file.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function tooLarge(file: string, what: string, max: number): InputError {
  return new InputError("E_INPUT_TOO_LARGE", `${what}; numakit reads at most ${max} bytes per source`, { file });
}

/** Chunk of a read to end of file: a pipe gives at most 64 KiB a read. */
const READ_CHUNK = 64 * 1024;

/** The bytes of a file without a size, read until end of file; more than `max` is refused. */
function readToEnd(path: string, max: number): Uint8Array {
  let fd: number;
  try { fd = openSync(path, "r"); } catch (err) { throw unreadable(path, err); }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, max + 1 - total));
      let n: number;
      try { n = readSync(fd, chunk, 0, chunk.length, null); } catch (err) { throw unreadable(path, err); }
      if (n === 0) break;
      total += n;
      if (total > max) throw tooLarge(path, `read ${max} bytes without reaching its end (a pipe or a device)`, max);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    const all = Buffer.concat(chunks, total);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  } finally {
    closeSync(fd);
  }
}

/** Natural order: SSDT2 before SSDT10, so multi-instance tables keep firmware order (src/util/natural-compare.ts). */
export { naturalCompare };

/** Files a directory source passes over without a word: hidden files, ASL/disassembly, notes, JSON, cpio archives (synth's initrd tables). */
export function ignoredInDirectory(name: string): boolean {
  return name.startsWith(".") || /\.(dsl|asl|md|json|cpio)$/i.test(name);
}

/**
 * An acpidump text beside the binaries it was written from (`numakit synth --out DIR` writes
 * DIR/tables.acpidump.txt next to DIR/SRAT ...): read only when the directory holds no other table,
 * so the tables are not read twice.
 */
export function isCompanionDump(name: string): boolean {
  return /\.acpidump\.txt$/i.test(name);
}

function loadDirectory(dir: string, sink: DiagnosticSink, opts: LoadOptions = {}): RawTable[] {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch (err) { throw unreadable(dir, err); }
  const out: RawTable[] = [];
  const companions: string[] = [];
  const load = (path: string, ownDumps = false): void => {
    try {
      const bytes = readLimited(path);
      if (ownDumps && holdsOwnDump(bytes)) return; // a host of its own (scan)
      pushAll(out, tablesFromBytes(bytes, path, (d) => sink.items.push(d)));
    } catch (err) {
      if (err instanceof InputError && (err.code === "E_INPUT_FORMAT")) {
        sink.info("SOURCE_SKIPPED", `${path}: ${err.message}`);
        return;
      }
      throw err;
    }
  };
  for (const e of [...entries].sort((a, b) => naturalCompare(a.name, b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      // sysfs: dynamic/ holds tables loaded at run time; data/ holds memory regions, not tables.
      if (e.name === "dynamic") pushAll(out, loadDirectory(path, sink, opts));
      continue;
    }
    if (ignoredInDirectory(e.name)) continue;
    // A link to a table is the table (a directory of links to a dump's files); links to
    // directories are not followed (no loops), as other subdirectories are not.
    if (e.isSymbolicLink()) {
      let target: Stats;
      try { target = statSync(path); } catch (err) {
        sink.info("SOURCE_SKIPPED", `${path}: ${unreadable(path, err).message} (a symbolic link)`);
        continue;
      }
      if (!target.isFile()) continue;
    } else if (!e.isFile()) continue;
    if (isCompanionDump(e.name)) { companions.push(path); continue; }
    load(path, opts.dumpsInDirectories === "skip");
  }
  if (out.length === 0) for (const path of companions) load(path);
  return out;
}

/** Where "-" reads from: the process's stdin unless a caller (the CLI's injected io, a test) gives another. */
export interface LoadOptions {
  stdin?: AsyncIterable<Uint8Array | string>;
  /**
   * "skip": a directory's acpidump text files (other than a companion dump) are not read with its
   * binary tables: `scan` makes each one a host of its own. Default: read them.
   */
  dumpsInDirectories?: "read" | "skip";
}

/** Standard input's bytes, refused above MAX_SOURCE_BYTES. */
export async function readStdin(stdin: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stdin) {
    const c = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    n += c.length;
    if (n > MAX_SOURCE_BYTES) throw new InputError("E_INPUT_TOO_LARGE", `standard input exceeds ${MAX_SOURCE_BYTES} bytes`, { file: "-" });
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Load every source, in order. No sources: this host's sysfs tables. */
export async function loadSources(sources: readonly string[], opts: LoadOptions = {}): Promise<LoadedSources> {
  const sink = new DiagnosticSink({ table: "source" });
  const tables: RawTable[] = [];
  if (sources.length === 0) {
    try {
      statSync(SYSFS_TABLES);
    } catch (err) {
      if (errnoOf(err) === "ENOENT") {
        throw new InputError("E_INPUT_NO_SYSFS", "no ACPI tables here (not Linux with ACPI?); name a SOURCE: a table file, a directory, or acpidump text", { file: SYSFS_TABLES });
      }
      throw unreadable(SYSFS_TABLES, err);
    }
    pushAll(tables, loadDirectory(SYSFS_TABLES, sink));
    return { tables, diagnostics: sink.items };
  }
  for (const src of sources) {
    const onDamage: DamageHandler = (d) => sink.items.push(d);
    if (src === "-") { pushAll(tables, tablesFromBytes(await readStdin(opts.stdin ?? (process.stdin as AsyncIterable<Buffer>)), STDIN_NAME, onDamage)); continue; }
    let st;
    try { st = statSync(src); } catch (err) { throw unreadable(src, err); }
    if (st.isDirectory()) pushAll(tables, loadDirectory(src, sink, opts));
    else pushAll(tables, tablesFromBytes(readStat(src, st), src, onDamage));
  }
  return { tables, diagnostics: sink.items };
}
