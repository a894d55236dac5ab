import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadSources } from "../../acpi/index.js";
import { formatAcpidump } from "../../acpi/sources/acpidump-writer.js";
import { InputError } from "../../errors.js";
import { sourcesOf, tableFilterOf, withSources, withTableFilter } from "../args.js";
import type { Command } from "../command.js";
import { write } from "../output.js";

function selected(args: Record<string, unknown>, tables: { signature: string }[]): number[] {
  const only = tableFilterOf(args);
  return tables.flatMap((t, i) => (only === undefined || only.includes(t.signature.toUpperCase()) ? [i] : []));
}

/** `numakit dump`: any source as ACPICA acpidump text (what `acpidump` prints; acpixtract reads it). */
export const dump: Command = {
  command: "dump [source..]",
  describe: "Print tables as acpidump text (from binaries, directories, other dumps, or this host)",
  builder: (y) => withTableFilter(withSources(y))
    .example("$0 dump samples/4node > 4node.txt", "a directory of binaries as one acpidump text file"),
  run: async (args) => {
    const { tables } = await loadSources(sourcesOf(args));
    await write(formatAcpidump(selected(args, tables).map((i) => tables[i]).filter((t) => t !== undefined)));
    return 0;
  },
};

/**
 * `numakit extract`: tables to binary files, named like /sys/firmware/acpi/tables (SRAT, SSDT1,
 * SSDT2, ...: repeated signatures are numbered from 1, unique ones are not).
 */
export const extract: Command = {
  command: "extract [source..]",
  describe: "Write each table as a binary file named as in /sys/firmware/acpi/tables (like acpixtract -a)",
  builder: (y) => withTableFilter(withSources(y))
    .option("out", { alias: "o", type: "string", demandOption: true, describe: "directory to write into (created)" })
    .example("$0 extract dump.txt --out tables/", "then: numakit decode tables/"),
  run: async (args) => {
    const out = String(args["out"]);
    const { tables } = await loadSources(sourcesOf(args));
    const counts = new Map<string, number>();
    for (const t of tables) counts.set(t.signature, (counts.get(t.signature) ?? 0) + 1);
    const seen = new Map<string, number>();
    const names = tables.map((t) => {
      const n = (seen.get(t.signature) ?? 0) + 1;
      seen.set(t.signature, n);
      const safe = t.signature.replace(/[^A-Za-z0-9_]/g, "_");
      return (counts.get(t.signature) ?? 0) > 1 ? `${safe}${n}` : safe;
    });
    try {
      await mkdir(out, { recursive: true });
      for (const i of selected(args, tables)) {
        const t = tables[i];
        const name = names[i];
        if (t === undefined || name === undefined) continue;
        await writeFile(join(out, name), t.bytes);
        await write(`${join(out, name)} (${t.bytes.length} bytes)\n`);
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError("E_OUTPUT", `cannot write: ${err instanceof Error ? err.message : String(err)}`, { file: out }, { cause: err });
    }
    return 0;
  },
};
