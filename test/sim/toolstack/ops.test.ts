import { readFileSync } from "node:fs";
import { expect } from "chai";
import { UsageError } from "../../../src/errors.js";
import { inlineHost, parseScenario, runScenario } from "../../../src/sim/index.js";
import { runCli } from "../../helpers/cli.js";

const host2 = (mib: number[]) => ({ nodes: mib.map((m) => ({ mem_mib: m, cpus: 4 })) });

function run(steps: unknown[], mib = [8192, 8192], nodeClaims = "v4") {
  const scn = parseScenario({ host: host2(mib), xen: { version: "current", nodeClaims }, steps });
  return runScenario(scn, inlineHost(scn));
}

const create = [{ op: "createdomain", max_vcpus: 2 }, { op: "max_mem", domid: 1, max_memkb: 8 * 1024 * 1024 }];

describe("sim/toolstack scenario ops", () => {
  it("hvm_build: a 4096 MiB guest populates 480 × 4K, 1023 × 2M, 2 × 1G; pages = total − hole + 16 special", () => {
    const r = run([...create, { op: "hvm_build", domid: 1, mem_mib: 4096, claim: true, expect: { rc: 0, ok: true, extents: { order0: 480, order9: 1023, order18: 2 } } }]);
    expect(r.failures).to.deep.equal([]);
    const res = r.steps[2]?.result as { pagesByNode: Record<string, number> };
    expect(Object.values(res.pagesByNode).reduce((a, b) => a + b, 0)).to.equal(4096 * 256 - 0x20 + 16);
    expect(r.final.domains[0]?.outstandingPages).to.equal(0);
  });

  describe("affinity {0}, 3 GiB free on node 0, a 4 GiB guest", () => {
    // Node 0 has 4 GiB; a first domain takes 1 GiB of it exactly there.
    const prefill = [
      { op: "createdomain", max_vcpus: 1 }, { op: "max_mem", domid: 1, max_memkb: 2 * 1024 * 1024 },
      { op: "populate_physmap", domid: 1, nr_extents: 1, extent_order: 18, mem_flags: { node: 0, exact: true }, expect: { rc: 0, done: 1 } },
      { op: "createdomain", max_vcpus: 2 }, { op: "max_mem", domid: 2, max_memkb: 5 * 1024 * 1024 },
      { op: "setnodeaffinity", domid: 2, nodes: [0] },
    ];

    it("non-exact: node 0 fills first, the rest falls back to node 1, the build succeeds", () => {
      const r = run([...prefill, { op: "hvm_build", domid: 2, mem_mib: 4096, expect: { rc: 0, ok: true } }], [4096, 8192]);
      expect(r.failures).to.deep.equal([]);
      const by = (r.steps.at(-1)?.result as { pagesByNode: Record<string, number> }).pagesByNode;
      // alloc_domheap_pages tries the zones above the DMA zone on every node before node 0's DMA
      // zone, so node 0 contributes its non-DMA memory (~2 GiB here) and node 1 the rest.
      expect(by["0"]).to.be.greaterThan(400_000);
      expect(by["1"]).to.be.greaterThan(400_000);
      expect((by["0"] ?? 0) + (by["1"] ?? 0)).to.equal(4096 * 256 - 0x20 + 16);
    });

    it("exact node 0: degrades 1G → 2M → 4K on node 0 and fails with EBUSY once node 0 is empty; claim released", () => {
      const r = run([...prefill, { op: "hvm_build", domid: 2, mem_mib: 4096, pnode: 0, claim: true, expect: { ok: false } }], [4096, 8192], "none");
      // xl-style host claim succeeds (8 GiB free on node 1), so the failure is the exact 4 KiB populate.
      expect(r.failures).to.deep.equal([]);
      const step = r.steps.at(-1);
      expect(step?.rc).to.equal(-16);
      expect((step?.result as { pagesByNode: Record<string, number> }).pagesByNode["1"]).to.equal(undefined);
      expect(r.final.domains.find((d) => d.domid === 2)?.outstandingPages).to.equal(0);
    });
  });

  it("vm_start: result keys per VM and totals", () => {
    const r = run([{ op: "vm_start", flow: "claim", policy: "xenopsd", seed: 3, vms: [{ name: "a", mem_mib: 1024, vcpus: 2 }, { name: "b", mem_mib: 1024 }] }]);
    const res = r.steps[0]?.result as { vms: Record<string, unknown>[]; totals: Record<string, unknown> };
    expect(Object.keys(res.vms[0] ?? {})).to.deep.equal(["name", "domid", "plannedNodes", "pagesByNode", "localPercent", "extents", "started", "xenInternal", "vmMetrics"]);
    expect(res.vms.map((v) => v["plannedNodes"])).to.deep.equal([[0], [1]]);
    expect(res.totals).to.deep.include({ vms: 2, started: 2, fullyLocal: 2, localPercent: 100 });
  });

  describe("bad steps: one line naming the step", () => {
    const bad: [unknown, RegExp][] = [
      [{ op: "hvm_build", domid: 1 }, /step 0 \(hvm_build\): mem_mib must be an integer/],
      [{ op: "hvm_build", domid: 1, mem_mib: 0 }, /mem_mib must be at least 1/],
      [{ op: "hvm_build", domid: 1, mem_mib: 64, bogus: 1 }, /unknown field "bogus"/],
      [{ op: "hvm_build", domid: 1, mem_mib: 64, pnode: 0, vnuma: [{ mem_mib: 64, pnode: 0 }] }, /pnode or vnuma/],
      [{ op: "hvm_build", domid: 1, mem_mib: 64, vnuma: [{ mem_mib: 32, pnode: 0 }] }, /vnuma memory 32 MiB != mem_mib 64/],
      [{ op: "hvm_build", domid: 1, mem_mib: 64, vnuma: [] }, /vnuma must have 1\.\.64 entries/],
      [{ op: "hvm_build", domid: 1, mem_mib: 64, vnuma: [{ mem_mib: 64, node: 0 }] }, /vnuma\[0\]: unknown field "node"/],
      [{ op: "hvm_build", domid: 1, mem_mib: 64, vnuma: [7] }, /vnuma\[0\] must be an object/],
      [{ op: "vm_start", flow: "fast", vms: [{ mem_mib: 1 }] }, /flow must be one of "legacy", "claim", "claim\+node-create"/],
      [{ op: "vm_start", flow: "claim", policy: "xl", vms: [{ mem_mib: 1 }] }, /policy must be one of/],
      [{ op: "vm_start", flow: "claim", vms: [] }, /vms must have 1\.\.100000 entries/],
      [{ op: "vm_start", flow: "claim", vms: [{ name: "a", mem_mib: 1 }, { name: "a", mem_mib: 1 }] }, /vms\[1\]: name must be a unique/],
      [{ op: "vm_start", flow: "claim", vms: [{ mem_mib: 1, vcpus: 0 }] }, /vcpus must be at least 1/],
    ];
    for (const [step, re] of bad) {
      it(re.source, () => {
        expect(() => parseScenario({ host: host2([64, 64]), steps: [step] })).to.throw(UsageError, re);
      });
    }
  });

  it("sample hvm-build-1tib.json: every pinned expectation holds (1 TiB on one node, vNUMA 5.5 GiB)", () => {
    const scn = parseScenario(JSON.parse(readFileSync("samples/scenarios/hvm-build-1tib.json", "utf8")));
    expect(runScenario(scn, inlineHost(scn)).failures).to.deep.equal([]);
  });

  it("numakit sim: the 4node sample prints the per-VM table; --format json carries the result", async () => {
    const text = await runCli(["sim", "samples/scenarios/vm-start-4node-claim.json"]);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/\n {3}0 {2}vm_start {2}0 {3}flow=claim policy=xenopsd seed=42 vms=\[40 items\]\n +vm +domid +planned +local % +1G +2M +4K +MiB by node +xen on plan +numa opt +started\n/);
    expect(text.stdout).to.match(/totals: 40\/40 started, 40 fully local, 100\.00% of 245760 MiB on planned nodes/);
    const json = await runCli(["sim", "--format", "json", "samples/scenarios/vm-start-4node-legacy.json"]);
    expect(json.code).to.equal(0);
    const rep = JSON.parse(json.stdout) as { steps: { result: { totals: { localPercent: number; started: number } } }[] };
    expect(rep.steps[0]?.result.totals.started).to.equal(40);
    expect(rep.steps[0]?.result.totals.localPercent).to.be.below(100);
  });

  describe("numakit sim: Xen-internal allocations and XAPI numa_optimised in the vm_start table (issue 17)", () => {
    // Worked out from the sources, not read off the output:
    //  - xenopsd memory.ml shadow_mib: ceil((256·vcpus + 2·mem_mib) / 256) MiB of paging pool,
    //    hap_set_allocation() takes that many pages out of the heap (256 per MiB);
    //  - domain_create()/vcpu_create(): 1 struct domain page + 1 struct vcpu page per vCPU;
    //  - claim flow: created before placement, so struct domain and vCPUs sit on the domctl
    //    pCPU's node (0) and the pool cycles over the 4 nodes of automatic affinity (a quarter
    //    each); claim+node-create: all of it on the planned node.
    const pool = (mib: number, vcpus: number): number => Math.ceil((256 * vcpus + 2 * mib) / 256) * 256;
    const kinds = [[12288, 4], [6144, 2], [4096, 2], [2048, 2]] as const;
    const perVm = kinds.map(([mib, vcpus]) => pool(mib, vcpus) + 1 + vcpus);
    // samples/scenarios/vm-start-4node-*.json: 10 VMs of each kind.
    const all = 10 * perVm.reduce((a, b) => a + b, 0);

    it("claim flow: vm00 (12 GiB, 4 vCPUs, planned on node 0) has struct domain, vCPUs and a quarter of the pool there", async () => {
      const r = await runCli(["sim", "samples/scenarios/vm-start-4node-claim.json"]);
      expect(r.code).to.equal(0);
      // 25600 pool pages (100 MiB): 6400 on node 0, plus 1 + 4 → "6405/25605"; one node holds all its memory → numa_optimised.
      const vm00 = `${pool(12288, 4) / 4 + 1 + 4}/${perVm[0]}`;
      expect(vm00).to.equal("6405/25605");
      expect(r.stdout).to.match(new RegExp(`\\n +vm00 +1 +0 +100\\.00 .* 0:12288 +${vm00} +yes +yes\\n`));
      // vm01 (6 GiB, 2 vCPUs) is planned on node 1: only its quarter of the 12800-page pool.
      expect(r.stdout).to.match(new RegExp(`\\n +vm01 +\\d+ +1 +100\\.00 .* ${pool(6144, 2) / 4}/${perVm[1]} +yes +yes\\n`));
      expect(r.stdout).to.include(`Xen-internal (struct domain, vCPUs, paging pool): `);
      expect(r.stdout).to.match(new RegExp(`: \\d+ of ${all} pages \\(25\\.0\\d%\\) on the VMs' planned nodes; XAPI numa_optimised: 40 of 40 started VMs\\n`));
    });

    it("claim+node-create: every Xen-internal page on the planned node", async () => {
      const r = await runCli(["sim", "samples/scenarios/vm-start-4node-node-create.json"]);
      expect(r.code).to.equal(0);
      expect(all).to.equal(517260);
      expect(r.stdout).to.include(`Xen-internal (struct domain, vCPUs, paging pool): ${all} of ${all} pages (100.00%) on the VMs' planned nodes; XAPI numa_optimised: 40 of 40 started VMs\n`);
      expect(r.stdout).to.match(new RegExp(`\\n +vm03 .* ${perVm[3]}/${perVm[3]} +yes +yes\\n`));
    });

    it("legacy flow: about a quarter on plan, like the claim flow (the pool is allocated before placement)", async () => {
      const r = await runCli(["sim", "samples/scenarios/vm-start-4node-legacy.json"]);
      expect(r.stdout).to.match(new RegExp(`: \\d+ of ${all} pages \\(25\\.0\\d%\\) on the VMs' planned nodes`));
    });

    it("a VM that does not start: '-' for Xen on plan, not counted as a started VM", async () => {
      const scn = { host: host2([1024, 1024]), xen: { version: "current", nodeClaims: "v4" }, steps: [{ op: "vm_start", flow: "claim", policy: "xenopsd", seed: 1, vms: [{ name: "big", mem_mib: 4096, vcpus: 1 }, { name: "small", mem_mib: 256, vcpus: 1 }] }] };
      const r = await runCli(["sim", "-"], { stdin: JSON.stringify(scn) });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/\n +big +\d+ +- +0\.00 .* - +- +no \(/);
      // Only "small" (256 MiB, 1 vCPU: a 3 MiB pool, 768 pages + 2) counts.
      expect(r.stdout).to.match(/: \d+ of 770 pages \(\d+\.\d\d%\) on the VMs' planned nodes; /);
      expect(r.stdout).to.match(/XAPI numa_optimised: 1 of 1 started VMs\n/);
    });
  });
});
