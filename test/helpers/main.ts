/** The CLI in-process: main(argv, io) with captured stdout/stderr and a given stdin. */
import { Readable, Writable } from "node:stream";
import { cliMain } from "./cli.js";

export interface MainResult { code: number; stdout: string; stderr: string }

function sink(into: (s: string) => void): Writable {
  return new Writable({ write(chunk: Buffer | string, _enc, cb) { into(String(chunk)); cb(); } });
}

export async function runMain(argv: string[], opts: { stdin?: string | Uint8Array } = {}): Promise<MainResult> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: sink((s) => { stdout += s; }),
    stderr: sink((s) => { stderr += s; }),
    stdin: Readable.from(opts.stdin === undefined ? [] : [typeof opts.stdin === "string" ? Buffer.from(opts.stdin) : opts.stdin]),
  };
  // main() as an ES module, one graph with the commands it loads (see cliMain).
  const code = await (await cliMain())(argv, io);
  return { code, stdout, stderr };
}
