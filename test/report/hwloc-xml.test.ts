import { expect } from "chai";
import fc from "fast-check";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeTable, readTables, type DecodedTable } from "../../src/acpi/index.js";
import type { FieldValues } from "../../src/acpi/layout/types.js";
import { NumakitError } from "../../src/errors.js";
import { hwlocView } from "../../src/report/hwloc-view.js";
import { hwlocBitmap, hwlocXml, xmlEscape } from "../../src/report/hwloc-xml.js";
import { parseDescription, synthesize, type SynthTable } from "../../src/synth/index.js";
import { linuxNodeAccess } from "../../src/topology/linux-node.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import { analyse } from "../../src/analyse.js";
import { buildTopology } from "../../src/topology/build.js";
import type { Cpu, Topology } from "../../src/topology/model.js";
import { NUMBERINGS, type Numbering } from "../../src/topology/numbering.js";
import { runCli } from "../helpers/cli.js";
import { corpusPath, oracleConfigs, realDumps, requireCorpus } from "../helpers/corpus.js";
import { canonicalHwlocXml, lstopoOnSysfs, lstopoReport, nodesetsOfPus, parseBitmap, type HwlocReport } from "../helpers/hwloc.js";
import { repoRoot } from "../helpers/paths.js";
import { fcRuns } from "../helpers/runs.js";
import { requireProgram } from "../helpers/skip.js";
import { hmatTable, hostTables, madtTable, sratTable, type HostSpec } from "../helpers/numa-tables.js";

const oracleDir = corpusPath("oracle");
/** Table excerpts with no MADT: no Linux CPU, so nothing hwloc can load (refused, exit 2). */
const noMadt = new Set(["amd-epyc7001-2s-8node-diesel.srat-excerpt.txt", "intel-spr-2s-cxl-scargall.slit-hmat.recon.txt"]);

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const ascending = (a: number, b: number): number => a - b;
const linuxCpus = (cpus: readonly Cpu[]): number[] => cpus.flatMap((c) => (c.linuxCpu === undefined ? [] : [c.linuxCpu])).sort(ascending);

/**
 * What lstopo must report for a topology, from the topology itself: Linux's nodes, CPUs and
 * boot memory, Linux's distances (the SLIT, else 10/20), and per node the access class 1 values
 * Linux registers. The cpuset of a node (its own CPUs, widened by its initiators or nearest
 * nodes) comes from the exporter's view: "against lstopo on numakit's sysfs" below checks it
 * against hwloc's own Linux backend.
 */
