/**
 * numakit command line. Each command is listed in src/cli/commands/index.ts and lives in
 * src/cli/commands/<name>.ts (its options and run), loaded only when it runs; this file only wires
 * them and maps errors to exit codes:
 *   0 ok, 1 findings (validation errors, failed expectations), 2 bad usage or unreadable input.
 */
import yargs, { type Argv } from "yargs";
import { NumakitError, UsageError } from "../errors.js";
import { protectStdinArg, restoreStdinArgs } from "./args.js";
import type { Command, CommandImpl } from "./command.js";
import { commands } from "./commands/index.js";
import { processIo, type CliIo } from "./io.js";
import { write, WriteError } from "./output.js";
import { outputError, STDOUT_NAME } from "./output-error.js";
import { commandOf, unknownCommand, usageMessage, type UsageContext } from "./usage.js";

function nameOf(c: Command): string {
  return c.command.split(" ")[0] ?? c.command;
}

/** Words yargs itself answers before any command (shell completion). */
const BUILT_IN = ["completion", "--get-yargs-completions"];

/**
 * The modules this command line needs: the command it names (for its options, its --help and its
 * run), or every command for shell completion (which asks each for its options); none for
 * `--help`, `--version` or an unknown command.
 */
async function modulesFor(argv: readonly string[]): Promise<Map<Command, CommandImpl>> {
  const named = commandOf(argv);
  const wanted = argv.some((a) => BUILT_IN.includes(a)) ? commands : commands.filter((c) => nameOf(c) === named);
  return new Map(await Promise.all(wanted.map(async (c) => [c, await c.load()] as const)));
}

/**
 * yargs renders the command's whole help text after starting its handler, in case a later
 * failure wants it (command.js handleValidationAndGetResult → usage.cacheHelpMessage). numakit's
 * failures never print yargs' help (see .fail below), and the rendering, with cliui measuring
 * every string, cost more CPU than decoding and analysing a dump: it is skipped. --help still
 * renders it (usage.help()), as before.
 */
function skipHelpCache(parser: Argv): void {
  const internal = parser as unknown as { getInternalMethods?: () => { getUsageInstance: () => { cacheHelpMessage: () => void } } };
  const usage = internal.getInternalMethods?.().getUsageInstance();
  if (usage !== undefined) usage.cacheHelpMessage = () => undefined;
}

/**
 * Runs one command line in-process. Everything it prints goes to `io` (help and --version
 * included: yargs hands them to the parse callback instead of console.log), so tests and embedders
 * capture it without spawning a process.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const ctx: UsageContext = {
    argv,
    commands: commands.map(nameOf),
    needs: new Map(commands.flatMap((c) => (c.needs === undefined ? [] : [[nameOf(c), c.needs] as const]))),
  };
  const parser = yargs()
    .scriptName("numakit")
    .usage("$0 <command> [options]\n\nDecode ACPI NUMA tables, derive the topology Linux and Xen would use, and simulate Xen's NUMA memory placement.")
    .strict()
    .demandCommand(1, "name a command")
    .epilogue("SOURCE is a table file, a directory of them (sysfs, acpidump -b), acpidump text, or - for stdin; none: this host's /sys/firmware/acpi/tables (root).\n\nExit codes: 0 ok; 1 findings (a table with errors, validation errors, --table matching nothing, failed sim expectations); 2 bad usage or unusable input.\n\n'numakit <command> --help' describes each command.")
    .completion("completion", "print a shell completion script (bash, zsh): numakit completion >> ~/.bashrc")
    .help()
    .version()
    .wrap(Math.min(110, io.columns ?? 110))
    .fail((msg: string | null, err: Error | undefined) => {
      // Throwing stops yargs before it runs the handler: a missing required option must not run the command.
      // yargs' own validation errors (YError: "Not enough arguments following: table") are usage errors too.
      if (err !== undefined && err.name !== "YError") throw err;
      if (err !== undefined) msg = err.message;
      throw new UsageError(usageMessage(msg ?? "bad usage", ctx));
    })
    .exitProcess(false);
  skipHelpCache(parser);
  try {
    const unknown = unknownCommand(ctx, BUILT_IN);
    if (unknown !== undefined) throw new UsageError(unknown);
    const loaded = await modulesFor(argv);
    for (const c of commands) {
      const impl = loaded.get(c);
      parser.command({
        command: c.command,
        describe: c.describe,
        // A command not loaded is only listed (top-level --help); yargs runs only the one named.
        builder: impl?.builder ?? ((y: Argv) => y),
        handler: async (args: Record<string, unknown>) => { exitCode = await (impl ?? await c.load()).run(restoreStdinArgs(args), io); },
      });
    }
    let output = "";
    await parser.parseAsync(protectStdinArg(argv), {}, (_err: unknown, _args: unknown, out: string) => { if (out !== "") output = out; });
    // Help and --version, written as reports are (a full disk is an error, not a crash).
    if (output !== "") await write(`${output}\n`, io.stdout);
  } catch (caught) {
    // A report that stdout refused (a full disk, /dev/full) is unusable output, not a bug.
    const err = caught instanceof WriteError && caught.stream === io.stdout ? outputError(STDOUT_NAME, caught) : caught;
    if (err instanceof NumakitError) {
      io.stderr.write(`numakit: ${err.oneLine()}\n`);
      return err.exitCode;
    }
    throw err;
  }
  return exitCode;
}

