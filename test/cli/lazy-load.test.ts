/**
 * Each command loads only what it uses (issue 19): the modules a real process loads, recorded by
 * a module-loader hook in a child process running the sources. `--help` loads no command module;
 * `topology` loads nothing from the simulator or the fleet scanner.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { childEnv, repoRoot } from "../helpers/cli.js";

/** Prints every module URL the loader loads to stderr, one "loaded <url>" line each. */
const HOOK = "data:text/javascript," + encodeURIComponent(
  'import { register } from "node:module";' +
  'register("data:text/javascript," + encodeURIComponent("export async function load(u, c, next) { process.stderr.write(\\"loaded \\" + u + \\"\\\\n\\"); return next(u, c); }"));',
);

/** src/ paths (relative) of the modules `numakit ...argv` loads. */
function loadedSources(argv: string[]): string[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", HOOK, join(repoRoot, "src", "cli", "run.ts"), ...argv], {
    cwd: repoRoot, env: childEnv(), encoding: "utf8",
  });
  expect(r.status, r.stderr).to.be.oneOf([0, 1]);
  const prefix = `file://${join(repoRoot, "src")}/`;
  return r.stderr.split("\n").filter((l) => l.startsWith(`loaded ${prefix}`)).map((l) => l.slice(`loaded ${prefix}`.length));
}

describe("cli: each command loads only what it uses", function () {
  this.timeout(60_000);

  it("--help loads no command module, no decoder, no simulator", () => {
    const mods = loadedSources(["--help"]);
    expect(mods).to.include("cli/main.ts");
    expect(mods.filter((m) => m.startsWith("cli/commands/"))).to.deep.equal(["cli/commands/index.ts"]);
    // topology/kernel.ts is the --kernel option's parser (cli/args.ts): a few lines, no imports but errors.
    expect(mods.filter((m) => /^(acpi|aml|topology|validate|report|sim|fleet|synth|diff)\//.test(m) && m !== "topology/kernel.ts")).to.deep.equal([]);
  });

  it("topology loads its command and the decode → topology → report chain, nothing from src/sim or src/fleet", () => {
    const mods = loadedSources(["topology", "samples/4node"]);
    expect(mods).to.include.members(["cli/commands/topology.ts", "acpi/decode.ts", "analyse.ts", "report/text.ts"]);
    expect(mods.filter((m) => /^(sim|fleet|diff)\//.test(m) || (m.startsWith("cli/commands/") && !/(index|topology|topology-synth|dump)\.ts$/.test(m)))).to.deep.equal([]);
  });
});
