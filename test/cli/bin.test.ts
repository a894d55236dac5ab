/**
 * Smoke tests of the real executable (bin/numakit in a child process): what only a process shows —
 * exit status, help on stdout, one-line errors on stderr, stdin through a pipe, a reader closing
 * the pipe early, and the working directory. Everything else runs main() in-process (runCli).
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { childEnv, runBin, runCli } from "../helpers/cli.js";
import { repoPath, repoRoot } from "../helpers/paths.js";

describe("cli: bin/numakit as a process", function () {
  this.timeout(60_000);

  it("--help and --version print to stdout and exit 0", async () => {
    const [help, version] = await Promise.all([runBin(["--help"]), runBin(["--version"])]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain("numakit <command>");
    expect(help.stderr).to.equal("");
    const pkg = JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as { version: string };
    expect(version.stdout).to.equal(`${pkg.version}\n`);
    expect(version.code).to.equal(0);
  });

  it("an unknown command: exit 2 and exactly one line on stderr, no stack", async () => {
    const r = await runBin(["frobnicate"]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.match(/^numakit: [^\n]*frobnicate[^\n]*\n$/);
  });

  it("topology of samples/4node from a pipe (-): the numactl block, exit 0", async () => {
    const r = await runBin(["topology", "-"], { stdin: readFileSync(repoPath("samples", "4node.acpidump.txt"), "latin1") });
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
    expect(r.stdout.split("\n")[0]).to.equal("available: 4 nodes (0-3)");
  });

  it("stops quietly when the reader closes the pipe early (| head -1)", async () => {
    // The acpidump text of both samples, decoded: many times the pipe's buffer.
    const r = await new Promise<{ code: number | null; stderr: string; first: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [repoPath("bin", "numakit"), "decode", repoPath("samples", "4node"), repoPath("samples", "2socket"), repoPath("samples", "4node.acpidump.txt")],
        { cwd: repoRoot, env: childEnv() });
      let first = "";
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
      child.stdout.setEncoding("utf8").once("data", (d: string) => { first = d.split("\n")[0] ?? ""; child.stdout.destroy(); });
      child.on("error", reject);
      child.on("close", (code) => { resolve({ code, stderr, first }); });
    });
    expect(r.first).to.match(/^\/\* \w{4} from /);
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
  });

  it("stdout redirected to a file (written directly, not through Node's stream) holds what main() writes to a stream", async () => {
    const dir = mkdtempSync(join(tmpdir(), "numakit-tofile-"));
    try {
      const file = join(dir, "out.txt");
      const fd = openSync(file, "w");
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [repoPath("bin", "numakit"), "decode", repoPath("samples", "4node")], { cwd: repoRoot, env: childEnv(), stdio: ["ignore", fd, "ignore"] });
        child.on("error", reject);
        child.on("close", resolve);
      });
      closeSync(fd);
      const inProcess = await runCli(["decode", repoPath("samples", "4node")]);
      expect(code).to.equal(0);
      expect(inProcess.stdout.length).to.be.greaterThan(10_000);
      expect(readFileSync(file, "utf8")).to.equal(inProcess.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("extract without --out is a usage error (exit 2) and writes nothing in the working directory", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "numakit-noout-"));
    try {
      const r = await runBin(["extract", repoPath("samples", "4node")], { cwd });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^numakit: [^\n]*out[^\n]*\n$/);
      expect(readdirSync(cwd)).to.deep.equal([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
