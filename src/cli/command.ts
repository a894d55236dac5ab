import type { Argv } from "yargs";
import type { CliIo } from "./io.js";

/** What a command does: its options and its run. Lives in src/cli/commands/<name>.ts, loaded on use. */
export interface CommandImpl {
  builder: (y: Argv) => Argv;
  /** Returns the exit code; must not call process.exit(). */
  run: (args: Record<string, unknown>, io: CliIo) => Promise<number>;
}

/** One CLI command as the dispatcher and --help know it (src/cli/commands/index.ts). */
export interface Command {
  /** yargs command string: the name, then positionals. */
  command: string;
  /**
   * What a missing required positional is, for "sim needs a SCENARIO file"; a list when there are
   * several, indexed by how many were given ("diff needs a second SOURCE, B").
   */
  needs?: string | readonly string[];
  describe: string;
  /** The command's module, by dynamic import(): only the command that runs is loaded. */
  load: () => Promise<CommandImpl>;
}