function expected(t: Topology): HwlocReport {
  const all = [...t.nodes.flatMap((n) => linuxCpus(n.cpus)), ...linuxCpus(t.unplacedCpus)].sort(ascending);
  if (!t.verdicts.linux.usesSrat) return { nodes: [{ os: 0, pus: all, localMemory: "0" }], pus: all, distances: null, memattrs: [] };
  const kept = t.nodes.map((n, i) => ({ n, i }))
    .filter(({ n }) => linuxCpus(n.cpus).length > 0 || n.memoryBytes > 0n || n.initiators.some((x) => x.kind === "generic-initiator"))
    .sort((a, b) => a.n.id - b.n.id);
  const cpuset = new Map(hwlocView(t).nodes.map((v) => [v.os, v.cpuset]));
  // Where a node lands is hwloc's core at work (it may refuse an overlapping cpuset and keep the
  // node higher up): the NUMANode's cpuset as exported, which "against lstopo on numakit's sysfs" checks.
  const placed = new Map([...hwlocXml(t).matchAll(/<object type="NUMANode" os_index="(\d+)" cpuset="([^"]*)"/g)].map((m) => [Number(m[1]), parseBitmap(m[2] ?? "0x0")]));
  const nodes = kept.map(({ n }) => ({ os: n.id, pus: placed.get(n.id) ?? [], localMemory: String(n.memoryBytes) }));
  const slit = t.verdicts.linux.usesSlit && t.distances.source === "SLIT";
  const distances = kept.length < 2 ? null : {
    nodes: kept.map(({ n }) => n.id),
    matrix: kept.map((a) => kept.map((b) => (slit ? t.distances.matrix[a.i]?.[b.i] ?? -1 : a.i === b.i ? 10 : 20))),
  };
  const memattrs: string[] = [];
  for (const [target, [, c1]] of t.hmat?.linuxUses === true ? linuxNodeAccess(t) : []) {
    const from = (cpuset.get(target) ?? []).join(",");
    const { readLatency: rl, writeLatency: wl, readBandwidth: rb, writeBandwidth: wb } = c1.perf;
    const put = (name: string, value: number): void => { if (value > 0) memattrs.push(`${name} P#${target} = ${value} from ${from}`); };
    put("ReadLatency", rl); put("WriteLatency", wl); put("ReadBandwidth", rb); put("WriteBandwidth", wb);
    if (rl > 0 && wl > 0) put("Latency", Math.floor((rl + wl) / 2));
    if (rb > 0 && wb > 0) put("Bandwidth", Math.floor((rb + wb) / 2));
  }
  return { nodes, pus: all, distances, memattrs: memattrs.sort() };
}

let tmp = "";
const lstopoRuns = { inputs: 0, files: 0, puChecks: 0 };

/** XML of t → file → lstopo; the report must equal expected(t); hwloc-calc agrees for some PUs. */
/**
 * What lstopo and hwloc-calc answered for an XML text already loaded: the numberings of a host
 * often give the same XML, and hwloc's answer for the same file is the same (each spawn of a tool
 * costs more than its work here). Each topology is still checked against its own expectation.
 */
const hwlocAnswers = new Map<string, { file: string; report: HwlocReport; nodesets: Map<string, number[][]> }>();

function checkWithLstopo(t: Topology, name: string, puChecks = 3): HwlocReport {
  const xml = hwlocXml(t);
  let answer = hwlocAnswers.get(xml);
  if (answer === undefined) {
    const file = join(tmp, `${name.replace(/[^\w.-]/g, "_")}.xml`);
    writeFileSync(file, xml);
    answer = { file, report: lstopoReport(file), nodesets: new Map() };
    hwlocAnswers.set(xml, answer);
    lstopoRuns.files++;
  }
  const got = answer.report;
  const want = expected(t);
  expect(got, name).to.deep.equal(want);
  const pus = got.pus;
  const sample = [...new Set([pus[0], pus[Math.floor(pus.length / 2)], pus[pus.length - 1]])].slice(0, puChecks).filter((pu) => pu !== undefined);
  // One hwloc-calc for the sample.
  const key = sample.join(",");
  const nodesets = answer.nodesets.get(key) ?? nodesetsOfPus(answer.file, sample);
  answer.nodesets.set(key, nodesets);
  for (const [i, pu] of sample.entries()) {
    // hwloc: the nodes local to a PU are those whose cpuset holds it (each hangs at the object of its cpuset).
    expect(nodesets[i], `${name} pu:${pu}`).to.deep.equal(want.nodes.filter((n) => n.pus.includes(pu)).map((n) => n.os).sort(ascending));
    lstopoRuns.puChecks++;
  }
  return got;
}

describe("hwloc XML export", () => {
  describe("format", () => {
    it("bitmaps are printed as hwloc_bitmap_snprintf does (values from hwloc-calc 2.9)", () => {
      const cases: [number[], string][] = [
        [[], "0x0"], [[0], "0x00000001"], [[0, 1], "0x00000003"], [[31], "0x80000000"], [[32], "0x00000001,0x0"],
        [[40], "0x00000100,0x0"], [[64], "0x00000001,,0x0"], [[0, 64], "0x00000001,,0x00000001"],
        [[100], "0x00000010,,,0x0"], [[127], "0x80000000,,,0x0"], [[128], "0x00000001,,,,0x0"],
      ];
      for (const [bits, text] of cases) {
        expect(hwlocBitmap(bits), text).to.equal(text);
        expect(parseBitmap(text)).to.deep.equal(bits);
      }
    });

    it("escapes XML in attribute values", () => {
      expect(xmlEscape(`a&b<c>"d"'e'`)).to.equal("a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;");
    });

    it("distances2 and memattr follow hwloc's layout: 10 values per element, length = characters", async () => {
      const { tables } = await readTables([join(repoRoot, "samples", "4node")]);
      const xml = hwlocXml(analyse(tables).topology);
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE topology SYSTEM "hwloc2.dtd">\n<topology version="2.0">\n')).to.equal(true);
      expect(xml).to.include('<distances2 type="NUMANode" nbobjs="4" kind="5" name="NUMALatency" indexing="os">');
      expect(xml).to.include('<indexes length="8">0 1 2 3 </indexes>');
      expect(xml).to.include('<u64values length="30">10 16 22 22 16 10 22 22 22 22 </u64values>');
      expect(xml).to.include('<u64values length="18">10 16 22 22 16 10 </u64values>');
      for (const m of xml.matchAll(/<(indexes|u64values) length="(\d+)">([^<]*)</g)) expect(m[3]?.length).to.equal(Number(m[2]));
      expect(xml).to.include('<memattr name="Latency" flags="6">');
      expect(xml).to.match(/<memattr_value target_obj_type="NUMANode" target_obj_gp_index="\d+" value="89" initiator_cpuset="0x0000ffff"\/>/);
    });
  });

  describe("policy", () => {
    it("Linux falls back to one node when it rejects the SRAT: node 0 with every CPU, nothing else", () => {
      // Overlapping ranges of two nodes: numa_cleanup_meminfo() fails, bad_srat().
      const t = buildTopology(hostTables({
        cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
        memory: [{ pxm: 0, base: 0n, length: 2n * GiB }, { pxm: 1, base: GiB, length: 2n * GiB }],
        slit: [[10, 21], [21, 10]],
      }));
      expect(t.verdicts.linux.usesSrat).to.equal(false);
      const v = hwlocView(t);
      expect(v.nodes).to.deep.equal([{ os: 0, pus: [0, 1], cpuset: [0, 1], caches: [] }]);
      expect(v.distances).to.equal(undefined);
      expect(v.notes.map(([k]) => k)).to.include("NumakitNodes");
    });

    it("no SLIT: Linux's 10/20 defaults; nodes with nothing present at boot are left out", () => {
      const t = buildTopology(hostTables({
        cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }, { pxm: 2, apic: 2, madt: "disabled" }],
        memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB }, { pxm: 2, base: 2n * GiB, length: GiB, flags: 3 }],
      }));
      const v = hwlocView(t);
      expect(v.nodes.map((n) => n.os)).to.deep.equal([0, 1]);
      expect(v.distances).to.deep.equal({ matrix: [[10, 20], [20, 10]], source: "default" });
      expect(Object.fromEntries(v.notes)).to.include({ NumakitNodesLeftOut: "2: no CPU, memory or generic initiator present at boot" });
    });

    it("refuses what hwloc cannot load: no PU, or ids too large for a bitmap", () => {
      const noCpu = buildTopology([sratTable(3, [{ type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } }])]);
      expect(() => hwlocXml(noCpu)).to.throw(NumakitError, /hwloc needs at least one PU, and there is no MADT/);
      const huge = buildTopology(hostTables({ cpus: [{ pxm: 70000, apic: 0 }], memory: [{ pxm: 70000, base: 0n, length: GiB }] }), {
        numbering: "pxm", limits: { linuxMaxNumnodes: 1 << 20, xenMaxNumnodes: 64 },
      });
      expect(() => hwlocXml(huge)).to.throw(NumakitError, /node id 70000 is too large for an hwloc bitmap/);
    });

    it("memory attributes are each node's Linux access class 1 (best CPU initiators), as hwloc reads sysfs, not every HMAT pair", () => {
      const tables: DecodedTable[] = [
        ...hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB }] }),
        hmatTable(2, [
          { type: 0, values: { flags: 0, memoryProximityDomain: 0 } }, { type: 0, values: { flags: 0, memoryProximityDomain: 1 } },
          { type: 1, values: { flags: 0, dataType: 0, initiatorProximityDomainsCount: 2, targetProximityDomainsCount: 2, entryBaseUnit: 1000n, initiatorProximityDomainList: [0, 1], targetProximityDomainList: [0, 1], entries: [80, 120, 130, 90] } },
        ]),
      ];
      const v = hwlocView(buildTopology(tables));
      // Node 1 has no CPU: its best CPU initiator is node 0 (120 ns), whose PUs become its cpuset;
      // 130 and 90 (from node 1, no CPU) are in no sysfs file hwloc reads.
      expect(v.memattrs.find((m) => m.name === "Latency")?.values).to.deep.equal([{ target: 0, initiator: [0], value: 80 }, { target: 1, initiator: [0], value: 120 }]);
      expect(v.memattrs.map((m) => m.values.length)).to.deep.equal([2, 2, 2]);
      expect(Object.fromEntries(v.notes)["NumakitMemattrs"]).to.match(/6 values, each node's best CPU initiators \(Linux access class 1\)/);
      // A revision Linux does not know: it ignores the whole HMAT, and so does the export.
      const rev3 = hwlocView(buildTopology([...tables.slice(0, -1), hmatTable(3, [])]));
      expect(rev3.memattrs).to.deep.equal([]);
      expect(Object.fromEntries(rev3.notes)["NumakitMemattrs"]).to.match(/^not exported: Linux ignores the HMAT \(unknown revision 3/);
    });
  });

  describe("against lstopo (hwloc-nox 2.9)", function () {
    before(function () {
      requireProgram(this, "lstopo");
      requireProgram(this, "hwloc-calc");
      tmp = mkdtempSync(join(tmpdir(), "numakit-hwloc-"));
    });
    after(() => {
      if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
      hwlocAnswers.clear();
      if (lstopoRuns.files > 0 && process.env["HWLOC_REPORT"] !== undefined) console.log(`      hwloc: ${lstopoRuns.inputs} inputs, ${lstopoRuns.files} XML files, ${lstopoRuns.puChecks} hwloc-calc checks`);
    });

    /** Each input in every numbering: lstopo reports the topology (or the export refuses a host without a MADT). */
    async function checkInputs(inputs: readonly string[]): Promise<void> {
      for (const input of inputs) {
        const name = input.slice(input.lastIndexOf(input.includes("/tables") ? "/oracle/" : "/") + 1);
        const { tables, diagnostics } = await readTables([input]);
        for (const numbering of NUMBERINGS) {
          const t = analyse(tables, { numbering }, diagnostics).topology;
          if (noMadt.has(name)) { expect(() => hwlocXml(t), name).to.throw(NumakitError, /hwloc needs at least one PU/); continue; }
          checkWithLstopo(t, `${name}-${numbering}`);
        }
        if (!noMadt.has(name)) lstopoRuns.inputs++;
      }
    }

    it("samples/2socket and samples/4node: lstopo reports the topology, in every numbering", async () => {
      await checkInputs([join(repoRoot, "samples", "2socket"), join(repoRoot, "samples", "4node")]);
    });

    it("every oracle config and real dump of the corpus: lstopo reports the topology, in every numbering", async function () {
      requireCorpus(this);
      await checkInputs([...oracleConfigs().map((c) => join(oracleDir, c, "tables")), ...realDumps()]);
    });

    it("the oracle boots: what lstopo reads from our XML is what Linux showed in sysfs", async function () {
      requireCorpus(this);
      for (const c of oracleConfigs()) {
        const summary = JSON.parse(readFileSync(join(oracleDir, c, "linux", "summary.json"), "utf8")) as { nodes: Record<string, { cpus: number[]; distance: number[] }> };
        const { tables, diagnostics } = await readTables([join(oracleDir, c, "tables")]);
        const got = checkWithLstopo(analyse(tables, {}, diagnostics).topology, `linux-${c}`, 0);
        const ids = Object.keys(summary.nodes).map(Number).sort(ascending);
        expect(got.nodes.map((n) => n.os), c).to.deep.equal(ids);
        expect(got.distances?.matrix, c).to.deep.equal(ids.map((i) => summary.nodes[String(i)]?.distance));
        for (const id of ids) {
          const cpus = summary.nodes[String(id)]?.cpus ?? [];
          const node = got.nodes.find((n) => n.os === id);
          const access = join(oracleDir, c, "linux", "node", `node${id}`, "access1", "initiators");
          if (!existsSync(access)) { if (cpus.length > 0) expect(node?.pus, `${c} node ${id}`).to.deep.equal(cpus); continue; }
          // HMAT: hwloc's Linux backend gives a node its best initiators' locality and their values.
          const initiators = readFileSync(join(access, "_links"), "utf8").trim().split(/\s+/).map((l) => Number(l.replace("node", "")));
          const from = initiators.flatMap((i) => summary.nodes[String(i)]?.cpus ?? []).sort(ascending);
          expect(node?.pus, `${c} node ${id}`).to.deep.equal(cpus.length > 0 ? cpus : from);
          for (const [attr, file] of [["ReadLatency", "read_latency"], ["WriteLatency", "write_latency"], ["ReadBandwidth", "read_bandwidth"], ["WriteBandwidth", "write_bandwidth"]]) {
            const value = readFileSync(join(access, file ?? ""), "utf8").trim();
            expect(got.memattrs, `${c} node ${id} ${attr ?? ""}`).to.include(`${attr ?? ""} P#${id} = ${value} from ${from.join(",")}`);
          }
        }
      }
    });

    it("CLI: topology --format hwloc-xml writes XML lstopo loads; no PU → exit 2", async () => {
      const r = await runCli(["topology", join(repoRoot, "samples", "2socket"), "--format", "hwloc-xml"]);
      expect(r.code).to.equal(0);
      const file = join(tmp, "cli.xml");
      writeFileSync(file, r.stdout);
      const got = lstopoReport(file);
      expect(got.nodes.map((n) => [n.os, n.pus.length])).to.deep.equal([[0, 16], [1, 16]]);
      // The SRAT alone: no MADT, so no CPU has a Linux number and hwloc has no PU.
      const sratOnly = join(tmp, "srat-only");
      mkdirSync(sratOnly);
      copyFileSync(join(repoRoot, "samples", "4node", "SRAT"), join(sratOnly, "SRAT"));
      const bad = await runCli(["topology", sratOnly, "-f", "hwloc-xml"]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/^numakit: \S*srat-only: hwloc needs at least one PU, and there is no MADT/);
      expect(bad.stdout).to.equal("");
    });

    it("property: random hosts (CPUs, memory, SLIT, HMAT, disabled CPUs) → XML → lstopo → the same topology", () => {
      fc.assert(fc.property(hostWithHmatArb, fc.constantFrom<Numbering>(...NUMBERINGS), ({ host, hmat }, numbering) => {
        const tables = hostTables(host);
        if (hmat !== undefined) tables.push(hmat);
        const t = buildTopology(tables, { numbering });
        fc.pre(t.nodes.some((n) => linuxCpus(n.cpus).length > 0) || linuxCpus(t.unplacedCpus).length > 0);
        checkWithLstopo(t, `prop-${lstopoRuns.files}`, 1);
      }), { numRuns: fcRuns(0.2) });
    });

    it("a rejected SRAT (one dummy node) and MADT CPUs without an SRAT entry (PUs outside every node) load", () => {
      checkWithLstopo(buildTopology(hostTables({
        cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }],
        memory: [{ pxm: 0, base: 0n, length: 2n * GiB }, { pxm: 1, base: GiB, length: 2n * GiB }],
      })), "fallback");
      const t = buildTopology([
        sratTable(3, [
          { type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1 } }, { type: 0, values: { proximityDomainLow8: 1, apicId: 1, flags: 1 } },
          { type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } }, { type: 1, values: { proximityDomain: 1, baseAddress: GiB, addressLength: GiB, flags: 1 } },
        ]),
        madtTable([0, 1, 2].map((apic) => ({ type: 0, values: { processorId: apic, localApicId: apic, flags: 1 } }))),
      ]);
      expect(hwlocView(t).loosePus).to.deep.equal([2]);
      checkWithLstopo(t, "loose-pu");
    });
  });
});


