/**
 * Running Debian's `iasl -d` (ACPICA 20200925) as a differential oracle, and reading its
 * `[Off Dec Len]  Label : Value` lines. numakit's text printer uses the same line format, so both
 * outputs go through the same parser and are compared field by field (../acpi/iasl-diff.test.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One printed field, or one decoded flag bit (then `length` is undefined and `field` names its flags field). */
export interface PrintedField {
  offset: number;
  length: number | undefined;
  label: string;
  value: string;
  /** For a flag bit: the label of the flags field it belongs to. */
  field?: string;
}

/** Lengths print as "  4" up to ACPICA 2021 and as "004h" in newer releases (both parse to bytes). */
const FIELD = /^\[([0-9A-F]+)h (\d{4,})\s+(\d+|[0-9A-F]+h)\]\s+(.*?) : (.*)$/;
const BIT = /^\s+(\S.*?) : (.*)$/;
/** numakit's summary lines, printed in the bit-line layout but not fields (src/acpi/print.ts). */
const NOT_FIELDS = new Set(["Trailing bytes", "Gap", "Body", "Beyond length"]);
/** A continuation line of a SLIT row (iasl: 16 bytes a line, the previous one ending in " \"). */
const CONTINUATION = /^\s+((?:[0-9A-F]{2} ?)+)\\?$/;

/** Parse the field lines of one table's disassembly (ours or iasl's); stops at "Raw Table Data". */
export function parsePrinted(text: string): PrintedField[] {
  const out: PrintedField[] = [];
  let lastField: PrintedField | undefined;
  let last: PrintedField | undefined;
  // Bit lines follow a "(decoded below)" field directly; other indented "X : Y" lines are not fields.
  let inBits = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("Raw Table Data")) break;
    const m = FIELD.exec(line);
    if (m !== null) {
      const hexOff = parseInt(m[1] ?? "", 16);
      const decOff = Number(m[2]);
      if (hexOff !== decOff) throw new Error(`hex and decimal offsets disagree: ${line}`);
      const len = m[3] ?? "";
      lastField = { offset: hexOff, length: len.endsWith("h") ? parseInt(len, 16) : Number(len), label: (m[4] ?? "").trim(), value: (m[5] ?? "").trim() };
      last = lastField;
      inBits = lastField.label.endsWith("(decoded below)");
      out.push(lastField);
      continue;
    }
    const c = CONTINUATION.exec(line);
    if (c !== null && last !== undefined && last.value.endsWith("\\")) {
      last.value = `${last.value.slice(0, -1).trim()} ${(c[1] ?? "").trim()}${line.trimEnd().endsWith("\\") ? " \\" : ""}`;
      continue;
    }
    const b = BIT.exec(line);
    if (b !== null && inBits && lastField !== undefined && !NOT_FIELDS.has((b[1] ?? "").trim())) {
      last = { offset: lastField.offset, length: undefined, label: (b[1] ?? "").trim(), value: (b[2] ?? "").trim(), field: lastField.label };
      out.push(last);
    } else {
      inBits = false;
    }
  }
  return out;
}

/**
 * An `iasl` that knows the CEDT (ACPICA 20210331 or later): $NUMAKIT_IASL if set, else `iasl` on
 * the PATH when new enough. Debian 12's acpica-tools 20200925 predates the CEDT.
 */
export function cedtIasl(): { path: string; version: string } | undefined {
  for (const path of [process.env["NUMAKIT_IASL"], "iasl"]) {
    if (path === undefined || path === "") continue;
    try {
      const out = execFileSync(path, ["-v"], { stdio: "pipe" }).toString();
      const version = /version (\d{8})/.exec(out)?.[1];
      if (version !== undefined && version >= "20210331") return { path, version };
    } catch { /* not runnable: try the next */ }
  }
  return undefined;
}

/** Disassemble tables with `iasl -d` in a temp dir; returns each table's .dsl text, in order. */
export function iaslDisassemble(tables: readonly Uint8Array[], iasl = "iasl"): string[] {
  const dir = mkdtempSync(join(tmpdir(), "numakit-iasl-d-"));
  try {
    const names = tables.map((b, i) => {
      const n = `t${String(i).padStart(4, "0")}.dat`;
      writeFileSync(join(dir, n), b);
      return n;
    });
    // One iasl process for all files; iasl exits 0 even for malformed tables.
    for (let i = 0; i < names.length; i += 50) {
      execFileSync(iasl, ["-d", ...names.slice(i, i + 50)], { cwd: dir, stdio: "pipe" });
    }
    return names.map((n) => readFileSync(join(dir, n.replace(/\.dat$/, ".dsl")), "latin1"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
