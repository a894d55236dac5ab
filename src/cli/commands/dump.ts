import { mkdir, stat, writeFile } from "../../util/fs-async.js";
import { dirname, join } from "node:path";
import { formatAcpidump } from "../../acpi/sources/acpidump-writer.js";
import { sysfsNames } from "../../acpi/sources/sysfs-names.js";
import { NotADirectoryError, writingTo } from "../output-error.js";
import { sourcesOf, tableFilterOf, withSources, withTableFilter } from "../args.js";
import type { CommandImpl } from "../command.js";
import { write } from "../output.js";
import { chooseTables, loadSomeTables, reportSourceDiagnostics, reportTruncated } from "../sources.js";

/** `numakit dump`: any source as ACPICA acpidump text (what `acpidump` prints; acpixtract reads it). */
export const dump: CommandImpl = {
  builder: (y) => withTableFilter(withSources(y))
    .example("$0 dump samples/4node > 4node.txt", "a directory of binaries as one acpidump text file"),
  run: async (args, io) => {
    const { tables, diagnostics } = await loadSomeTables(sourcesOf(args), io);
    const damaged = reportSourceDiagnostics(diagnostics, io);
    const chosen = chooseTables(tables, tableFilterOf(args), io);
    if (chosen === undefined) return 1;
    await write(formatAcpidump(chosen), io.stdout);
    const truncated = reportTruncated(chosen, io);
    return damaged || truncated ? 1 : 0;
  },
};

function errnoOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String(err.code) : undefined;
}

/**
 * mkdir -p, one level at a time. Node's own `recursive: true` spins forever where the parent exists
 * but refuses the entry with ENOENT (e.g. under /proc), and a user must never see a hang.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = errnoOf(err);
    if (code === "EEXIST") {
      if (!(await stat(dir)).isDirectory()) throw new NotADirectoryError(dir);
      return;
    }
    const parent = dirname(dir);
    if (code !== "ENOENT" || parent === dir || (await stat(parent).then(() => true, () => false))) throw err;
    await makeDirectory(parent);
    await mkdir(dir);
  }
}

/**
 * `numakit extract`: tables to binary files, named like /sys/firmware/acpi/tables (SRAT, SSDT1,
 * SSDT2, ...: repeated signatures are numbered from 1, unique ones are not).
 */
export const extract: CommandImpl = {
  builder: (y) => withTableFilter(withSources(y))
    .option("out", { alias: "o", type: "string", demandOption: true, requiresArg: true, describe: "directory to write into (created)" })
    .example("$0 extract dump.txt --out tables/", "then: numakit decode tables/"),
  run: async (args, io) => {
    const out = String(args["out"]);
    const { tables, diagnostics } = await loadSomeTables(sourcesOf(args), io);
    const damaged = reportSourceDiagnostics(diagnostics, io);
    const names = sysfsNames(tables.map((t) => t.signature));
    const named = tables.map((t, i) => ({ signature: t.signature, bytes: t.bytes, source: t.source, name: names[i] ?? t.signature }));
    const chosen = chooseTables(named, tableFilterOf(args), io);
    if (chosen === undefined) return 1;
    // Failures of the output are one line naming OUT (output-error.ts); the list goes to stdout after.
    await writingTo(out, async () => {
      await makeDirectory(out);
      for (const t of chosen) await writeFile(join(out, t.name), t.bytes);
    });
    for (const t of chosen) await write(`${join(out, t.name)} (${t.bytes.length} bytes)\n`, io.stdout);
    const truncated = reportTruncated(chosen, io);
    return damaged || truncated ? 1 : 0;
  },
};
