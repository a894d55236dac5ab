/**
 * numakit command line. Each command lives in src/cli/commands/<name>.ts and exports a yargs
 * CommandModule; this file only wires them and maps errors to exit codes:
 *   0 ok, 1 findings (validation errors, failed expectations), 2 bad usage or unreadable input.
 */
import yargs from "yargs";
import { NumakitError, UsageError } from "../errors.js";
import { protectStdinArg } from "./args.js";
import { commands } from "./commands/index.js";
import { processIo, type CliIo } from "./io.js";

/**
 * Runs one command line in-process. Everything it prints goes to `io` (help and --version
 * included: yargs hands them to the parse callback instead of console.log), so tests and embedders
 * capture it without spawning a process.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const parser = yargs()
    .scriptName("numakit")
    .usage("$0 <command> [options]\n\nDecode ACPI NUMA tables, derive the topology Linux and Xen would use, and simulate Xen's NUMA memory placement.")
    .strict()
    .demandCommand(1, "name a command")
    .epilogue("SOURCE is a table file, a directory of them (sysfs, acpidump -b), acpidump text, or - for stdin; none: this host's /sys/firmware/acpi/tables (root).\n\nExit codes: 0 ok; 1 findings (a table with errors, validation errors, --table matching nothing, failed sim expectations); 2 bad usage or unusable input.\n\n'numakit <command> --help' describes each command.")
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, io.columns ?? 110))
    .fail((msg: string | null, err: Error | undefined) => {
      // Throwing stops yargs before it runs the handler: a missing required option must not run the command.
      if (err !== undefined) throw err;
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): errors are one line.
      throw new UsageError(`${(msg ?? "bad usage").replace(/\s*\n\s*/g, " ")} (see numakit --help)`);
    })
    .exitProcess(false);
  for (const c of commands) {
    parser.command({
      command: c.command,
      describe: c.describe,
      builder: c.builder,
      handler: async (args: Record<string, unknown>) => { exitCode = await c.run(args, io); },
    });
  }
  try {
    let output = "";
    await parser.parseAsync(protectStdinArg(argv), {}, (_err: unknown, _args: unknown, out: string) => { output = out; });
    if (output !== "") io.stdout.write(`${output}\n`);
  } catch (err) {
    if (err instanceof NumakitError) {
      io.stderr.write(`numakit: ${err.oneLine()}\n`);
      return err.exitCode;
    }
    throw err;
  }
  return exitCode;
}

