/**
 * What a user sees: regression tests for problems found by running every command over the corpus
 * and over hostile input (empty files, no SRAT, several hosts at once, unwritable output, ...).
 */
import { expect } from "chai";
import { execFileSync, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { buildTopology } from "../../src/topology/build.js";
import { validate } from "../../src/validate/index.js";
import { readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { readLimited, tablesFromBytes, unreadable } from "../../src/acpi/sources/load.js";
import { InputError } from "../../src/errors.js";
import { topologyText } from "../../src/report/text.js";
import { hostTables, madtTable } from "../helpers/numa-tables.js";

const sample = corpusPath;

describe("user-facing behaviour", () => {
  describe("a host without a usable SRAT", () => {
    it("the numactl block shows Linux's one node with every CPU, and a MADT-only host passes validate --strict", async function () {
      requireCorpus(this);
      const [topo, strict] = await Promise.all([
        runCli(["topology", sample("qemu", "x86", "q35", "APIC.cphp")]),
        runCli(["validate", "--strict", sample("qemu", "x86", "q35", "APIC.cphp")]),
      ]);
      expect(topo.code).to.equal(0);
      expect(topo.stdout.split("\n").slice(0, 8)).to.deep.equal([
        "available: 1 nodes (0)", "node 0 cpus: 0 1", "node 0 size: <not available>", "node 0 free: <not available>",
        "node distances:", "node   0 ", "  0:  10 ",
        "(numactl layout; there is no SRAT, so Linux runs one node 0 with every CPU; its size is in the e820/UEFI memory map, not in the tables)",
      ]);
      expect(topo.stdout).to.include("no SRAT: Linux and Xen run one node 0 with every CPU and all memory");
      expect(topo.stdout).to.include("distances: none (one node)");
      expect(topo.stdout).to.not.include("not placed");
      expect(strict.code, strict.stdout).to.equal(0);
      expect(strict.stdout).to.not.include("MADT_CPU_NOT_IN_SRAT");
    });

    it("an SRAT Linux rejects: one node in the numactl block, and the reason", async function () {
      requireCorpus(this);
      const r = await runCli(["topology", sample("synthetic", "srat_shortlen.dat")]);
      expect(r.stdout.split("\n")[0]).to.equal("available: 1 nodes (0)");
      expect(r.stdout).to.include("(numactl layout; Linux rejects the SRAT (SRAT type 0 entry has length 8, expected 16), so it runs one node 0");
      expect(r.stdout).to.include("not in the tables; no MADT among the sources, so no CPU has a Linux number)\n");
    });

    it("devices whose _PXM has no node: one finding per PXM, none without an SRAT", () => {
      const ns = { devices: [{ path: "\\_SB.A", pxm: 4 }, { path: "\\_SB.B", pxm: 4 }, { path: "\\_SB.C", pxm: 4 }, { path: "\\_SB.D", pxm: 4 }, { path: "\\_SB.E", pxm: 5 }], sli: [], dynamic: [], diagnostics: [] };
      const tables = hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: 1n << 30n }] });
      const found = validate(tables, buildTopology(tables, { namespace: ns })).diagnostics.filter((d) => d.code === "DEVICE_PXM_UNKNOWN").map((d) => d.message);
      expect(found).to.deep.equal([
        "4 devices have _PXM 4, which no SRAT entry names (\\_SB.A, \\_SB.B, \\_SB.C, …): Linux gives them NUMA_NO_NODE",
        "\\_SB.E has _PXM 5, which no SRAT entry names: Linux gives it NUMA_NO_NODE",
      ]);
      const madtOnly = [madtTable([{ type: 0, values: { processorId: 0, localApicId: 0, flags: 1 } }])];
      expect(validate(madtOnly, buildTopology(madtOnly, { namespace: ns })).diagnostics.map((d) => d.code)).to.deep.equal(["SRAT_MISSING"]);
    });
  });

  describe("hostile input", () => {
    it("an empty file or empty stdin is unusable input (exit 2), not a table named after the file", async function () {
      requireCorpus(this);
      const runs = await Promise.all([
        runCli(["topology", "/dev/null"]), runCli(["decode", "/dev/null"]), runCli(["validate", "-"], { stdin: "" }),
      ]);
      for (const r of runs) {
        expect(r.code).to.equal(2);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.match(/^numakit: (\/dev\/null|<stdin>): empty \(0 bytes\): neither an ACPI table nor acpidump text\n$/);
      }
      // QEMU's 0-byte placeholder named SLIT is still decoded, as a broken SLIT.
      const slit = await runCli(["decode", sample("qemu", "loongarch64", "virt", "SLIT")]);
      expect(slit.code).to.equal(1);
      expect(slit.stderr).to.include("SLIT: offset 0x0: TABLE_HEADER_SHORT");
    });

    it("dump, extract and decode agree: no tables is exit 2, no table of --table is exit 1, skipped files are named", async () => {
      const dir = await mkdtemp(join(tmpdir(), "numakit-user-"));
      try {
        await mkdir(join(dir, "empty"));
        await mkdir(join(dir, "mixed"));
        await writeFile(join(dir, "mixed", "notes.txt"), "not a table\n");
        await copyFile(join(repoRoot, "samples", "4node", "SLIT"), join(dir, "mixed", "SLIT"));
        const [dumpEmpty, extractEmpty, decodeEmpty, dumpNone, extractNone, dumpMixed] = await Promise.all([
          runCli(["dump", join(dir, "empty")]),
          runCli(["extract", join(dir, "empty"), "-o", join(dir, "out")]),
          runCli(["decode", join(dir, "empty")]),
          runCli(["dump", join(dir, "mixed"), "--table", "MSCT"]),
          runCli(["extract", join(dir, "mixed"), "--table", "MSCT", "-o", join(dir, "out")]),
          runCli(["dump", join(dir, "mixed")]),
        ]);
        for (const r of [dumpEmpty, extractEmpty, decodeEmpty]) {
          expect(r.code).to.equal(2);
          expect(r.stderr).to.match(/empty: no ACPI tables found/);
        }
        for (const r of [dumpNone, extractNone]) {
          expect(r.code).to.equal(1);
          expect(r.stderr).to.include("no MSCT table in the sources (they have SLIT)");
        }
        expect(dumpMixed.code).to.equal(0);
        expect(dumpMixed.stdout).to.match(/^SLIT @ 0x0/);
        expect(dumpMixed.stderr).to.include("notes.txt: neither an ACPI table nor acpidump text");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("a source without a size is read to its end, never past the limit: /dev/zero is refused, a pipe and a procfs file are read", async () => {
      // /dev/zero stats as 0 bytes and has no end: readFileSync read it until Node gave up at 2 GiB.
      const refusal = (() => { try { readLimited("/dev/zero", 1 << 20); } catch (e) { return e; } return undefined; })();
      expect(refusal).to.be.instanceOf(InputError).with.property("code", "E_INPUT_TOO_LARGE");
      expect((refusal as InputError).oneLine()).to.equal("/dev/zero: read 1048576 bytes without reaching its end (a pipe or a device); numakit reads at most 1048576 bytes per source");
      expect(() => readLimited(join(repoRoot, "samples", "4node", "SRAT"), 100)).to.throw(InputError, "file is 1312 bytes; numakit reads at most 100 bytes per source");
      const dir = await mkdtemp(join(tmpdir(), "numakit-user-"));
      try {
        // A named pipe as `numakit topology <(ssh host acpidump)` gives one: its writer runs apart.
        const fifo = join(dir, "dump");
        execFileSync("mkfifo", [fifo]);
        const writer = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", join(repoRoot, "samples", "4node.acpidump.txt"), fifo], { stdio: "ignore" });
        const exited = new Promise((resolve) => writer.on("exit", resolve));
        const [piped, file] = await Promise.all([runCli(["topology", fifo]), runCli(["topology", join(repoRoot, "samples", "4node.acpidump.txt")])]);
        await exited;
        expect(piped.code).to.equal(0);
        expect(piped.stdout.replaceAll(fifo, "X")).to.equal(file.stdout.replaceAll(join(repoRoot, "samples", "4node.acpidump.txt"), "X"));
        // procfs (Linux): its files stat as 0 bytes and are read to their end.
        if (existsSync("/proc/self/status")) {
          const proc = await runCli(["topology", "/proc/self/status"]);
          expect(proc.code).to.equal(2);
          expect(proc.stderr).to.equal('numakit: /proc/self/status: neither an ACPI table nor acpidump text (no "SIG @ 0x..." header with hex lines)\n');
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("no source: this host's tables from sysfs, as if named; without sysfs, exit 2 saying to name a source", async () => {
      const sysfs = "/sys/firmware/acpi/tables";
      const [implicit, named] = await Promise.all([runCli(["topology"]), runCli(["topology", sysfs])]);
      if (existsSync(sysfs)) {
        // Readable or not (root only), the same result as naming the directory.
        expect(implicit).to.deep.equal(named);
      } else {
        expect(implicit.code).to.equal(2);
        expect(implicit.stderr).to.equal(`numakit: ${sysfs}: no ACPI tables here (not Linux with ACPI?); name a SOURCE: a table file, a directory, or acpidump text\n`);
      }
    });

    it("a directory of symbolic links to tables reads the tables; a broken link is skipped and named, a link to a directory passed over", async () => {
      const dir = await mkdtemp(join(tmpdir(), "numakit-user-"));
      try {
        for (const t of ["APIC", "SRAT", "SLIT"]) await symlink(join(repoRoot, "samples", "4node", t), join(dir, t));
        await symlink(join(dir, "nowhere"), join(dir, "BROKEN"));
        await symlink(join(repoRoot, "samples"), join(dir, "more"));
        const [linked, copied] = await Promise.all([runCli(["validate", dir]), runCli(["validate", join(repoRoot, "samples", "4node", "APIC"), join(repoRoot, "samples", "4node", "SRAT"), join(repoRoot, "samples", "4node", "SLIT")])]);
        expect(linked.code).to.equal(copied.code);
        expect(linked.stderr).to.equal(`numakit: ${join(dir, "BROKEN")}: no such file or directory (a symbolic link)\n`);
        expect(linked.stdout).to.include(`info    SOURCE_SKIPPED  source: ${join(dir, "BROKEN")}: no such file or directory (a symbolic link)`);
        expect(linked.stdout).to.include("Linux will use 4 nodes");
        expect(linked.stdout.split("\n").filter((l) => !l.includes("SOURCE_SKIPPED") && !l.startsWith("findings:") && !l.includes(dir))).to.deep.equal(
          copied.stdout.split("\n").filter((l) => !l.startsWith("findings:") && !l.includes(join(repoRoot, "samples"))));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("extract: an output path that is a file, or that cannot be created, is one line and exit 2 (no hang)", async () => {
      const dir = await mkdtemp(join(tmpdir(), "numakit-user-"));
      try {
        await writeFile(join(dir, "file"), "");
        const [isFile, deep, proc] = await Promise.all([
          runCli(["extract", join(repoRoot, "samples", "4node"), "-o", join(dir, "file")]),
          runCli(["extract", join(repoRoot, "samples", "4node"), "-t", "SLIT", "-o", join(dir, "a", "b")]),
          // Node's recursive mkdir loops forever on this (ENOENT from an existing parent).
          runCli(["extract", join(repoRoot, "samples", "4node"), "-o", "/proc/numakit-test/x"]),
        ]);
        expect(isFile.code).to.equal(2);
        expect(isFile.stderr).to.equal(`numakit: cannot write ${join(dir, "file")}: exists and is not a directory\n`);
        expect(deep.code).to.equal(0);
        expect(deep.stdout).to.equal(`${join(dir, "a", "b", "SLIT")} (60 bytes)\n`);
        expect(proc.code).to.equal(2);
        expect(proc.stderr).to.match(/^numakit: cannot write \/proc\/numakit-test\/x( \([^)]+\))?: [a-z][a-z /-]+\n$/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  it("two hosts' tables given at once: a TABLE_DUPLICATE warning per NUMA table, naming both sources", async () => {
    const r = await runCli(["validate", join(repoRoot, "samples", "4node"), join(repoRoot, "samples", "2socket")]);
    expect(r.code).to.equal(0);
    const dup = r.stdout.split("\n").filter((l) => l.includes("TABLE_DUPLICATE"));
    expect(dup.map((l) => l.replace(/^.*: (\w+): 2 \1 tables in the sources.*$/, "$1"))).to.deep.equal(["APIC", "HMAT", "SLIT", "SRAT"]);
    expect(dup[3]).to.match(/samples\/2socket\/SRAT: SRAT: 2 SRAT tables in the sources \(.*samples\/4node\/SRAT, .*samples\/2socket\/SRAT\): the first is used, as Linux and Xen do$/);
  });

  it("help states the exit codes; no command is one line; sim takes -f like the others", async () => {
    const [help, none, sim] = await Promise.all([
      runCli(["--help"]), runCli([]), runCli(["sim", join(repoRoot, "samples", "scenarios", "claims.json"), "-f", "json"]),
    ]);
    expect(help.stdout).to.include("Exit codes: 0 ok; 1 findings");
    expect(none.code).to.equal(2);
    expect(none.stderr).to.equal("numakit: name a command (see numakit --help)\n");
    expect(sim.code).to.equal(0);
    expect(JSON.parse(sim.stdout)).to.have.property("steps");
  });

  it("topology: devices that inherit a _PXM are counted under the device that carries it", async function () {
    requireCorpus(this);
    const [small, big] = await Promise.all([
      runCli(["topology", join(repoRoot, "samples", "4node")]),
      runCli(["topology", sample("real", "supermicro-x10dai-4A64A6094FE3.txt")]),
    ]);
    expect(small.stdout).to.include("  devices:\n    \\_SB.PCI0 (PNP0A08), and below it \\_SB.PCI0.GPU0\n    \\_SB.CPU0 (ACPI0007)\n");
    expect(big.stdout).to.include("  devices:\n    \\_SB.PCI0 (PNP0A08), and 220 devices below it\n\n");
  });

  it("topology text: inherited devices whose ancestor is not listed still say whose _PXM they have", () => {
    const tables = hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: 1n << 30n }] });
    const devices = [1, 2, 3].map((i) => ({ path: `\\_SB.X.D${i}`, pxm: 0, inheritedFrom: "\\_SB.X" }));
    const t = buildTopology(tables, { namespace: { devices, sli: [], dynamic: [], diagnostics: [] } });
    expect(topologyText(t, validate(tables, t))).to.include("  devices:\n    3 devices (the _PXM of \\_SB.X)\n");
  });

  it("decode: a count larger than the table reads as a sentence", async function () {
    requireCorpus(this);
    const r = await runCli(["decode", sample("synthetic", "slit_huge.dat")]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/: SLIT: offset 0x2C: ARRAY_EXCEEDS_TABLE: SLIT: the count for entries needs more bytes than the table has; the list is cut short\n$/);
  });

  it("devices whose static _STA says absent (and everything below them) are not placed nor reported", async function () {
    requireCorpus(this);
    // Ampere Altra: root complexes PCIA..PCIF have _STA 0 and _PXM 0xFF; Linux never enumerates them.
    const { tables } = await readTables([sample("real", "ampere-altra-ava-ampere_ava_1.txt")]);
    const { topology, validation } = analyse(tables);
    const placed = topology.nodes.flatMap((n) => n.devices.map((d) => d.path));
    expect(placed).to.include("\\_SB.PCI0");
    expect(placed.filter((p) => p.startsWith("\\_SB.PCIA"))).to.deep.equal([]);
    expect(topology.unplacedDevices).to.deep.equal([]);
    expect(validation.counts).to.deep.equal({ error: 0, warning: 0, info: 0 });
  });

  it("text findings: repeats that differ only in offset are one line; topology says where the info ones are", async function () {
    requireCorpus(this);
    const [gigabyte, topo] = await Promise.all([
      runCli(["validate", sample("real", "gigabyte-x299-ud4-pro-331F76F426AF.txt")]),
      runCli(["topology", sample("oracle", "05-cpu-only-node", "tables")]),
    ]);
    const unknown = gigabyte.stdout.split("\n").filter((l) => l.includes("SUBTABLE_UNKNOWN_TYPE"));
    expect(unknown).to.have.length(1);
    expect(unknown[0]).to.match(/APIC: offset 0x228: unknown subtable type 0x7F \(length 12\) kept raw \(and 27 more like it, up to offset 0x36C\)$/);
    expect(gigabyte.stdout).to.include("findings: 0 errors, 29 warnings, 2 info\n");
    expect(topo.stdout).to.include("findings: 0 errors, 0 warnings, 1 info (numakit validate lists the info ones)\n");
  });

  it("topology --format hwloc-xml: the refusal names the source", async function () {
    requireCorpus(this);
    const r = await runCli(["topology", sample("fwts", "slit-acpidump-0001.log"), "-f", "hwloc-xml"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^numakit: \S*slit-acpidump-0001\.log: hwloc needs at least one PU, and there is no MADT \(Linux numbers CPUs from the MADT\)\n$/);
  });

  it("permission denied: the root hint only for sysfs (mocked errno: the tests may run as root)", () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open 'x'"), { code: "EACCES" });
    expect(unreadable("/home/me/dump.txt", eacces).oneLine()).to.equal("/home/me/dump.txt: permission denied");
    expect(unreadable("/sys/firmware/acpi/tables/SRAT", eacces).oneLine()).to.equal("/sys/firmware/acpi/tables/SRAT: permission denied; ACPI tables are readable by root only: run as root (e.g. sudo numakit ...)");
    expect(unreadable("x", eacces).exitCode).to.equal(2);
    expect(unreadable("x", Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" })).oneLine()).to.equal("x: cannot read: EIO: i/o error, read");
  });

  it("acpidump text saved with a byte-order mark (UTF-8, or UTF-16 from a PowerShell redirect) reads as plain text", async () => {
    const text = await readFile(join(repoRoot, "samples", "4node.acpidump.txt"), "latin1");
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const utf16be = Buffer.from(utf16le);
    utf16be.swap16();
    const variants = [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "latin1")]), utf16le, utf16be];
    for (const [i, bytes] of variants.entries()) {
      const tables = tablesFromBytes(new Uint8Array(bytes), `bom${i}.txt`);
      expect(tables.map((t) => t.signature), `variant ${i}`).to.deep.equal(["DSDT", "APIC", "SRAT", "SLIT", "HMAT"]);
    }
    // A character outside Latin-1 cannot be in a dump: it is refused like any other non-dump text.
    expect(() => tablesFromBytes(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("\u20ac\u20ac\u20ac\u20ac", "utf16le")])), "x.txt")).to.throw(/neither an ACPI table nor acpidump text/);
  });
});
