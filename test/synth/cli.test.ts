import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDescription } from "../../src/synth/index.js";
import { hostSpecFromCompact } from "../../src/sim/host.js";
import { repoRoot, runCli } from "../helpers/cli.js";
import { schemaErrors as validateAgainst } from "../helpers/schema.js";
import { compareWithLinux } from "../helpers/linux-sysfs.js";
import { oracleConfigs, oracleDir, oracleTopology } from "../topology/oracle.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import { requireCorpus } from "../helpers/corpus.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const synthDir = join(repoRoot, "samples", "synth");

describe("synth: CLI", () => {
  const tmp = tmpDirPerSuite("synth");

  it("writes SRAT, SLIT, HMAT, APIC and acpidump text, and prints the QEMU command line", async () => {
    const out = join(tmp(), "hmat");
    const r = await runCli(["synth", join(synthDir, "04-hmat-caches.json"), "--out", out]);
    expect(r.code, r.stderr).to.equal(0);
    for (const f of ["SRAT", "SLIT", "HMAT", "APIC", "text/acpidump.txt", "desc.json"]) expect(existsSync(join(out, f)), f).to.equal(true);
    const line = r.stdout.split("\n").find((l) => l.startsWith("qemu-system-x86_64 "));
    expect(line).to.equal(`qemu-system-x86_64 -machine q35 -smp 4,sockets=2,cores=2,threads=1 -m 3G -acpitable file=${out}/SRAT -acpitable file=${out}/SLIT -acpitable file=${out}/HMAT`);
    const v = await runCli(["validate", out]);
    expect(v.code, v.stdout).to.equal(0);
    expect(v.stdout).to.match(/findings: 0 errors, 0 warnings/);
    // The acpidump text holds the same tables: the same topology.
    const text = await runCli(["topology", join(out, "text", "acpidump.txt"), "--format", "json"]);
    const dir = await runCli(["topology", out, "--format", "json"]);
    type J = { nodes: { pxm: number; cpus: { id: number }[]; memoryBytes: string }[]; distances: unknown; hmat: { pairs: unknown[] } };
    const view = (j: J): unknown => [j.nodes.map((n) => [n.pxm, n.cpus.map((c) => c.id), n.memoryBytes]), j.distances, j.hmat.pairs.length];
    expect(view(JSON.parse(text.stdout) as J)).to.deep.equal(view(JSON.parse(dir.stdout) as J));
  });

  it("--qemu virt: GICC CPUs from 1 GiB, the tables in an initrd cpio, and the qemu-system-aarch64 command", async () => {
    const out = join(tmp(), "virt");
    const r = await runCli(["synth", join(synthDir, "04-hmat-caches.json"), "--qemu", "virt", "--out", out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split("\n").find((l) => l.startsWith("qemu-system-aarch64 "))).to.equal("qemu-system-aarch64 -machine virt,gic-version=3 -cpu cortex-a57 -smp 4,sockets=2,cores=2,threads=1 -m 3G -bios edk2-aarch64-code.fd");
    expect(r.stdout.split("\n").filter((l) => l.includes("-acpitable file="))).to.deep.equal([]);
    const cpio = readFileSync(join(out, "acpi-tables.cpio"));
    // newc: each table under kernel/firmware/acpi/, byte for byte, and no MADT (QEMU's own is used).
    for (const sig of ["SRAT", "SLIT", "HMAT"]) {
      const at = cpio.indexOf(`kernel/firmware/acpi/${sig}.aml\0`);
      expect(at, sig).to.be.greaterThan(0);
      const size = Number.parseInt(cpio.subarray(at - 110 + 54, at - 110 + 62).toString(), 16);
      const dataAt = at + Math.ceil((110 + sig.length + 26) / 4) * 4 - 110;
      expect(Buffer.compare(cpio.subarray(dataAt, dataAt + size), readFileSync(join(out, sig))), sig).to.equal(0);
    }
    expect(cpio.includes("APIC.aml")).to.equal(false);
    expect(cpio.subarray(cpio.length - 16).toString()).to.match(/TRAILER!!!/);
    const j = JSON.parse((await runCli(["topology", out, "--format", "json"])).stdout) as { nodes: { cpus: { kind: string; id: number; linuxCpu: number }[]; memory: { base: string }[] }[] };
    expect(j.nodes.flatMap((n) => n.cpus.map((c) => `${c.kind} ${c.id} cpu${c.linuxCpu}`))).to.deep.equal(["gicc 0 cpu0", "gicc 1 cpu1", "gicc 2 cpu2", "gicc 3 cpu3"]);
    expect(j.nodes[0]?.memory[0]?.base).to.equal("0x40000000");
    const v = await runCli(["validate", out]);
    expect(v.stdout).to.match(/findings: 0 errors, 0 warnings/);
  });

  it("--qemu virt: UIDs QEMU cannot give get no command line; x2apic is refused", async () => {
    const f = join(tmp(), "uids.json");
    writeFileSync(f, JSON.stringify({ nodes: [{ cpus: [0, 5], mem_mib: 512 }] }));
    const r = await runCli(["synth", f, "--qemu", "virt", "--out", join(tmp(), "uids")]);
    expect(r.stdout).to.match(/no QEMU command line: QEMU's virt gives its CPUs the GICC ACPI Processor UIDs 0\.\.1; these are 0,5/);
    writeFileSync(f, JSON.stringify({ machine: "virt", nodes: [{ cpus: 2, x2apic: true, mem_mib: 512 }] }));
    const x = await runCli(["synth", f]);
    expect(x.code).to.equal(2);
    expect(x.stderr).to.match(/nodes\[0\]\.x2apic: applies to x86 machines/);
  });

  it("--from a source whose name holds an escape, a carriage return or a C1 CSI: its notes name it on one line, controls as \\xNN", async () => {
    // samples/2socket's APIC ids are not QEMU's: the notes say so, naming the source.
    const dir = join(tmp(), "host\x1b[31m\rx\u009b2J");
    mkdirSync(dir);
    for (const t of readdirSync(join(repoRoot, "samples", "2socket"))) writeFileSync(join(dir, t), readFileSync(join(repoRoot, "samples", "2socket", t)));
    const r = await runCli(["synth", "--from", dir, "--out", join(tmp(), "from-hostile")]);
    const notes = r.stderr.split("\n").filter((l) => l !== "");
    expect(notes).to.not.deep.equal([]);
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    for (const l of notes) expect(l).to.match(/^numakit: [^\x00-\x1f\x7f-\x9f]*$/);
    expect(r.stderr).to.contain("host\\x1B[31m\\x0Dx\\x9B2J");
  });

  it("a table directory reads tables.acpidump.txt only when it holds no binary table", async () => {
    const out = join(tmp(), "companion");
    await runCli(["synth", join(synthDir, "01-two-socket-smt.json"), "--out", out]);
    const both = await runCli(["decode", out, "--format", "json"]);
    expect((JSON.parse(both.stdout) as { tables: unknown[] }).tables.length).to.equal(3);
    const only = join(tmp(), "companion-only");
    await runCli(["synth", join(synthDir, "01-two-socket-smt.json"), "--out", only]);
    for (const sig of ["SRAT", "SLIT", "APIC"]) rmSync(join(only, sig));
    const text = await runCli(["decode", only, "--format", "json"]);
    expect((JSON.parse(text.stdout) as { tables: unknown[] }).tables.length).to.equal(3);
  });

  it("every sample description matches the schema, and synthesizes with no validation error", async () => {
    for (const f of readdirSync(synthDir).filter((x) => x.endsWith(".json"))) {
      const json = JSON.parse(readFileSync(join(synthDir, f), "utf8")) as unknown;
      expect(validateAgainst("desc.schema.json", json), f).to.deep.equal([]);
      const r = await runCli(["synth", join(synthDir, f)]);
      expect(r.code, `${f}: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(/^SRAT @ 0x0000000000000000/);
    }
  });

  it("the simulator's compact hosts are descriptions", () => {
    for (const f of readdirSync(join(repoRoot, "samples", "scenarios"))) {
      const host = (JSON.parse(readFileSync(join(repoRoot, "samples", "scenarios", f), "utf8")) as { host?: unknown }).host;
      if (host === undefined || (typeof host === "object" && host !== null && "source" in host)) continue;
      expect(validateAgainst("desc.schema.json", host), f).to.deep.equal([]);
      const d = parseDescription(host);
      expect(d.nodes.length, f).to.equal(hostSpecFromCompact(host).nodes.length);
    }
  });

  it("--from a host, scaled: same nodes, CPUs, distances and HMAT; memory × F laid out for QEMU", async () => {
    const out = join(tmp(), "from");
    const r = await runCli(["synth", "--from", join(repoRoot, "samples", "4node"), "--scale-memory", "0.01", "--out", out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include("-smp 64,sockets=1,cores=64,threads=1 -m 2620M");
    const [a, b] = await Promise.all([runCli(["topology", join(repoRoot, "samples", "4node"), "--format", "json"]), runCli(["topology", out, "--format", "json"])]);
    type J = { nodes: { pxm: number; cpus: { id: number }[]; memoryBytes: string }[]; distances: { matrix: number[][] }; hmat: { pairs: unknown[] } };
    const [ja, jb] = [JSON.parse(a.stdout) as J, JSON.parse(b.stdout) as J];
    expect(jb.nodes.map((n) => [n.pxm, n.cpus.map((c) => c.id)])).to.deep.equal(ja.nodes.map((n) => [n.pxm, n.cpus.map((c) => c.id)]));
    expect(jb.distances.matrix).to.deep.equal(ja.distances.matrix);
    expect(jb.hmat.pairs.length).to.equal(ja.hmat.pairs.length);
    expect(jb.nodes.map((n) => Number(BigInt(n.memoryBytes) >> 20n))).to.deep.equal([655, 655, 655, 655]);
  });

  it("topology --format desc writes a schema-valid description", async () => {
    const r = await runCli(["topology", join(repoRoot, "samples", "2socket"), "--format", "desc"]);
    expect(r.code, r.stderr).to.equal(0);
    const json = JSON.parse(r.stdout) as unknown;
    expect(validateAgainst("desc.schema.json", json)).to.deep.equal([]);
    expect(parseDescription(json).nodes.map((n) => n.pxm)).to.deep.equal([0, 1]);
  });

  it("topology --format sysfs --out DIR writes the node tree (files and access-class symlinks)", async () => {
    const tables = join(tmp(), "hmat");
    const out = join(tmp(), "sysfs");
    const r = await runCli(["topology", tables, "--format", "sysfs", "--out", out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(join(out, "online"), "utf8")).to.equal("0-2\n");
    expect(readFileSync(join(out, "node2", "access0", "initiators", "read_latency"), "utf8")).to.equal("40\n");
    expect(readlinkSync(join(out, "node2", "access0", "initiators", "node0"))).to.equal("../../../node0");
    expect(readFileSync(join(out, "node0", "cpumap"), "utf8")).to.equal("3\n");
  });

  it("bad input: one line naming the file and field, exit 2", async () => {
    const bad = join(tmp(), "bad.json");
    writeFileSync(bad, JSON.stringify({ nodes: [{ cpus: 2, mem_mib: 64, colour: "red" }] }));
    const cases: [string[], RegExp][] = [
      [["synth", bad], /^numakit: \S*bad\.json: nodes\[0\]: unknown field "colour"/],
      [["synth", join(tmp(), "missing.json")], /^numakit: \S*missing\.json: no such file or directory\n$/],
      [["synth", join(synthDir, "01-two-socket-smt.json"), "--scale-memory", "2"], /--scale-memory applies to --from/],
      [["synth"], /name a description file/],
      [["synth", join(synthDir, "01-two-socket-smt.json"), "--from", "x"], /not both/],
      [["topology", join(repoRoot, "samples", "4node"), "--format", "sysfs"], /give --out DIR/],
      [["topology", join(repoRoot, "samples", "4node"), "--out", tmp()], /--out goes with --format sysfs/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).to.have.length(1);
      expect(r.stderr, args.join(" ")).to.match(re);
    }
    writeFileSync(bad, "{ nodes: ");
    expect((await runCli(["synth", bad])).stderr).to.match(/not valid JSON/);
    writeFileSync(bad, JSON.stringify({ nodes: [{ cpus: 1, mem_mib: 64 }, { pxm: 0, cpus: 1 }] }));
    expect((await runCli(["synth", bad])).stderr).to.match(/nodes\[1\]\.pxm: proximity domain 0 is used by two nodes/);
    writeFileSync(bad, JSON.stringify({ nodes: [{ cpus: [0, 1], mem_mib: 64 }], distances: [[10]], hmat: { read_latency_ns: [[5000000]] } }));
    expect((await runCli(["synth", bad])).stderr).to.match(/5000000 ns is more than Linux reads/);
  });

  it("synth - reads the description from stdin like every other command (issue 12)", async () => {
    const desc = readFileSync(join(synthDir, "01-two-socket-smt.json"), "utf8");
    const [viaStdin, viaFile] = await Promise.all([runCli(["synth", "-"], { stdin: desc }), runCli(["synth", join(synthDir, "01-two-socket-smt.json")])]);
    expect(viaStdin.code, viaStdin.stderr).to.equal(0);
    expect(viaStdin.stdout).to.match(/^SRAT @ 0x/);
    // The tables do not depend on where the description came from.
    expect(viaStdin.stdout).to.equal(viaFile.stdout);
    // --from - reads a dump from stdin too.
    const from = await runCli(["synth", "--from", "-"], { stdin: readFileSync(join(repoRoot, "samples", "4node.acpidump.txt"), "utf8") });
    expect(from.code, from.stderr).to.equal(0);
    expect(from.stdout).to.match(/^SRAT @ 0x/);
  });

  it("a malformed description is one line at file:line:column, with the YAML hint when it looks like YAML (issue 12)", async () => {
    // Line 3 is `    {"mem_mib": 64,}`: the "}" at column 20 is where a property name was expected.
    const text = '{\n  "nodes": [\n    {"mem_mib": 64,}\n  ]\n}\n';
    const file = join(tmp(), "comma.json");
    writeFileSync(file, text);
    const [fromFile, fromStdin] = await Promise.all([runCli(["synth", file]), runCli(["synth", "-"], { stdin: text })]);
    expect([fromFile.code, fromFile.stderr]).to.deep.equal([2, `numakit: ${file}:3:20: not valid JSON: expected a property name in double quotes, found '}'\n`]);
    expect([fromStdin.code, fromStdin.stderr]).to.deep.equal([2, "numakit: <stdin>:3:20: not valid JSON: expected a property name in double quotes, found '}'\n"]);
    const yaml = join(tmp(), "host.yaml.json");
    writeFileSync(yaml, "nodes:\n  - cpus: 2\n    mem_mib: 64\n");
    const y = await runCli(["synth", yaml]);
    expect(y.code).to.equal(2);
    expect(y.stderr).to.match(/^numakit: \S*host\.yaml\.json:1:1: not valid JSON: .*; descriptions are JSON, and this looks like YAML\n$/);
    // Read errors in words, never a raw Node code.
    const dir = await runCli(["synth", tmp()]);
    expect([dir.code, dir.stderr]).to.deep.equal([2, `numakit: ${tmp()}: is a directory\n`]);
  });

  it("no QEMU command line when QEMU cannot give the APIC ids, and says why", async () => {
    const f = join(tmp(), "ids.json");
    writeFileSync(f, JSON.stringify({ nodes: [{ cpus: [0, 2], mem_mib: 512 }, { cpus: [7], mem_mib: 512 }] }));
    const r = await runCli(["synth", f, "--out", join(tmp(), "ids")]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/no QEMU command line: no -smp sockets\/cores\/threads gives QEMU the APIC ids 0,2,7/);
  });

  it("no QEMU command line when a table is over the 65535 bytes QEMU's -acpitable takes (a SLIT to PXM 255), and a SLIT to PXM 254 still boots", async () => {
    // Found booting PXM 1000: QEMU exited with "ACPI table too big, requested: 1002045, max: 65535".
    const slitTo = async (pxm: number): Promise<{ code: number | null; stdout: string; slit: number }> => {
      const f = join(tmp(), `pxm${pxm}.json`);
      writeFileSync(f, JSON.stringify({ nodes: [{ cpus: 2, mem_mib: 512 }, { pxm, cpus: 2, mem_mib: 512 }], distances: [[10, 20], [20, 10]] }));
      const out = join(tmp(), `pxm${pxm}`);
      const r = await runCli(["synth", f, "--out", out]);
      return { code: r.code, stdout: r.stdout, slit: readFileSync(join(out, "SLIT")).length };
    };
    const big = await slitTo(255);
    expect([big.code, big.slit]).to.deep.equal([0, 44 + 256 * 256]);
    expect(big.stdout).to.match(/no QEMU command line: QEMU's -acpitable takes tables of at most 65535 bytes and the SLIT is 65580 \(a SLIT has one locality per proximity domain 0\.\.max, 256² bytes: PXMs up to 254 fit\)\n/);
    expect(big.stdout).to.not.match(/^qemu-system/m);
    const fits = await slitTo(254);
    expect(fits.slit).to.equal(44 + 255 * 255);
    expect(fits.stdout).to.match(/^qemu-system-x86_64 -machine q35 -smp 4,.* -acpitable file=\S+\/SLIT$/m);
  });

  it("APIC ids from 255 on: x2APIC vCPUs and intel-iommu interrupt remapping on q35, no command line on pc", async () => {
    // 5 sockets x 5 cores x 5 threads: 3-bit fields, socket 4 from APIC id 256 (booted: Linux 6.1 brings up all 125 CPUs).
    const desc = { smp: { sockets: 5, cores: 5, threads: 5 }, nodes: Array.from({ length: 5 }, () => ({ cpus: 25, mem_mib: 256 })) };
    const f = join(tmp(), "x2apic.json");
    writeFileSync(f, JSON.stringify(desc));
    const q35 = await runCli(["synth", f, "--out", join(tmp(), "x2apic-q35")]);
    expect(q35.code, q35.stderr).to.equal(0);
    expect(q35.stdout).to.match(/^APIC ids from 255 on: x2APIC vCPUs and intel-iommu interrupt remapping, so QEMU 8\.1 or later under TCG/m);
    expect(q35.stdout).to.match(/^qemu-system-x86_64 -machine q35,kernel-irqchip=split -cpu qemu64,\+x2apic -device intel-iommu,intremap=on,eim=on -smp 125,sockets=5,cores=5,threads=5 -m 1280M /m);
    const pc = await runCli(["synth", f, "--qemu", "pc", "--out", join(tmp(), "x2apic-pc")]);
    expect(pc.code, pc.stderr).to.equal(0);
    expect(pc.stdout).to.match(/no QEMU command line: APIC ids from 255 on \(here up to 292\) need x2APIC mode, which Linux keeps only with interrupt remapping: QEMU's intel-iommu, which pc \(i440fx\) does not take \(use q35\)\n/);
    // Below 255 nothing changes, x2APIC structures or not: QEMU 7.2 boots it as it is.
    const low = join(tmp(), "x2apic-low.json");
    writeFileSync(low, JSON.stringify({ smp: { sockets: 2, cores: 127, threads: 1 }, nodes: [{ cpus: 127, mem_mib: 256, x2apic: true }, { cpus: 127, mem_mib: 256 }] }));
    const l = await runCli(["synth", low, "--out", join(tmp(), "x2apic-low")]);
    expect(l.stdout).to.match(/^qemu-system-x86_64 -machine q35 -smp 254,sockets=2,cores=127,threads=1 -m 512M /m);
  });
});

describe("synth: topology --format sysfs vs the sysfs Linux wrote on the oracle boots", () => {
  it("every captured file agrees, MemTotal aside (Linux subtracts its reservations)", async function () {
    requireCorpus(this);
    const configs = oracleConfigs();
    expect(configs.length).to.be.at.least(10);
    let agree = 0;
    for (const c of configs) {
      const cmp = compareWithLinux(sysfsTree(await oracleTopology(c)), join(oracleDir, c, "linux"));
      expect(cmp.differ, c).to.deep.equal([]);
      agree += cmp.agree.length;
      for (const m of cmp.memTotal) {
        // 07: a DIMM plugged at boot is a DSDT memory device with _PXM 0: Linux adds it to node 0, the SRAT does not say so.
        if (c === "07-hotplug-maxmem") continue;
        expect(m.linuxKb, `${c} node ${m.node}`).to.be.at.most(m.oursKb);
        expect(m.linuxKb, `${c} node ${m.node}`).to.be.at.least(Math.floor(m.oursKb * 0.75));
      }
    }
    expect(agree).to.be.at.least(150);
  });
});
