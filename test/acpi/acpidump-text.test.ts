/**
 * The acpidump data-line scanner against the obvious reference (split on whitespace, two hex
 * digits a token, like acpixtract's sscanf over 49 characters): same bytes for any line.
 */
import { expect } from "chai";
import fc from "fast-check";
import { lineBytes, MAX_DUMP_TABLES, parseAcpidumpBytes, parseAcpidumpText } from "../../src/acpi/sources/acpidump-text.js";
import { tablesFromBytes } from "../../src/acpi/sources/load.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { InputError } from "../../src/errors.js";
import { fcRuns } from "../helpers/runs.js";
import { referenceParse } from "./acpidump-text.reference.js";

function reference(rest: string): number[] {
  const out: number[] = [];
  for (const tok of rest.slice(0, 49).split(/\s+/)) {
    if (tok === "") continue;
    if (!/^[0-9A-Fa-f]{2}$/.test(tok) || out.length === 16) break;
    out.push(parseInt(tok, 16));
  }
  return out;
}

describe("acpi: acpidump data-line scanner", () => {
  it("reads what the reference reads, for real-looking and random lines", () => {
    const hexish = fc.constantFrom(..." \t\u00a0\r0123456789abcdefABCDEFgx.:/".split(""));
    const line = fc.oneof(
      fc.string({ unit: hexish, maxLength: 80 }),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 18 }).chain((b) => fc.constantFrom(" ", "  ", "\t").map((sep) =>
        ` ${b.map((x) => x.toString(16).padStart(2, "0")).join(sep)}  ..ASCII..`)),
      fc.string({ unit: "binary", maxLength: 60 }),
    );
    fc.assert(fc.property(line, (l) => { expect(lineBytes(l)).to.deep.equal(reference(l)); }), { numRuns: fcRuns(50) });
  });

  it("stops at 16 bytes and at the ASCII column", () => {
    const row = ` ${Array.from({ length: 16 }, (_, i) => i.toString(16).padStart(2, "0").toUpperCase()).join(" ")}  ................`;
    expect(lineBytes(row)).to.deep.equal(Array.from({ length: 16 }, (_, i) => i));
    expect(lineBytes(" 53 52 41 54 C0  SRAT.")).to.deep.equal([0x53, 0x52, 0x41, 0x54, 0xc0]);
    expect(lineBytes(" 53 5 41")).to.deep.equal([0x53]);
  });
});

/** ACPICA's acpidump layout of `bytes` under `header`: offset, 16 hex bytes, the ASCII column. */
function dumpText(header: string, bytes: readonly number[]): string {
  const lines = [header];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.slice(at, at + 16);
    const hex = row.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ").padEnd(47, " ");
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`    ${at.toString(16).toUpperCase().padStart(4, "0")}: ${hex}  ${ascii}`);
  }
  return lines.join("\n") + "\n\n";
}

describe("acpi: acpidump text parser against the line-by-line regex reference", () => {
  // Tables whose Length is right, short or long, in dumps then bent at random places: line endings,
  // NULs, odd white space (NBSP, U+2000, U+2028), junk characters, lines cut or joined.
  const table = fc.tuple(fc.constantFrom("SRAT", "APIC", "SSDT", "RSD PTR "), fc.integer({ min: 0, max: 80 }), fc.integer({ min: -8, max: 8 }))
    .chain(([sig, n, skew]) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n }).map((body) => {
      const bytes = Array.from({ length: 4 }, (_, i) => sig.charCodeAt(i)).concat(body);
      const len = Math.max(0, bytes.length + skew);
      if (bytes.length >= 8) { bytes[4] = len & 0xff; bytes[5] = len >> 8; bytes[6] = 0; bytes[7] = 0; }
      return dumpText(`${sig.trimEnd()} @ 0x${"0".repeat(16)}`, bytes);
    }));
  const bend = fc.tuple(fc.nat(), fc.constantFrom("\r", "\r\n", "\n", "\0", " ", "\t", "\u00a0", "\u2000", "\u2028", "z", ":", "0", "", "\n\n", "  0000: 41", "    0010: 41 42"), fc.integer({ min: 0, max: 3 }));
  const dump = fc.tuple(fc.array(table, { minLength: 1, maxLength: 3 }), fc.array(bend, { maxLength: 6 })).map(([tables, bends]) => {
    let text = tables.join("");
    for (const [at, insert, drop] of bends) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + drop);
    }
    return text;
  });

  it("finds the same tables, bytes, lines and damage, from the text and from its bytes", () => {
    fc.assert(fc.property(dump, (text) => {
      const want = referenceParse(text, "d.txt");
      expect(parseAcpidumpText(text, "d.txt")).to.deep.equal(want);
      if (Array.from(text, (c) => c.charCodeAt(0)).every((c) => c <= 0xff)) expect(parseAcpidumpBytes(new Uint8Array(Buffer.from(text, "latin1")), "d.txt")).to.deep.equal(want);
    }), { numRuns: fcRuns(3) });
  });

  it("reads the sample dump as the reference does", () => {
    const text = dumpText("SSDT @ 0x0000000000000000", Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    expect(parseAcpidumpBytes(new Uint8Array(Buffer.from(text, "latin1")), "d.txt")).to.deep.equal(referenceParse(text, "d.txt"));
  });
});

