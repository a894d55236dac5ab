/**
 * Issue 12: options never swallow SOURCE arguments, an option without its value is bad usage, and
 * usage errors say what is wrong in numakit's words, pointing at the command's --help.
 */
import { expect } from "chai";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../helpers/cli.js";
import { runMain } from "../helpers/main.js";

const sample4 = join(repoRoot, "samples", "4node");

describe("cli usage (issue 12)", () => {
  describe("--table takes its list, never the SOURCE after it", () => {
    it("--table SLIT samples/4node decodes the SLIT of samples/4node", async () => {
      const r = await runMain(["decode", "--table", "SLIT", sample4]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^\/\* SLIT from .*samples\/4node\/SLIT \*\//);
      expect(r.stdout).to.not.include("Signature : \"APIC\"");
    });

    it("--table APIC APIC in a table directory reads ./APIC, not this host's tables", async () => {
      const dir = await mkdtemp(join(tmpdir(), "numakit-table-"));
      try {
        await copyFile(join(sample4, "APIC"), join(dir, "APIC"));
        const cwd = process.cwd();
        process.chdir(dir);
        try {
          const r = await runMain(["decode", "--table", "APIC", "APIC"]);
          expect(r.code, r.stderr).to.equal(0);
          expect(r.stdout.split("\n")[0]).to.equal("/* APIC from APIC */");
        } finally {
          process.chdir(cwd);
        }
      } finally {
        await rm(dir, { recursive: true });
      }
    });

    it("comma-separated and repeated lists are the same, for decode and dump (-t)", async () => {
      const sigs = (out: string): string[] => [...out.matchAll(/Signature : "(\w{4})"/g)].map((m) => m[1] ?? "");
      const comma = await runMain(["decode", "--table", "SRAT,SLIT", sample4]);
      const repeated = await runMain(["decode", "--table", "SRAT", "--table", "SLIT", sample4]);
      expect(sigs(comma.stdout)).to.deep.equal(["SLIT", "SRAT"]);
      expect(repeated.stdout).to.equal(comma.stdout);
      const dump = await runMain(["dump", "-t", "SLIT", sample4]);
      expect(dump.code).to.equal(0);
      expect(dump.stdout.split("\n")[0]).to.match(/^SLIT @ 0x/);
    });
  });

  describe("an option without its value is exit 2, never the default", () => {
    for (const [argv, want] of [
      [["decode", sample4, "--format"], "numakit: --format needs a value (see numakit decode --help)\n"],
      [["decode", sample4, "--table"], "numakit: --table needs a value (see numakit decode --help)\n"],
      [["dump", sample4, "-t"], "numakit: -t needs a value (see numakit dump --help)\n"],
      [["topology", sample4, "--numbering"], "numakit: --numbering needs a value (see numakit topology --help)\n"],
      [["sim", "samples/scenarios/x.json", "--host"], "numakit: --host needs a value (see numakit sim --help)\n"],
    ] as const) {
      it(argv.join(" ").replace(repoRoot, "."), async () => {
        const r = await runMain([...argv]);
        expect(r.code).to.equal(2);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.equal(want);
      });
    }
  });

  describe("usage errors in numakit's words", () => {
    for (const [argv, want] of [
      [["decode", "--bogus", sample4], "numakit: unknown option --bogus (see numakit decode --help)\n"],
      [["--bogus"], "numakit: unknown option --bogus (see numakit --help)\n"],
      [["frobnicate"], "numakit: unknown command frobnicate (see numakit --help)\n"],
      [["topolgy", sample4], "numakit: unknown command topolgy; did you mean topology? (see numakit --help)\n"],
      // An option before the command: its value was read as the command ("unknown command xen").
      [["--numbering", "xen", "topology", "samples/4node"], "numakit: options go after the command: numakit topology --numbering xen samples/4node (see numakit topology --help)\n"],
      [["--format", "json", "decode", "a b"], "numakit: options go after the command: numakit decode --format json 'a b' (see numakit decode --help)\n"],
      // Whatever the command line holds, the message stays one line.
      [["fro\nb\u001b[2J"], "numakit: unknown command fro\\x0Ab\\x1B[2J (see numakit --help)\n"],
      [["sim"], "numakit: sim needs a SCENARIO file (see numakit sim --help)\n"],
      // A missing positional is named, not "name a command".
      [["diff"], "numakit: diff needs two SOURCEs, A and B (see numakit diff --help)\n"],
      [["diff", "samples/4node"], "numakit: diff needs a second SOURCE, B (see numakit diff --help)\n"],
      [["scan"], "numakit: scan needs a PATH (acpidump text, a table directory, or a tree of them) (see numakit scan --help)\n"],
      [["sim", "a.json", "b.json"], "numakit: unexpected argument b.json (see numakit sim --help)\n"],
      [["extract", sample4], "numakit: extract needs --out (see numakit extract --help)\n"],
      [["decode", sample4, "--format", "xml"], "numakit: --format must be one of text, json, not \"xml\" (see numakit decode --help)\n"],
      [[], "numakit: name a command (see numakit --help)\n"],
    ] as const) {
      it(argv.join(" ").replace(repoRoot, ".") || "(nothing)", async () => {
        const r = await runMain([...argv]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.equal(want);
      });
    }
  });

  describe("numakit completion", () => {
    it("prints a bash completion script that calls numakit back", async () => {
      const r = await runMain(["completion"]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.include("###-begin-numakit-completions-###");
      expect(r.stdout).to.include("--get-yargs-completions");
    });

    it("completes commands, options and option values", async () => {
      expect((await runMain(["--get-yargs-completions", "topo"])).stdout.split("\n")).to.include("topology");
      expect((await runMain(["--get-yargs-completions", "decode", "--"])).stdout.split("\n")).to.include.members(["--format", "--table"]);
      expect((await runMain(["--get-yargs-completions", "topology", "--numbering", ""])).stdout.split("\n")).to.include.members(["linux", "xen", "pxm"]);
    });
  });

  it("'-' as an option's value reaches the command as '-' (it was the internal \\x00stdin placeholder), and scan - is a usage error", async () => {
    const kernel = await runMain(["topology", join(repoRoot, "samples", "4node"), "--kernel", "-"]);
    expect(kernel.code).to.equal(2);
    expect(kernel.stderr).to.equal('numakit: --kernel takes a Linux version such as 6.1 or 6.12, not "-"\n');
    const seeds = await runMain(["sim", join(repoRoot, "samples", "scenarios", "sweep-4node.json"), "--seeds", "-"]);
    expect(seeds.code).to.equal(2);
    expect(seeds.stderr).to.equal('numakit: --seeds: "-" is not a seed (a whole number, or A..B)\n');
    // scan's PATH "-" was the placeholder too ("cannot read: The argument 'path' must be ... without null bytes"); scan reads no stdin.
    const scan = await runMain(["scan", "-", "-j", "1"], { stdin: "x" });
    expect(scan.code).to.equal(2);
    expect(scan.stderr).to.equal("numakit: scan reads files and directories, not standard input (-): save the dump to a file, or give it to numakit validate -\n");
  });
});
