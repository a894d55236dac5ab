/**
 * `numakit synth DESC [--out DIR] [--qemu q35|pc|virt]` and `numakit synth --from SOURCE [--scale-memory F]`:
 * ACPI tables from a topology description (or from an existing host's tables), checked with
 * numakit's own validate, and the QEMU command line that boots Linux on them. Exit 0 ok, 1 when
 * the tables have validation errors, 2 for a bad description or unusable input.
 */
import { writeFile } from "../../util/fs-async.js";
import { join, resolve } from "node:path";
import { analyse, analyseSources } from "../../analyse.js";
import { decodeTable, formatAcpidump, type RawTable } from "../../acpi/index.js";
import { UsageError } from "../../errors.js";
import { descriptionFromTopology, MACHINES, parseDescription, qemuCommand, synthesize, type Description, type Machine } from "../../synth/index.js";
import type { CommandImpl } from "../command.js";
import { readJsonInput } from "../json-input.js";
import { writingTo } from "../output-error.js";
import { toJson, write } from "../output.js";
import { makeDirectory } from "./dump.js";
import { cpioArchive } from "../../util/cpio.js";
import type { CliIo } from "../io.js";
import { oneLineText } from "../../util/escape.js";
import { formatDiagnosticLine } from "../../report/diagnostic-line.js";


function machineOf(args: Record<string, unknown>): Machine | undefined {
  const m = args["qemu"];
  if (m === undefined) return undefined;
  if (!MACHINES.includes(m as Machine)) throw new UsageError(`--qemu must be ${MACHINES.join(" or ")}, not ${JSON.stringify(m)}`);
  return m as Machine;
}

function scaleOf(args: Record<string, unknown>): number | undefined {
  const s = args["scale-memory"];
  if (s === undefined) return undefined;
  if (typeof s !== "number" || !Number.isFinite(s) || s <= 0 || s > 1024) throw new UsageError(`--scale-memory must be a number above 0 (e.g. 0.01), not ${JSON.stringify(s)}`);
  return s;
}

async function describe(args: Record<string, unknown>, io: CliIo): Promise<{ desc: Description; json: unknown; file: string }> {
  const from = args["from"];
  const file = typeof args["desc"] === "string" ? args["desc"] : undefined;
  const scale = scaleOf(args);
  if (from !== undefined) {
    if (file !== undefined) throw new UsageError("give a description file or --from SOURCE, not both");
    const sources = (Array.isArray(from) ? from : [from]).map(String);
    const { topology } = await analyseSources(sources, {}, { stdin: io.stdin });
    const { description, notes } = descriptionFromTopology(topology, { sizes: true, ...(scale === undefined ? {} : { scaleMemory: scale }), source: sources.join(", ") });
    // The sources' names (and a note quoting one) are shown on one line, controls as \xNN.
    for (const n of notes) io.stderr.write(`numakit: ${oneLineText(`${sources.join(", ")}: ${n}`)}\n`);
    return { desc: parseDescription(description, { file: sources.join(", ") }), json: description, file: sources.join(", ") };
  }
  if (scale !== undefined) throw new UsageError("--scale-memory applies to --from SOURCE (a description gives its own sizes)");
  if (file === undefined) throw new UsageError("name a description file (or - for stdin), or give --from SOURCE (see numakit synth --help)");
  // Read errors and JSON syntax errors as `sim` reports them: one line, file:line:column, the YAML hint.
  const { json, name } = await readJsonInput(file, io.stdin, "descriptions", "E_DESC");
  return { desc: parseDescription(json, { file: name }), json, file: name };
}

