/**
 * Every CLI command, in the order `--help` lists them: its syntax and description (all that
 * `numakit --help` and the dispatcher need), and where the rest lives. A command's module (its
 * options and what it does, with everything it imports) is loaded by dynamic import() only when
 * that command runs, so each command loads only what it uses and `--help` loads none of them.
 */
import type { Command } from "../command.js";

export const commands: Command[] = [
  {
    command: "decode [source..]",
    describe: "Decode ACPI tables field by field (iasl -d layout, or JSON). SOURCE: table file, directory, acpidump text, or - (default: /sys/firmware/acpi/tables)",
    load: async () => (await import("./decode.js")).decode,
  },
  {
    command: "dump [source..]",
    describe: "Print tables as acpidump text (from binaries, directories, other dumps, or this host)",
    load: async () => (await import("./dump.js")).dump,
  },
  {
    command: "extract [source..]",
    describe: "Write each table as a binary file named as in /sys/firmware/acpi/tables (like acpixtract -a)",
    load: async () => (await import("./dump.js")).extract,
  },
  {
    command: "namespace [source..]",
    describe: "List devices with _PXM/_SLI (or every device) from the DSDT/SSDT AML: ids, proximity, distances, static or dynamic",
    load: async () => (await import("./namespace.js")).namespace,
  },
  {
    command: "topology [source..]",
    describe: "The NUMA topology Linux/Xen derive from the tables: numactl --hardware layout, then nodes, CPUs, memory, distances, HMAT, findings and verdicts",
    load: async () => (await import("./topology.js")).topology,
  },
  {
    command: "validate [source..]",
    describe: "Check SRAT/SLIT/HMAT/MSCT/MADT (fwts's checks, Linux's and Xen's conditions, cross-table rules) and say what Linux and Xen will use. Exit 1 on errors (--strict: on warnings too)",
    load: async () => (await import("./validate.js")).validate,
  },
  {
    command: "report [source..]",
    describe: "One self-contained HTML file for the host: topology picture, distance and HMAT heat maps, findings and verdicts, tables, numactl block",
    load: async () => (await import("./report.js")).report,
  },
  {
    command: "scan <path..>",
    needs: "a PATH (acpidump text, a table directory, or a tree of them)",
    describe: "Scan a fleet of dumps (files and directory trees; each dump or table directory is one host) in a worker-thread pool: one row per host, then a summary",
    load: async () => (await import("./scan.js")).scan,
  },
  {
    command: "diff <a> <b>",
    needs: ["two SOURCEs, A and B", "a second SOURCE, B"],
    describe: "Compare what the OS builds from two sources (before/after a firmware update, two hosts): nodes, CPUs, memory, distances, HMAT, findings, verdicts, then table headers. Exit 0 identical topology, 1 different",
    load: async () => (await import("./diff.js")).diff,
  },
  {
    command: "synth [desc]",
    describe: "ACPI tables (SRAT, SLIT, HMAT, MADT) from a topology description or another host, and the QEMU command line that boots Linux on them",
    load: async () => (await import("./synth.js")).synth,
  },
  {
    command: "sim <scenario>",
    needs: "a SCENARIO file",
    describe: "Run a Xen NUMA memory scenario (JSON) on the simulated hypervisor",
    load: async () => (await import("./sim.js")).simCommand,
  },
];
