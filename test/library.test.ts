/** The package's library entry (src/index.ts → dist/index.js): the main paths work through it alone. */
import { expect } from "chai";
import { join } from "node:path";
import * as numakit from "../src/index.js";
import { repoRoot } from "./helpers/cli.js";

describe("library entry", () => {
  it("sources → topology → validation → reports", async () => {
    const { topology, validation } = await numakit.analyseSources([join(repoRoot, "samples", "2socket")]);
    expect(topology.nodes).to.have.length(2);
    expect(validation.diagnostics.filter((d) => d.severity === "error")).to.deep.equal([]);
    expect(numakit.numactlBlock(topology)).to.match(/^available: 2 nodes \(0-1\)/);
    expect(numakit.topologyJson(topology, validation)).to.have.property("schemaVersion", numakit.SCHEMA_VERSION);
    expect(numakit.hwlocXml(topology)).to.contain("<topology version=\"2.0\">");
  });

  it("typed errors for unreadable input", async () => {
    try {
      await numakit.readTables([join(repoRoot, "no-such-file")]);
      expect.fail("expected an InputError");
    } catch (err) {
      expect(err).to.be.instanceOf(numakit.InputError);
      expect((err as numakit.InputError).oneLine()).to.match(/no-such-file: no such file or directory$/);
    }
  });

  it("a simulated host from the same tables takes hypercalls", async () => {
    const spec = await numakit.hostSpecFromSource(join(repoRoot, "samples", "2socket"));
    const hv = numakit.createHost(spec, numakit.xenConfig({ version: "current", nodeClaims: "none" }));
    const xch = numakit.libxc.xc_interface_open(numakit.hypervisorPort(hv));
    const domid = numakit.libxc.xc_domain_create(xch, { max_vcpus: 2 });
    expect(domid).to.be.greaterThan(0);
    expect(numakit.libxc.xc_domain_setmaxmem(xch, domid, 4 * 1024 * 1024)).to.equal(0);
    expect(numakit.libxc.xc_numainfo(xch).nodes).to.have.length(2);
    expect(numakit.checkInvariants(hv)).to.deep.equal([]);
  });
});
