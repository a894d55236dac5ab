/** Simulator hosts from real ACPI tables: the Topology (Xen numbering) → HostSpec conversion. */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostSpecFromSource, hostSpecFromTopology } from "../../src/sim/host-source.js";
import { nodePresentPages } from "../../src/sim/host.js";
import { analyse } from "../../src/analyse.js";
import { UsageError } from "../../src/errors.js";
import { hostTables } from "../helpers/numa-tables.js";
import { repoRoot, runCli } from "../helpers/cli.js";

const GiB = 1n << 30n;
const pagesPerGiB = 262144;

describe("sim host from ACPI tables", () => {
  it("samples/4node: 4 nodes, RAM as whole pages per SRAT range, MADT CPU numbers, the SLIT", async () => {
    const spec = await hostSpecFromSource(join(repoRoot, "samples", "4node"));
    expect(spec.nodes.map((n) => n.cpus.length)).to.deep.equal([16, 16, 16, 16]);
    expect(spec.nodes[1]?.cpus[0]).to.equal(16);
    // Node 0: [0, 640 KiB) and [1 MiB, 2 GiB) and [4 GiB, 66 GiB).
    expect(spec.nodes[0]?.ranges).to.deep.equal([
      { baseMfn: 0, pages: 0xa0 }, { baseMfn: 0x100, pages: 2 * pagesPerGiB - 0x100 }, { baseMfn: 4 * pagesPerGiB, pages: 62 * pagesPerGiB },
    ]);
    expect(spec.nodes.slice(1).map(nodePresentPages)).to.deep.equal([64, 64, 64].map((g) => g * pagesPerGiB));
    expect(spec.distances).to.deep.equal([[10, 16, 22, 22], [16, 10, 22, 22], [22, 22, 10, 16], [22, 22, 16, 10]]);
  });

  it("nodes are numbered as Xen does (first appearance), hot-plug and NVDIMM ranges are not RAM", () => {
    const tables = hostTables({
      cpus: [{ pxm: 7, apic: 0 }, { pxm: 3, apic: 1 }],
      memory: [
        { pxm: 3, base: 0n, length: 4n * GiB },
        { pxm: 3, base: 4n * GiB, length: 1n * GiB, flags: 0x5 },
        { pxm: 7, base: 8n * GiB, length: 4n * GiB },
        { pxm: 7, base: 12n * GiB, length: 4n * GiB, flags: 0x3 },
      ],
    });
    const { topology } = analyse(tables, { numbering: "xen" });
    const spec = hostSpecFromTopology(topology);
    expect(spec.nodes.map((n) => n.cpus)).to.deep.equal([[0], [1]]);
    expect(spec.nodes.map(nodePresentPages)).to.deep.equal([4 * pagesPerGiB, 4 * pagesPerGiB]);
    expect(spec.nodes[0]?.ranges[0]?.baseMfn).to.equal(8 * pagesPerGiB);
    // No SLIT: Xen's 10/20.
    expect(spec.distances).to.deep.equal([[10, 20], [20, 10]]);
  });

  it("when Xen rejects the SRAT (more PXMs than MAX_NUMNODES), the host is one node with everything", () => {
    const n = 65;
    const tables = hostTables({
      cpus: Array.from({ length: n }, (_, i) => ({ pxm: i, apic: i })),
      memory: Array.from({ length: n }, (_, i) => ({ pxm: i, base: BigInt(i) * GiB, length: GiB })),
    });
    const { topology } = analyse(tables, { numbering: "xen" });
    expect(topology.verdicts.xen.usesSrat).to.equal(false);
    const spec = hostSpecFromTopology(topology);
    expect(spec.nodes).to.have.length(1);
    expect(spec.nodes[0]?.cpus).to.have.length(n);
    expect(nodePresentPages(spec.nodes[0] ?? { id: 0, ranges: [], cpus: [] })).to.equal(n * pagesPerGiB);
  });

  it("needs Xen numbering, and a source without memory is a usage error naming it", async () => {
    const { topology } = analyse(hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB }] }));
    expect(() => hostSpecFromTopology(topology)).to.throw(UsageError, /Xen's node numbering/);
    try {
      await hostSpecFromSource(join(repoRoot, "samples", "4node", "SLIT"));
      expect.fail("expected an error");
    } catch (err) {
      expect(err).to.be.instanceOf(UsageError);
    }
  });

  it("numakit sim: --host decodes tables; a scenario's {source} is relative to the scenario file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "numakit-host-"));
    try {
      const steps = [{ op: "numainfo" }, { op: "physinfo" }];
      writeFileSync(join(dir, "s.json"), JSON.stringify({ host: { source: join(repoRoot, "samples", "2socket") }, steps }));
      const own = await runCli(["sim", join(dir, "s.json"), "--format", "json"]);
      expect(own.code, own.stderr).to.equal(0);
      expect((JSON.parse(own.stdout) as { final: { nodes: unknown[] } }).final.nodes).to.have.length(2);
      const viaFlag = await runCli(["sim", join(dir, "s.json"), "--host", join(repoRoot, "samples", "4node"), "--format", "json"]);
      expect(viaFlag.code, viaFlag.stderr).to.equal(0);
      const out = JSON.parse(viaFlag.stdout) as { final: { nodes: unknown[] } };
      expect(out.final.nodes).to.have.length(4);
      const rel = join(repoRoot, "samples", "scenarios");
      const r = await runCli(["sim", join(rel, "vm-start-4node-claim.json"), "--format", "json"]);
      expect(r.code, r.stderr).to.equal(0);
      expect((JSON.parse(r.stdout) as { final: { nodes: unknown[] } }).final.nodes).to.have.length(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sim host source errors", () => {
  it("a host source without CPUs says so; --host errors name only the source", async () => {
    const slitOnly = join(repoRoot, "samples", "4node", "SLIT");
    const r = await runCli(["sim", join(repoRoot, "samples", "scenarios", "claims.json"), "--host", slitOnly]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^numakit: host source .*4node\/SLIT: the tables describe no enabled CPU/);
    expect(r.stderr).to.not.contain("claims.json");
  });
});
