/**
 * A doc's command summary (the synopsis block under "## Commands") lists every option the command's
 * --help has, and the same --format choices: a new option or format must reach the docs.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";

/** The options (long names) of `numakit CMD --help` and its --format choices. */
async function helpOf(cmd: string): Promise<{ options: string[]; formats: string[] }> {
  const r = await runCli([cmd, "--help"]);
  const options = [...r.stdout.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1] ?? "").filter((o) => o !== "help" && o !== "version");
  const fmt = /--format[^\n]*\n?[^\n]*\[choices: ([^\]]+)\]/.exec(r.stdout)?.[1] ?? "";
  return { options, formats: [...fmt.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? "") };
}

/** The synopsis lines of a doc's "## Commands" section, by command. */
function synopsis(doc: string): Map<string, string> {
  const text = readFileSync(join(repoRoot, doc), "utf8");
  const block = /## Commands\n+```\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
  return new Map(block.split("\n").filter((l) => l.startsWith("numakit ")).map((l) => [l.split(" ")[1] ?? "", l]));
}

describe("docs: command summaries", () => {
  it("docs/topology.md's summary names every option and format of topology and validate, and topology's exit 1", async () => {
    const lines = synopsis(join("docs", "topology.md"));
    for (const cmd of ["topology", "validate"]) {
      const line = lines.get(cmd) ?? "";
      const { options, formats } = await helpOf(cmd);
      expect(options, cmd).to.include("format");
      for (const o of options) expect(line, `${cmd} --${o}`).to.include(`--${o}`);
      expect(/--format ([\w|-]+)/.exec(line)?.[1]?.split("|"), `${cmd} --format`).to.deep.equal(formats);
    }
    const doc = readFileSync(join(repoRoot, "docs", "topology.md"), "utf8");
    expect(doc).to.match(/`topology`: 1 when a table it rests on has errors/);
  });
});
