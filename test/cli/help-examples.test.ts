/**
 * The examples a command's --help shows run from a clone and succeed (exit 0): an example is what a
 * user tries first. (The examples are taken from the builder: --help wraps them.) `--report FILE` goes to a temporary directory; a sweep's seeds are cut to 1..2.
 */
import { expect } from "chai";
import { join } from "node:path";
import type { Argv } from "yargs";
import type { CommandImpl } from "../../src/cli/command.js";
import { simCommand } from "../../src/cli/commands/sim.js";
import { runCli } from "../helpers/cli.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

/** The examples a command's builder gives yargs (`$0 sim ...`), as argv: --help wraps them. */
function helpExamples(impl: CommandImpl): string[][] {
  const examples: string[][] = [];
  const recorder: Argv = new Proxy({} as Argv, {
    get: (_t, key) => (key === "example"
      ? (cmd: string) => { examples.push(cmd.replace(/^\$0 /, "").split(/\s+/)); return recorder; }
      : () => recorder),
  });
  impl.builder(recorder);
  return examples;
}

describe("cli: --help examples run", function () {
  this.timeout(60_000);
  const tmp = tmpDirPerSuite("help-examples");

  it("every sim --help example exits 0 (the --host example's expectations hold on samples/2socket)", async () => {
    const examples = helpExamples(simCommand);
    expect(examples.map((e) => e.join(" "))).to.include("sim samples/scenarios/paging-pool.json --host samples/2socket --format json");
    for (const [i, argv] of examples.entries()) {
      const run = argv.map((a, k) => (argv[k - 1] === "--report" ? join(tmp(), `${i}.html`) : argv[k - 1] === "--seeds" ? "1..2" : a));
      if (run.includes("--seeds")) run.push("-j", "1");
      const r = await runCli(run);
      expect(r.code, `numakit ${argv.join(" ")}: ${r.stderr}`).to.equal(0);
    }
  });
});
