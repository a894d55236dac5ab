/**
 * Process entry point (bin/numakit loads this): runs main() and sets the exit code without exiting
 * early. No top-level await: the one-command bundles are CommonJS (scripts/build.mjs).
 */
import { hideBin } from "yargs/helpers";
import { main } from "./main.js";

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  // A bug, not bad input: still one line, with a hint to report it.
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`numakit: internal error: ${msg} (please report this with the input that caused it)\n`);
  if (process.env["NUMAKIT_DEBUG"] === "1" && err instanceof Error) process.stderr.write(`${err.stack ?? ""}\n`);
  process.exitCode = 70;
});
