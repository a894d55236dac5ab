/** Shared options of the commands that read ACPI sources: declared once, parsed once. */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { DEFAULT_KERNEL, kernelText, parseKernel, type KernelVersion } from "../topology/kernel.js";
import { defaultJobs } from "../util/jobs.js";

const SOURCE_HELP = "table binary, directory (sysfs / acpidump -b), acpidump text, or - (default: /sys/firmware/acpi/tables)";

/** The SOURCE.. positional every table-reading command takes. */
export function withSources(y: Argv): Argv {
  return y.positional("source", { type: "string", array: true, describe: SOURCE_HELP });
}

/** --format text|json (plus any extra formats a command offers). */
export function withFormat(y: Argv, extra: readonly string[] = []): Argv {
  return y.option("format", { alias: "f", choices: ["text", "json", ...extra], default: "text", requiresArg: true, describe: "output format" });
}

/**
 * --table SIG[,SIG..], repeatable. Not a yargs array: an array option takes every word after it,
 * so `--table SLIT dump.txt` would read the file name as a signature, and `--table APIC APIC` would
 * leave no SOURCE and read this host's tables instead of ./APIC.
 */
export function withTableFilter(y: Argv): Argv {
  return y.option("table", { alias: "t", type: "string", requiresArg: true, describe: "only these signatures: --table SRAT,SLIT or --table SRAT --table SLIT" });
}

export type Format = "text" | "json";

export function formatOf(args: Record<string, unknown>): Format {
  const f = args["format"] ?? "text";
  if (f !== "text" && f !== "json") throw new UsageError(`--format must be text or json, not ${JSON.stringify(f)}`);
  return f;
}

/**
 * yargs-parser drops a lone "-" (it reads it as an empty short-option group), so main() swaps it for
 * this placeholder before parsing and, in every parsed argument, back (restoreStdinArgs): commands
 * only ever see "-".
 */
const STDIN_PLACEHOLDER = "\u0000stdin";

/** The "-" argument survives yargs only as STDIN_PLACEHOLDER (see there). */
export function protectStdinArg(argv: readonly string[]): string[] {
  return argv.map((a) => (a === "-" ? STDIN_PLACEHOLDER : a));
}

/**
 * The parsed command line with every STDIN_PLACEHOLDER back as "-": an option's value too
 * (`--out -`, `--kernel -`, `--seeds -`), which commands showed as "\x00stdin" in messages and
 * used as a file name. main() hands commands their arguments through this.
 */
export function restoreStdinArgs(args: Record<string, unknown>): Record<string, unknown> {
  const back = (v: unknown): unknown => (v === STDIN_PLACEHOLDER ? "-" : Array.isArray(v) ? v.map(back) : v);
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, back(v)]));
}

export function sourcesOf(args: Record<string, unknown>): string[] {
  const s = args["source"];
  return Array.isArray(s) ? s.map(String) : [];
}

/** "--table SRAT,slit --table HMAT" -> ["SRAT", "SLIT", "HMAT"]. */
export function tableFilterOf(args: Record<string, unknown>): string[] | undefined {
  const t = args["table"];
  if (t === undefined) return undefined;
  const list = (Array.isArray(t) ? t : [t]).flatMap((x) => String(x).split(",")).map((x) => x.trim().toUpperCase()).filter((x) => x !== "");
  for (const sig of list) if (sig.length !== 4) throw new UsageError(`--table takes 4-character signatures (e.g. SRAT,SLIT), not "${sig}"`);
  return list.length > 0 ? list : undefined;
}

/** --kernel X.Y: the Linux version whose rules apply where they changed (CXL windows, tiers). */
export function withKernel(y: Argv): Argv {
  return y.option("kernel", {
    type: "string", default: kernelText(DEFAULT_KERNEL),
    describe: "Linux version for rules that changed: CXL window nodes (5.17, 6.7), Generic Ports (6.8), memory tiers (6.1, 6.7, 6.10)",
  });
}

export function kernelOf(args: Record<string, unknown>): KernelVersion {
  const k = args["kernel"];
  if (k === undefined) return DEFAULT_KERNEL;
  if (typeof k !== "string") throw new UsageError("--kernel takes one Linux version such as 6.1 or 6.12");
  return parseKernel(k);
}

/** Most worker threads `--jobs` takes: far above any host's CPUs, low enough to catch a typo. */
export const MAX_JOBS = 1024;

/**
 * --jobs N / -j N (`scan`, `sim --seeds`). Declared as a string, not a yargs number: a number
 * option turns `--jobs abc` into NaN, and the message could only say "not null".
 */
export function withJobs(y: Argv, describe: string): Argv {
  return y.option("jobs", { alias: "j", type: "string", requiresArg: true, describe });
}

/** The --jobs value (default: one per CPU); a bad one is a usage error quoting what was typed. */
export function jobsArg(v: unknown): number {
  if (v === undefined) return defaultJobs();
  // Given twice, yargs makes a list; the last one wins, as for every other option.
  const last: unknown = Array.isArray(v) ? v[v.length - 1] : v;
  const text = typeof last === "number" ? String(last) : typeof last === "string" ? last.trim() : "";
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS) throw new UsageError(`--jobs takes a whole number from 1 to ${MAX_JOBS}, not ${JSON.stringify(typeof last === "string" ? last : String(last))}`);
  return n;
}
