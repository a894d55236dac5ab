/**
 * --kernel X.Y on every command whose output rests on the topology (topology and validate have
 * had it; report, diff and scan take it too): the Linux rules that changed between versions (CXL
 * window nodes, Generic Ports, memory tiers) change what they print; the default is 6.12.
 */
import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeTable } from "../../src/acpi/encode.js";
import type { FieldValues } from "../../src/acpi/layout/types.js";
import { repoRoot, runCli } from "../helpers/cli.js";
import { madtTable, sratTable } from "../helpers/numa-tables.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

const cxl = join(repoRoot, "samples", "cxl");
const four = join(repoRoot, "samples", "4node");

type Sub = { type: number; values: FieldValues };
const GiB = 1n << 30n;
const pci = new Uint8Array(16);
pci.set([0x00, 0x00, 0x03, 0x00]);
const gi = (pxm: number, flags: number): Sub => ({ type: 5, values: { deviceHandleType: 1, proximityDomain: pxm, deviceHandle: pci, flags } });
const lapic = (pxm: number, apic: number): Sub => ({ type: 0, values: { proximityDomainLow8: pxm, apicId: apic, flags: 1, proximityDomainHigh24: 0 } });
const mem = (pxm: number, base: bigint): Sub => ({ type: 1, values: { proximityDomain: pxm, baseAddress: base, addressLength: GiB, flags: 1 } });

describe("cli: --kernel on report, diff, scan", () => {
  const tmp = tmpDirPerSuite("kernel");

  it("scan: a host's row follows --kernel (a disabled Generic Initiator entry first stops Linux's CPU pass from 5.10 on: 2 nodes, 3 before)", async () => {
    // As test/topology/linux-gi-pass.test.ts: PXM 2 is named only by a CPU entry after the refused GI entry.
    // Two hosts: with -j 2 the kernel reaches the worker threads, with -j 1 this thread's scan.
    const fleet = join(tmp(), "gi-fleet");
    for (const h of ["a", "b"]) {
      const host = join(fleet, h);
      mkdirSync(host, { recursive: true });
      writeFileSync(join(host, "SRAT"), encodeTable(sratTable(3, [gi(5, 0), lapic(0, 0), lapic(1, 1), lapic(2, 2), mem(0, 0n), mem(1, GiB)])));
      writeFileSync(join(host, "APIC"), encodeTable(madtTable([0, 1, 2].map((apic) => ({ type: 0, values: { processorId: apic, localApicId: apic, flags: 1 } })))));
    }
    for (const jobs of ["1", "2"]) {
      const rows = await Promise.all([["--kernel", "5.4"], []].map(async (k) => {
        const r = await runCli(["scan", fleet, "--format", "jsonl", "-j", jobs, ...k]);
        expect(r.code, r.stderr).to.equal(0);
        return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { nodes: { linux: number }; findings: { code: string }[] });
      }));
      expect(rows.map((rs) => rs.map((r) => r.nodes.linux)), `-j ${jobs}`).to.deep.equal([[3, 3], [2, 2]]);
      expect(rows[1]?.[0]?.findings.map((f) => f.code)).to.include("LINUX_SRAT_CPU_PASS_STOPPED");
    }
    const host = join(fleet, "a");
    const bad = await runCli(["scan", host, "--kernel", "5.x"]);
    expect(bad.code).to.equal(2);
  });

  it("report: the page follows --kernel (5.10, 6.1 and the default 6.12 differ; 6.12 is the default)", async () => {
    const [k510, k61, k612, dflt] = await Promise.all(["5.10", "6.1", "6.12", undefined].map((k) => runCli(["report", cxl, "-o", "-", ...(k === undefined ? [] : ["--kernel", k])])));
    for (const r of [k510, k61, k612, dflt]) expect(r?.code, r?.stderr).to.equal(0);
    expect(new Set([k510?.stdout, k61?.stdout, k612?.stdout]).size).to.equal(3);
    expect(dflt?.stdout).to.equal(k612?.stdout);
  });

  it("diff: both sides under --kernel's rules (before 5.17 a CXL window makes no node)", async () => {
    const old = await runCli(["diff", four, cxl, "--kernel", "5.10"]);
    const dflt = await runCli(["diff", four, cxl]);
    expect(old.code).to.equal(1);
    expect(old.stdout.split("\n")[0]).to.include("1 node removed");
    expect(dflt.stdout.split("\n")[0]).to.not.include("node removed");
  });

  it("a bad --kernel is bad usage (exit 2, one line) for report and diff", async () => {
    for (const argv of [["report", cxl, "-o", "-", "--kernel", "5.x"], ["diff", four, cxl, "--kernel", "5.x"]]) {
      const r = await runCli(argv);
      expect(r.code, argv[0]).to.equal(2);
      expect(r.stderr).to.equal("numakit: --kernel takes a Linux version such as 6.1 or 6.12, not \"5.x\"\n");
    }
  });
});
