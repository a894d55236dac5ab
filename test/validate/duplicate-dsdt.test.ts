/** Issue 12: two sources of one host hold the DSDT twice: TABLE_DUPLICATE, the first is used. */
import { expect } from "chai";
import { join } from "node:path";
import { repoRoot } from "../helpers/cli.js";
import { runMain } from "../helpers/main.js";

const dir = join(repoRoot, "samples", "4node");
const dump = join(repoRoot, "samples", "4node.acpidump.txt");

describe("a duplicated DSDT (issue 12)", () => {
  it("validate: TABLE_DUPLICATE for the DSDT, and no device declared twice", async () => {
    const r = await runMain(["validate", dir, dump]);
    expect(r.stdout).to.include(`TABLE_DUPLICATE  ${dump}:1: DSDT: 2 DSDT tables in the sources (${dir}/DSDT, ${dump}:1): the first is used`);
    expect(r.stdout).to.not.include("DEVICE_PXM_DYNAMIC");
    expect(r.stdout).to.not.include("declared 2 times");
  });

  it("topology places the devices as with one copy of the host", async () => {
    const [one, two] = await Promise.all([runMain(["topology", "--format", "json", dir]), runMain(["topology", "--format", "json", dir, dump])]);
    const devices = (out: string): unknown => (JSON.parse(out) as { nodes: { devices: unknown[] }[] }).nodes.map((n) => n.devices);
    expect(devices(two.stdout)).to.deep.equal(devices(one.stdout));
    expect((JSON.parse(two.stdout) as { dynamicPxmDevices: unknown[] }).dynamicPxmDevices).to.deep.equal([]);
  });

  it("namespace: the first DSDT only, with a TABLE_DUPLICATE warning", async () => {
    const [one, two] = await Promise.all([runMain(["namespace", dir]), runMain(["namespace", dir, dump])]);
    expect(two.stdout).to.equal(one.stdout);
    expect(two.stderr).to.include("DSDT: 2 DSDT tables in the sources");
    expect(two.stderr).to.include("[TABLE_DUPLICATE]");
  });
});