describe("acpi: acpidump text with more tables than numakit reads", () => {
  const tiny = (i: number): string => dumpText(`OEM${String.fromCharCode(65 + (i % 26))} @ 0x${(0x1000 + i * 64).toString(16).padStart(16, "0")}`,
    [0x4f, 0x45, 0x4d, 65 + (i % 26), 36, 0, 0, 0, ...new Array<number>(28).fill(0)]);

  it("stops at the limit and names the dump line of the first table not read", () => {
    const text = Array.from({ length: 5 }, (_, i) => tiny(i)).join("");
    const lines: number[] = [];
    const tables = parseAcpidumpBytes(new Uint8Array(Buffer.from(text, "latin1")), "d.txt", { max: 3, stopped: (l) => lines.push(l) });
    expect(tables.map((t) => t.signature)).to.deep.equal(["OEMA", "OEMB", "OEMC"]);
    // Each tiny table is a header, 3 data lines and a blank line: the 4th header is line 16.
    expect(lines).to.deep.equal([16]);
    const exact: number[] = [];
    expect(parseAcpidumpBytes(new Uint8Array(Buffer.from(text, "latin1")), "d.txt", { max: 5, stopped: (l) => exact.push(l) })).to.have.length(5);
    expect(exact).to.deep.equal([]);
  });

  it(`past MAX_DUMP_TABLES (${MAX_DUMP_TABLES}): one DUMP_TOO_MANY_TABLES, or one line and exit 2 without a handler`, () => {
    const bytes = new Uint8Array(Buffer.from(Array.from({ length: MAX_DUMP_TABLES + 2 }, (_, i) => tiny(i)).join(""), "latin1"));
    const found: Diagnostic[] = [];
    expect(tablesFromBytes(bytes, "many.txt", (d) => found.push(d))).to.have.length(MAX_DUMP_TABLES);
    const line = 5 * MAX_DUMP_TABLES + 1;
    expect(found).to.deep.equal([{ code: "DUMP_TOO_MANY_TABLES", severity: "error", table: "source", source: `many.txt:${line}`,
      message: `more than ${MAX_DUMP_TABLES} tables: numakit reads the first ${MAX_DUMP_TABLES}, not those from dump line ${line} on` }]);
    const refusal = (() => { try { tablesFromBytes(bytes, "many.txt"); } catch (e) { return e; } return undefined; })();
    expect(refusal).to.be.instanceOf(InputError);
    expect((refusal as InputError).exitCode).to.equal(2);
    expect((refusal as InputError).oneLine()).to.match(/^many\.txt.*more than 16384 tables/);
  });
});

describe("acpi: acpidump text found anywhere in a file, as acpixtract finds it", () => {
  const slit = [0x53, 0x4c, 0x49, 0x54, 0x30, 0, 0, 0, 1, 0, ...new Array<number>(26).fill(0x41), 2, 0, 0, 0, 0, 0, 0, 0, 10, 20, 20, 10];
  const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
  const junk = (n: number): string => Array.from({ length: n }, (_, i) => `[${String(i)}] boot: probing device ${String(i)} ... ok\n`).join("");

  it("a dump after 5000 lines of a console log, and an iasl disassembly's Raw Table Data block at its end (the first 2000 lines only were looked at)", () => {
    for (const n of [0, 1999, 2000, 5000]) {
      const tables = tablesFromBytes(latin1(junk(n) + dumpText("SLIT @ 0x0000000000000000", slit)), "log.txt");
      expect(tables.map((t) => [t.signature, t.source.line, t.bytes.length]), `${String(n)} junk lines`).to.deep.equal([["SLIT", n + 1, 48]]);
    }
    const dsl = `${Array.from({ length: 3000 }, (_, i) => `[${i.toString(16)}h ${String(i)}   1]   Field : 00`).join("\n")}\n\nRaw Table Data: Length 48 (0x30)\n\n${dumpText("", slit).slice(1)}`;
    expect(tablesFromBytes(latin1(dsl), "slit.dsl").map((t) => [t.signature, t.source.line])).to.deep.equal([["SLIT", 3004]]);
  });

  it("text with no table anywhere is still refused in one line", () => {
    const refusal = (() => { try { tablesFromBytes(latin1(junk(5000) + "SLIT @ 0x0\nno data here\n"), "log.txt"); } catch (e) { return e; } return undefined; })();
    expect(refusal).to.be.instanceOf(InputError);
    expect((refusal as InputError).code).to.equal("E_INPUT_FORMAT");
  });
});