/**
 * The export against hwloc's own Linux backend: lstopo (hwloc 2.9.0) reading numakit's sysfs tree
 * for the same topology (`lstopo --if fsroot --input DIR`) must build the same objects (Groups of
 * both kinds, MemCaches, NUMANodes, PUs, sets), the same distances and the same memory attributes.
 */
describe("hwloc XML export against lstopo on numakit's sysfs (hwloc-nox 2.9)", function () {
  let root = "";
  before(function () {
    requireProgram(this, "lstopo");
    root = mkdtempSync(join(tmpdir(), "numakit-hwloc-fsroot-"));
  });
  after(() => { if (root !== "") rmSync(root, { recursive: true, force: true }); });

  function same(t: Topology, name: string): void {
    const real = canonicalHwlocXml(lstopoOnSysfs(sysfsTree(t), join(root, "fs")));
    expect(canonicalHwlocXml(hwlocXml(t)).join("\n"), name).to.equal(real.join("\n"));
  }
  const fromDecoded = (tables: readonly SynthTable[]): Topology =>
    analyse(tables.map((x) => decodeTable({ signature: x.signature, bytes: x.bytes, source: { file: x.signature } }))).topology;

  it("samples/ and samples/synth descriptions (04-hmat-caches: MemCaches; 05: two rounds of distance Groups)", async () => {
    for (const dir of ["2socket", "4node", "cxl"]) {
      const { tables, diagnostics } = await readTables([join(repoRoot, "samples", dir)]);
      same(analyse(tables, {}, diagnostics).topology, dir);
    }
    const synthDir = join(repoRoot, "samples", "synth");
    for (const f of readdirSync(synthDir).filter((x) => x.endsWith(".json")).sort()) {
      same(fromDecoded(synthesize(parseDescription(JSON.parse(readFileSync(join(synthDir, f), "utf8")))).tables), f);
    }
    // What the comparison stands on: 04's caches and 05's Groups are there.
    const caches = hwlocXml(fromDecoded(synthesize(parseDescription(JSON.parse(readFileSync(join(synthDir, "04-hmat-caches.json"), "utf8")))).tables));
    expect(caches.match(/<object type="MemCache"/g)?.length).to.equal(2);
    const groups = hwlocXml(fromDecoded(synthesize(parseDescription(JSON.parse(readFileSync(join(synthDir, "05-eight-nodes-two-level.json"), "utf8")))).tables));
    expect(groups.match(/kind="900"/g)?.length).to.be.greaterThan(0);
  });

  it("QEMU's HMAT variants, the oracle configurations and the real dumps", async function () {
    requireCorpus(this);
    const q35 = corpusPath("qemu", "x86", "q35");
    for (const v of ["acpihmat", "acpihmat-generic-x", "acpihmat-noinitiator"]) {
      const { tables, diagnostics } = await readTables(["SRAT", "APIC", "HMAT"].map((sig) => join(q35, `${sig}.${v}`)));
      same(analyse(tables, {}, diagnostics).topology, v);
    }
    for (const input of [...oracleConfigs().map((c) => join(oracleDir, c, "tables")), ...realDumps()]) {
      if (noMadt.has(input.slice(input.lastIndexOf("/") + 1))) continue;
      const { tables, diagnostics } = await readTables([input]);
      same(analyse(tables, {}, diagnostics).topology, input);
    }
  });

  it("property: random hosts (CPUs, memory, SLIT, HMAT with caches) → the same objects as hwloc's Linux backend", () => {
    fc.assert(fc.property(hostWithHmatArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 }), fc.boolean()), { maxLength: 4 }), ({ host, hmat }, caches) => {
      const tables = hostTables(host);
      if (hmat !== undefined) {
        const memPxms = [...new Set(host.memory.map((m) => m.pxm))];
        for (const [i, level, direct] of caches) {
          const pxm = memPxms[i % Math.max(1, memPxms.length)];
          if (pxm === undefined) continue;
          hmat.subtables.push(...hmatTable(2, [{ type: 2, values: { memoryProximityDomain: pxm, memorySideCacheSize: BigInt(level) << 24n, cacheAttributes: level | (level << 4) | ((direct ? 1 : 2) << 8) | (64 << 16), smbiosHandleCount: 0 } }]).subtables);
        }
        tables.push(hmat);
      }
      const t = buildTopology(tables);
      fc.pre(t.nodes.some((n) => linuxCpus(n.cpus).length > 0) || linuxCpus(t.unplacedCpus).length > 0);
      same(t, "prop");
    }), { numRuns: fcRuns(0.2) });
  });
});