export const synth: CommandImpl = {
  builder: (y) => y
    .positional("desc", { type: "string", describe: "topology description (JSON, schema/desc.schema.json), or - for stdin" })
    .option("from", { type: "string", array: true, describe: "describe an existing host instead (SOURCE: dump, table directory, ...)" })
    .option("out", { alias: "o", type: "string", describe: "directory for SRAT, SLIT, HMAT, APIC, tables.acpidump.txt (also text/acpidump.txt), desc.json, and for virt acpi-tables.cpio (without it: acpidump text on stdout)" })
    .option("qemu", { choices: [...MACHINES], describe: "QEMU machine whose RAM layout sizes are placed in (default: the description's, else q35)" })
    .option("scale-memory", { type: "number", describe: "with --from: multiply each node's memory by F (e.g. 0.01)" })
    .example("$0 synth host.json --out vm/", "tables in vm/ and the qemu-system-x86_64 command that boots them")
    .example("$0 synth host.json --qemu virt --out vm/", "arm64: GICC CPUs, RAM from 1 GiB, vm/acpi-tables.cpio for the initrd, and the qemu-system-aarch64 command")
    .example("$0 synth --from dump.txt --scale-memory 0.01 --out vm/", "a VM with a production host's NUMA layout, 1% of its memory"),
  run: async (args, io) => {
    const { desc, json, file } = await describe(args, io);
    const { host, tables } = synthesize(desc, machineOf(args), { file });
    const raw: RawTable[] = tables.map((t) => ({ signature: t.signature, bytes: t.bytes, source: { file, name: t.signature } }));
    const decoded = raw.map(decodeTable);
    const { validation } = analyse(decoded);
    const errors = validation.diagnostics.filter((d) => d.severity === "error");
    for (const e of errors) io.stderr.write(`numakit: ${formatDiagnosticLine(e, "exit", file)}\n`);
    const out = typeof args["out"] === "string" ? args["out"] : undefined;
    if (out === undefined) {
      await write(formatAcpidump(raw), io.stdout);
      return errors.length > 0 ? 1 : 0;
    }
    const written: string[] = [];
    const qemu = qemuCommand(host, tables.filter((t) => t.signature !== "APIC").map((t) => resolve(out, t.signature)));
    // virt: Linux's initrd table upgrade reads kernel/firmware/acpi/*.aml from an uncompressed cpio at the start of the initrd.
    const viaInitrd = host.machine === "virt";
    await writingTo(out, async () => {
      await makeDirectory(out);
      for (const t of tables) { await writeFile(join(out, t.signature), t.bytes); written.push(join(out, t.signature)); }
      // A table directory read as a SOURCE passes over tables.acpidump.txt when it holds binaries, and
      // over subdirectories, so neither copy of the text is read twice.
      const text = formatAcpidump(raw);
      await writeFile(join(out, "tables.acpidump.txt"), text);
      await makeDirectory(join(out, "text"));
      await writeFile(join(out, "text", "acpidump.txt"), text);
      await writeFile(join(out, "desc.json"), `${toJson(json)}\n`);
      written.push(join(out, "tables.acpidump.txt"), join(out, "text", "acpidump.txt"), join(out, "desc.json"));
      if (viaInitrd) {
        const dirs = ["kernel", "kernel/firmware", "kernel/firmware/acpi"].map((name) => ({ name, directory: true }));
        const files = tables.filter((t) => t.signature !== "APIC").map((t) => ({ name: `kernel/firmware/acpi/${t.signature}.aml`, data: t.bytes }));
        await writeFile(join(out, "acpi-tables.cpio"), cpioArchive([...dirs, ...files]));
        written.push(join(out, "acpi-tables.cpio"));
      }
    });
    const lines = written.map((w) => `wrote ${w}`);
    if (qemu === undefined) lines.push(`no QEMU command line: ${host.qemuProblems.join("; ")}`);
    else if (qemu.tablesVia === "initrd") {
      const cpio = resolve(out, "acpi-tables.cpio");
      lines.push(
        `boot with an initrd that starts with ${cpio} (QEMU's virt has no -acpitable; Linux installs the tables from it, CONFIG_ACPI_TABLE_UPGRADE):`,
        `  cat ${cpio} initrd.img > numa-initrd.img   then add -kernel Image -initrd numa-initrd.img -append ...`,
        "UEFI firmware: edk2 newer than 2022.11 (2025.02 works; 2022.11 reports a flash bank as memory that no SRAT range covers, and Linux drops NUMA); APIC is not passed: QEMU's own MADT has these CPUs:",
        qemu.line,
      );
    } else lines.push(...qemu.notes, "boot with (add -kernel/-initrd/-append; APIC is not passed: QEMU's own MADT has these CPUs):", qemu.line);
    await write(`${lines.join("\n")}\n`, io.stdout);
    return errors.length > 0 ? 1 : 0;
  },
};
