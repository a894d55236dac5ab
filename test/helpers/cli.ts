/**
 * Running the CLI in tests. runCli() runs `main(argv, io)` in-process with captured streams (fast:
 * no process, no tsx start-up per run); runBin() spawns the real bin/numakit for the few smoke
 * tests that must see a process (exit status, pipes, the working directory).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { repoRoot } from "./paths.js";

export { repoRoot };

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** A Writable that keeps what is written, as text. */
class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    done();
  }
  text(): string { return Buffer.concat(this.chunks).toString("utf8"); }
}

export interface RunOptions {
  /** What a SOURCE of "-" reads (default: nothing, as from /dev/null). */
  stdin?: string | Uint8Array;
  /** Terminal width for help text (default: not a terminal). */
  columns?: number;
}

/**
 * main(), imported as an ES module. mocha loads the tests through require(), so a static import
 * would give main.ts and errors.ts their CommonJS instances while the commands main() loads by
 * dynamic import() get the ES-module ones: an InputError from a command would not be an instance
 * of main()'s NumakitError. Importing main the way bin/numakit does keeps one module graph.
 */
let mainPromise: Promise<typeof import("../../src/cli/main.js").main> | undefined;
export function cliMain(): Promise<typeof import("../../src/cli/main.js").main> {
  mainPromise ??= import("../../src/cli/main.js").then((m) => m.main);
  return mainPromise;
}

/**
 * Run `numakit ...argv` in-process: main() with captured stdout/stderr and the given stdin.
 * A bug (anything main() throws instead of returning an exit code) fails the test with its stack.
 */
export async function runCli(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const input = opts.stdin;
  const stdin: Uint8Array[] = input === undefined ? [] : [typeof input === "string" ? Buffer.from(input) : input];
  const code = await (await cliMain())(argv, { stdout, stderr, stdin: Readable.from(stdin), columns: opts.columns });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export interface BinOptions { stdin?: string; cwd?: string; env?: Record<string, string> }

function withoutCoverage(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_V8_COVERAGE: _coverage, ...rest } = env;
  return rest;
}

/** The newest modification time of any file under `dir` (staleness of a build against its sources). */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * bin/numakit runs dist/ whenever it exists (no staleness check at start-up); the tests must see
 * the sources as they are, so a build older than any file in src/ is bypassed with
 * NUMAKIT_FROM_SOURCE=1. Decided once per test run.
 */
let fromSource: boolean | undefined;
/** Whether bin/numakit runs the sources in the tests: no CLI bundle, or one older than src/. */
export function binFromSource(): boolean {
  if (fromSource === undefined) {
    const built = join(repoRoot, "dist", "cli", "bundle", "numakit.js");
    fromSource = !existsSync(built) || statSync(built).mtimeMs < newestMtime(join(repoRoot, "src"));
  }
  return fromSource;
}

/** The environment of a bin/numakit child: no coverage collection (see runBin), no inherited --import. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Deleting NODE_V8_COVERAGE is not enough: Node's child_process copies it back into a child's
  // env unless the key is present, so it is set empty (no collection).
  return { ...withoutCoverage(process.env), NODE_V8_COVERAGE: "", NODE_OPTIONS: "", ...(binFromSource() ? { NUMAKIT_FROM_SOURCE: "1" } : {}), ...extra };
}

/** Run the real `bin/numakit` in a child process, as a user would. */
export function runBin(argv: string[], opts: BinOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "numakit"), ...argv], {
      cwd: opts.cwd ?? repoRoot,
      // No NODE_V8_COVERAGE: c8 would merge the child's coverage of whatever bin/numakit ran (dist/,
      // or src/ through a second tsx instance) into the in-process run's, and skew the numbers.
      env: childEnv(opts.env),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => { resolve({ code, stdout, stderr }); });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin); else child.stdin.end();
  });
}