/** Random hosts: a few PXMs, CPUs (some disabled in the MADT), ranges, maybe a SLIT and an HMAT. */
const hostWithHmatArb = fc.record({
  pxms: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 }),
  cpus: fc.array(fc.tuple(fc.nat(), fc.constantFrom<("enabled" | "disabled")[]>("enabled", "enabled", "enabled", "disabled")), { minLength: 1, maxLength: 10 }),
  memory: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 2048 })), { maxLength: 6 }),
  slit: fc.option(fc.array(fc.integer({ min: 11, max: 60 }), { minLength: 169, maxLength: 169 }), { nil: undefined }),
  hmat: fc.option(fc.tuple(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 25, maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 25, maxLength: 25 }), fc.boolean()), { nil: undefined }),
}).map(({ pxms, cpus, memory, slit, hmat }) => {
  const at = (i: number): number => pxms[i % pxms.length] ?? 0;
  let base = 0n;
  const host: HostSpec = {
    cpus: cpus.map(([i, madt], apic) => ({ pxm: at(i), apic, madt })),
    memory: memory.map(([i, len]) => { const r = { pxm: at(i), base, length: BigInt(len) * MiB }; base += r.length; return r; }),
  };
  if (slit !== undefined) host.slit = Array.from({ length: 13 }, (_, i) => Array.from({ length: 13 }, (_, j) => (i === j ? 10 : slit[i * 13 + j] ?? 20)));
  if (hmat === undefined) return { host };
  const memPxms = [...new Set(host.memory.map((m) => m.pxm))];
  const cpuPxms = [...new Set(host.cpus.map((c) => c.pxm))].slice(0, 5);
  const [lat, bw, attach] = hmat;
  const locality = (dataType: number, values: number[], unit: bigint): { type: number; values: FieldValues } => ({
    type: 1, values: {
      flags: 0, dataType, initiatorProximityDomainsCount: cpuPxms.length, targetProximityDomainsCount: memPxms.length, entryBaseUnit: unit,
      initiatorProximityDomainList: cpuPxms, targetProximityDomainList: memPxms, entries: values.slice(0, cpuPxms.length * memPxms.length),
    },
  });
  const subs = [
    ...memPxms.map((p) => ({ type: 0, values: attach && cpuPxms[0] !== undefined ? { flags: 1, attachedInitiatorProximityDomain: cpuPxms[0], memoryProximityDomain: p } : { flags: 0, memoryProximityDomain: p } })),
    ...(memPxms.length > 0 && cpuPxms.length > 0 ? [locality(0, lat, 1000n), locality(3, bw, 1n)] : []),
  ];
  return { host, hmat: hmatTable(2, subs) };
});
