import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const sharedSamples = join(repoRoot, "..", "shared", "samples");

const tsxLoader = pathToFileURL(join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Run the CLI from source (through tsx) in a child process, as a user would. */
export function runCli(args: string[], opts: { input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // tsx by absolute URL, so tests may run the CLI from any working directory.
    const child = spawn(process.execPath, ["--import", tsxLoader, join(repoRoot, "src", "cli", "run.ts"), ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => { resolve({ code, stdout, stderr }); });
    if (opts.input !== undefined) child.stdin.end(opts.input); else child.stdin.end();
  });
}
