/**
 * --kernel X.Y on every command whose output rests on the topology (topology and validate have
 * had it; report, diff and scan take it too): the Linux rules that changed between versions (CXL
 * window nodes, Generic Ports, memory tiers) change what they print; the default is 6.12.
 */
import { expect } from "chai";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";

const cxl = join(repoRoot, "samples", "cxl");
const four = join(repoRoot, "samples", "4node");

describe("cli: --kernel on report, diff, scan", () => {
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
