import { expect } from "chai";
import { runCli } from "./helpers/cli.js";

describe("cli", () => {
  it("prints help and exits 0", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain("numakit <command>");
  });
  it("rejects an unknown command with exit 2 and one line", async () => {
    const r = await runCli(["frobnicate"]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split("\n")).to.have.length.greaterThan(0);
    expect(r.stderr).to.not.contain("    at ");
  });
});
