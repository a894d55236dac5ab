/**
 * Issue 12: output that cannot be written is one line in numakit's words — "numakit: cannot write
 * OUT: REASON" — exit 2, never a stack trace or a raw Node code (ENOTDIR, EISDIR, ENOENT), for
 * every command that writes files: extract, synth, topology --format sysfs, scan, report, sim --report;
 * and a report stdout refuses.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { PassThrough, Readable, Writable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E_OUTPUT, NotADirectoryError, outputError, outputReason } from "../../src/cli/output-error.js";
import { FdOutput } from "../../src/cli/fd-output.js";
import { InputError, UsageError } from "../../src/errors.js";
import { childEnv, cliMain, repoRoot, runCli } from "../helpers/cli.js";

const sample4 = join(repoRoot, "samples", "4node");
const desc = join(repoRoot, "samples", "synth", "01-two-socket-smt.json");
const scenario = join(repoRoot, "samples", "scenarios", "claims.json");

/** A Node fs error as fs/promises throws it. */
function nodeError(code: string, syscall: string, path: string, words: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${words}, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

/** No raw errno name, no Node error code, no stack frame, one line. */
function wordsOnly(stderr: string): void {
  expect(stderr.trim().split("\n")).to.have.length(1);
  expect(stderr).not.to.match(/\bE[A-Z]{3,}\b|ERR_|\n\s+at /);
}

/** Every command line fails alone with exit 2 and exactly `numakit: MESSAGE`. */
async function allFailWith(argvs: string[][], message: string): Promise<void> {
  const runs = await Promise.all(argvs.map((a) => runCli(a)));
  for (const r of runs) expect([r.code, r.stderr]).to.deep.equal([2, `numakit: ${message}\n`]);
}

describe("cli: output that cannot be written (issue 12)", () => {
  let tmp = "";
  let file = "";
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "numakit-out-"));
    file = join(tmp, "regular");
    writeFileSync(file, "not a directory\n");
  });
  after(() => { rmSync(tmp, { recursive: true, force: true }); });

  // Each command, its output under a regular file (ENOTDIR from the OS).
  const underFile: [string, (file: string) => string[], string][] = [
    ["extract --out DIR", (f) => ["extract", sample4, "--out", join(f, "tables")], "tables"],
    ["synth --out DIR", (f) => ["synth", desc, "--out", join(f, "vm")], "vm"],
    ["topology --format sysfs --out DIR", (f) => ["topology", sample4, "--format", "sysfs", "--out", join(f, "sys")], "sys"],
    ["scan --out FILE", (f) => ["scan", sample4, "--out", join(f, "fleet.txt")], "fleet.txt"],
    ["report -o FILE", (f) => ["report", sample4, "-o", join(f, "r.html")], "r.html"],
    ["report --out FILE", (f) => ["report", sample4, "--out", join(f, "r.html")], "r.html"],
    ["sim --report FILE", (f) => ["sim", scenario, "--report", join(f, "run.html")], "run.html"],
  ];
  for (const [what, argv, leaf] of underFile) {
    it(`${what} under a regular file: "cannot write OUT: a parent is not a directory", exit 2`, async () => {
      const r = await runCli(argv(file));
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.equal(`numakit: cannot write ${join(file, leaf)}: a parent is not a directory\n`);
      wordsOnly(r.stderr);
    });
  }

  it("a FILE output that is a directory: \"is a directory\" (scan, report, sim --report)", async () => {
    await allFailWith([["scan", sample4, "--out", tmp], ["report", sample4, "-o", tmp], ["sim", scenario, "--report", tmp]], `cannot write ${tmp}: is a directory`);
  });

  it("a DIR output that is a regular file: \"exists and is not a directory\" (extract, synth, topology --format sysfs)", async () => {
    await allFailWith([["extract", sample4, "--out", file], ["synth", desc, "--out", file], ["topology", sample4, "--format", "sysfs", "--out", file]],
      `cannot write ${file}: exists and is not a directory`);
  });

  it("a FILE in a directory that does not exist: \"no such directory\" (report, sim --report, scan)", async () => {
    const missing = join(tmp, "no-such-dir", "out.html");
    await allFailWith([["report", sample4, "-o", missing], ["sim", scenario, "--report", missing], ["scan", sample4, "--out", missing]], `cannot write ${missing}: no such directory`);
    expect(existsSync(join(tmp, "no-such-dir"))).to.equal(false);
  });

  it("synth --out DIR whose text/ is a file: names DIR and the file inside it that failed", async () => {
    const out = join(tmp, "vm");
    await runCli(["synth", desc, "--out", out]);
    rmSync(join(out, "text"), { recursive: true });
    writeFileSync(join(out, "text"), "");
    const r = await runCli(["synth", desc, "--out", out]);
    expect([r.code, r.stderr]).to.deep.equal([2, `numakit: cannot write ${out} (${join(out, "text")}): exists and is not a directory\n`]);
  });

  it("a write that fails after the file opened (scan --out /dev/full: ENOSPC) is not a silent success", async function () {
    if (!existsSync("/dev/full")) this.skip();
    await allFailWith([["scan", sample4, "--out", "/dev/full"], ["report", sample4, "-o", "/dev/full"]], "cannot write /dev/full: no space left on device");
  });

  describe("stdout that refuses the report (a full disk, /dev/full)", () => {
    /** A stdout whose every write fails as a full disk's does. */
    class FullDisk extends Writable {
      override _write(_c: unknown, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
        cb(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", errno: -28 }));
      }
    }
    for (const argv of [["topology", sample4], ["decode", sample4, "--format", "json"], ["validate", sample4], ["--help"], ["--version"]]) {
      it(`${argv.join(" ")}: "cannot write <stdout>: no space left on device", exit 2 (it was an internal error, exit 70)`, async () => {
        const stderr = new PassThrough();
        let said = "";
        stderr.on("data", (d: Buffer) => { said += d.toString(); });
        const code = await (await cliMain())(argv, { stdout: new FullDisk(), stderr, stdin: Readable.from([]) });
        expect([code, said]).to.deep.equal([2, "numakit: cannot write <stdout>: no space left on device\n"]);
      });
    }

    it("stdout written directly (a file or pipe: FdOutput) on a full disk: the same line, exit 2 (it was exit 0, silently)", async () => {
      const enospc = (): number => { throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", errno: -28 }); };
      const stdout = new FdOutput(99, () => { throw new Error("no stream"); }, enospc);
      const stderr = new PassThrough();
      let said = "";
      stderr.on("data", (d: Buffer) => { said += d.toString(); });
      const code = await (await cliMain())(["topology", sample4], { stdout, stderr, stdin: Readable.from([]) });
      expect([code, said]).to.deep.equal([2, "numakit: cannot write <stdout>: no space left on device\n"]);
    });

    it("as a process: stdout or stderr on /dev/full gives the command's exit code, never a stack trace", function () {
      if (!existsSync("/dev/full")) this.skip();
      const run = (argv: string[], out: "pipe" | "full", err: "pipe" | "full"): { status: number | null; stderr: string } => {
        const full = openSync("/dev/full", "w");
        try {
          const r = spawnSync(process.execPath, [join(repoRoot, "bin", "numakit"), ...argv], {
            cwd: repoRoot, env: childEnv(), encoding: "utf8", stdio: ["ignore", out === "full" ? full : "pipe", err === "full" ? full : "pipe"],
          });
          return { status: r.status, stderr: r.stderr };
        } finally {
          closeSync(full);
        }
      };
      // bin/numakit's --help path (no command) and a command's one-command file.
      for (const argv of [["--help"], ["topology", "samples/4node"]]) {
        expect(run(argv, "full", "pipe")).to.deep.equal({ status: 2, stderr: "numakit: cannot write <stdout>: no space left on device\n" });
      }
      // Nowhere to say it: the exit code still tells (2: unusable input; 2: stdout refused).
      expect(run(["topology", "/nonexistent"], "pipe", "full").status).to.equal(2);
      expect(run(["topology", "samples/4node"], "full", "full").status).to.equal(2);
      expect(run(["validate", "samples/4node"], "pipe", "full").status).to.equal(0);
    });
  });

  describe("outputError(): the reason in words for each errno", () => {
    const cases: [string, string][] = [
      ["EACCES", "permission denied"], ["EPERM", "permission denied"], ["EISDIR", "is a directory"],
      ["ENOENT", "no such directory"], ["ENOTDIR", "a parent is not a directory"], ["EROFS", "read-only file system"],
      ["ENOSPC", "no space left on device"],
    ];
    for (const [code, words] of cases) {
      it(`${code} → "${words}"`, () => {
        const e = outputError("/srv/out", nodeError(code, "open", "/srv/out", "whatever Node says"));
        expect(e).to.be.instanceOf(InputError);
        expect([e.code, e.exitCode, e.oneLine()]).to.deep.equal([E_OUTPUT, 2, `cannot write /srv/out: ${words}`]);
      });
    }

    it("an errno not in the table: Node's words without the code; no code at all: \"write failed\"", () => {
      expect(outputReason(nodeError("ECONNRESET", "write", "/x", "connection reset by peer"))).to.equal("connection reset by peer");
      expect(outputReason(new Error("something"))).to.equal("write failed");
      expect(outputReason("a string")).to.equal("write failed");
    });

    it("a file inside OUT is named in parentheses; control characters in names are shown escaped", () => {
      expect(outputError("o", new NotADirectoryError("o/text")).oneLine()).to.equal("cannot write o (o/text): exists and is not a directory");
      expect(outputError("a\u001b[2Jb", nodeError("EACCES", "open", "a\u001b[2Jb", "permission denied")).oneLine()).to.equal("cannot write a\\x1B[2Jb: permission denied");
    });

    it("numakit's own errors pass unchanged", () => {
      const u = new UsageError("bad");
      expect(outputError("o", u)).to.equal(u);
    });
  });
});
