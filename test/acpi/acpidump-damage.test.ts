/**
 * Issue 12: a malformed hex line in acpidump text is an error naming the file, the line and the
 * table; the table is reported once as damaged at that offset (TABLE_DAMAGED), not as a cascade.
 */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAcpidumpText } from "../../src/acpi/sources/acpidump-text.js";
import { tablesFromBytes } from "../../src/acpi/sources/load.js";
import { InputError } from "../../src/errors.js";
import { repoRoot } from "../helpers/cli.js";
import { runMain } from "../helpers/main.js";

/** samples/4node.acpidump.txt with line `n` (1-based) of the SRAT's hex replaced. */
function damaged(text: string, nth: number, replace: (line: string) => string): { text: string; line: number } {
  const lines = text.split("\n");
  const header = lines.findIndex((l) => l.startsWith("SRAT @"));
  const at = header + nth;
  lines[at] = replace(lines[at] ?? "");
  return { text: lines.join("\n"), line: at + 1 };
}

describe("damaged acpidump text (issue 12)", () => {
  let dump = "";
  let dir = "";
  before(async () => {
    dump = await readFile(join(repoRoot, "samples", "4node.acpidump.txt"), "latin1");
    dir = await mkdtemp(join(tmpdir(), "numakit-damage-"));
  });
  after(async () => { await rm(dir, { recursive: true }); });

  const cases: [string, (l: string) => string, RegExp][] = [
    ["non-hex characters", (l) => l.replace(/: .*/, ": zz zz zz zz zz zz zz zz zz zz zz zz zz zz zz zz"), /no hex bytes after its offset/],
    ["a short line", (l) => l.slice(0, 20), /3 hex bytes where 16 belong \(the next line is at offset 0x40, not 0x33\)/],
    ["a line of garbage", () => "garbage !!!", /not a hex line \(the next line is at offset 0x40, not 0x30\)/],
    ["a bad token mid-line", (l) => l.replace(/^(\s+0030: (?:\S\S ){5})\S\S/, "$1q9"), /5 hex bytes where 16 belong/],
  ];
  for (const [what, replace, reason] of cases) {
    it(`${what}: the parser marks the SRAT damaged at 0x30, on that line`, () => {
      const { text, line } = damaged(dump, 4, replace);
      const srat = parseAcpidumpText(text, "d.txt").find((t) => t.signature === "SRAT");
      expect(srat?.damage?.line).to.equal(line);
      expect(srat?.damage?.offset).to.equal(0x30);
      expect(srat?.damage?.reason).to.match(reason);
      expect(srat?.bytes.length).to.be.within(0x30, 0x3f);
    });
  }

  it("the dump cut in the middle of the table's last line: not damaged but truncated, with the bytes present (as acpixtract extracts them)", async () => {
    const lines = dump.split("\n");
    const header = lines.findIndex((l) => l.startsWith("SRAT @"));
    const last = lines.findIndex((l, i) => i > header && l.trim() === "") - 1;
    // Cut after 3 of the last line's bytes ("    0510: 00 00 00"), and the dump ends there.
    const text = [...lines.slice(0, last), (lines[last] ?? "").slice(0, 18)].join("\n");
    const srat = parseAcpidumpText(text, "d.txt").find((t) => t.signature === "SRAT");
    expect(srat?.damage).to.equal(undefined);
    expect(srat?.bytes.length).to.equal((last - header - 1) * 16 + 3);
    const file = join(dir, "cut.txt");
    await writeFile(file, text, "latin1");
    const r = await runMain(["decode", file, "--table", "SRAT"]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`TABLE_TRUNCATED at 0x004: declared length 1312 (0x520) but only ${String(srat?.bytes.length)} bytes are present`);
    expect(r.stderr).to.not.contain("malformed");
  });

  it("a dump whose only table is damaged: exit 2 with the damage (file:line, table, offset), not \"no ACPI tables found\"", async () => {
    const lines = dump.split("\n");
    const header = lines.findIndex((l) => l.startsWith("SRAT @"));
    const end = lines.findIndex((l, i) => i > header && l.trim() === "");
    const only = lines.slice(header, end);
    only.splice(5, 1); // the line at 0x40 is missing
    const file = join(dir, "only.txt");
    await writeFile(file, `${only.join("\n")}\n`, "latin1");
    for (const cmd of ["decode", "validate", "topology", "dump"]) {
      const r = await runMain([cmd, file]);
      expect(r.code, cmd).to.equal(2);
      expect(r.stderr, cmd).to.equal(`numakit: ${file}:6: SRAT: offset 0x40: malformed hex line: the next line is at offset 0x50, not 0x40; the table (dump line 1) is not used, and the sources have no other table\n`);
    }
    // scan: an unreadable host (an error row with the damage), not "not ACPI data".
    const scan = await runMain(["scan", file, "--jobs", "1", "--format", "jsonl"]);
    const row = JSON.parse(scan.stdout) as { status: string; error: { code: string; message: string } };
    expect([row.status, row.error.code]).to.deep.equal(["error", "E_INPUT_DAMAGED"]);
    expect(row.error.message).to.match(/^SRAT: offset 0x40: malformed hex line: the next line is at offset 0x50/);
  });

  it("intact dumps, mails with a wrapped ASCII column, and raw iasl blocks are not damaged", () => {
    expect(parseAcpidumpText(dump, "d.txt").filter((t) => t.damage !== undefined)).to.deep.equal([]);
    const wrapped = dump.replace(/^(\s+[0-9A-F]{4}: (?:[0-9A-F]{2} ){16}) +(.*)$/gm, "$1\n$2");
    const tables = parseAcpidumpText(wrapped, "mail.txt");
    expect(tables.filter((t) => t.damage !== undefined)).to.deep.equal([]);
    expect(tables.map((t) => t.bytes.length)).to.deep.equal(parseAcpidumpText(dump, "d.txt").map((t) => t.bytes.length));
  });

  it("tablesFromBytes without a damage handler throws an error naming file, line, table and offset", () => {
    const { text, line } = damaged(dump, 4, (l) => l.slice(0, 20));
    let err: unknown;
    try { tablesFromBytes(Buffer.from(text, "latin1"), "d.txt"); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).oneLine()).to.match(new RegExp(`^d\\.txt:${line}: SRAT: offset 0x30: malformed hex line`));
  });

  it("validate: exit 1, one finding (TABLE_DAMAGED), the stderr line names file:line, table and offset", async () => {
    const { text, line } = damaged(dump, 4, (l) => l.slice(0, 20));
    const file = join(dir, "short.txt");
    await writeFile(file, text, "latin1");
    const r = await runMain(["validate", file]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(`numakit: ${file}:${line}: SRAT: offset 0x30: malformed hex line: 3 hex bytes where 16 belong (the next line is at offset 0x40, not 0x33); the table (dump line ${line - 4}) is not used\n`);
    const errors = r.stdout.split("\n").filter((l) => l.startsWith("  error"));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include(`TABLE_DAMAGED  ${file}:${line}: SRAT: offset 0x30:`);
    expect(r.stdout).to.not.include("TABLE_TRUNCATED");
    expect(r.stdout).to.not.include("MADT_CPU_NOT_IN_SRAT");
  });

  it("decode, dump, topology and namespace name it on stderr too; decode, dump and topology exit 1", async () => {
    const { text } = damaged(dump, 4, () => "garbage");
    const file = join(dir, "garbage.txt");
    await writeFile(file, text, "latin1");
    for (const cmd of ["decode", "dump", "topology", "namespace"]) {
      const r = await runMain([cmd, file]);
      expect(r.stderr, cmd).to.match(/^numakit: .*garbage\.txt:\d+: SRAT: offset 0x30: malformed hex line: not a hex line/);
      if (cmd !== "namespace") expect(r.code, cmd).to.equal(1);
    }
  });
  it("a damaged SRAT is unreadable, not missing: no SRAT_MISSING, no verdict built on its absence, and topology exits 1", async () => {
    const { text } = damaged(dump, 4, () => "garbage");
    const file = join(dir, "srat-unreadable.txt");
    await writeFile(file, text, "latin1");
    const v = await runMain(["validate", file]);
    expect(v.code).to.equal(1);
    expect(v.stdout).to.not.include("SRAT_MISSING");
    expect(v.stdout).to.not.include("there is no SRAT");
    expect(v.stdout).to.include("  Linux: not known from these sources, because the SRAT is in the sources but unreadable (a damaged dump)");
    expect(v.stdout).to.include("  Xen: not known from these sources, because the SRAT is in the sources but unreadable (a damaged dump)");
    const t = await runMain(["topology", file]);
    expect(t.code).to.equal(1);
    expect(t.stdout).to.not.include("there is no SRAT");
    expect(t.stdout).to.include("the SRAT is in the sources but unreadable (a damaged dump)");
    const json = await runMain(["topology", file, "--format", "json"]);
    expect(json.code).to.equal(1);
    expect((JSON.parse(json.stdout) as { verdicts: { linux: { sratRejected: string } } }).verdicts.linux.sratRejected).to.equal("the SRAT is in the sources but unreadable (a damaged dump)");
    // The intact dump: exit 0, and a dump without an SRAT still says there is none.
    expect((await runMain(["topology", join(repoRoot, "samples", "4node.acpidump.txt")])).code).to.equal(0);
    const lines = dump.split("\n");
    const header = lines.findIndex((l) => l.startsWith("SRAT @"));
    const end = lines.findIndex((l, i) => i > header && l.trim() === "");
    const none = join(dir, "no-srat.txt");
    await writeFile(none, [...lines.slice(0, header), ...lines.slice(end + 1)].join("\n"), "latin1");
    const n = await runMain(["validate", none]);
    expect(n.stdout).to.include("SRAT_MISSING");
    expect(n.stdout).to.include("because there is no SRAT");
  });
});
