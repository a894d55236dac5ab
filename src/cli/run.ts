#!/usr/bin/env node
/** Process entry point (bin/numakit loads this): runs main() and sets the exit code without exiting early. */
import { hideBin } from "yargs/helpers";
import { main } from "./main.js";

try {
  process.exitCode = await main(hideBin(process.argv));
} catch (err) {
  // A bug, not bad input: still one line, with a hint to report it.
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`numakit: internal error: ${msg} (please report this with the input that caused it)\n`);
  if (process.env["NUMAKIT_DEBUG"] === "1" && err instanceof Error) process.stderr.write(`${err.stack ?? ""}\n`);
  process.exitCode = 70;
}
