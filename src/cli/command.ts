import type { Argv } from "yargs";

/** One CLI command. `run` returns the exit code; it must not call process.exit(). */
export interface Command {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (args: Record<string, unknown>) => Promise<number>;
}
