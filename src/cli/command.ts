import type { Argv } from "yargs";
import type { CliIo } from "./io.js";

/** One CLI command. `run` returns the exit code; it must not call process.exit(). */
export interface Command {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (args: Record<string, unknown>, io: CliIo) => Promise<number>;
}
