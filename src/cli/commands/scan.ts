import { open } from "node:fs/promises";
import { findHosts } from "../../fleet/hosts.js";
import { scanPool } from "../../fleet/pool.js";
import type { ScanRow } from "../../fleet/row.js";
import { ScanSummary } from "../../fleet/summary.js";
import { csvHeader, csvLine, jsonlLine, summaryText, textHeader, textLine } from "../../report/scan.js";
import { InputError, UsageError } from "../../errors.js";
import type { CommandImpl } from "../command.js";
import { write } from "../output.js";
import { outputError, writingTo } from "../output-error.js";
import { progressBar } from "../progress.js";
import { jobsArg, kernelOf, withJobs, withKernel } from "../args.js";
import { defaultJobs } from "../../util/jobs.js";

const FORMATS = ["text", "jsonl", "csv"] as const;
type ScanFormat = (typeof FORMATS)[number];
/** Rows are written in batches of about this many bytes (one write per row costs more than the row). */
const FLUSH_BYTES = 64 * 1024;
/** The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

function pathsOf(args: Record<string, unknown>): string[] {
  const p = args["path"];
  const paths = Array.isArray(p) ? p.map(String) : [];
  // Each host is read where its row is made (a worker thread), which has no standard input of the
  // command's: "-" would read nothing there (or the process's stdin in-thread, not the io's).
  if (paths.includes("-")) throw new UsageError("scan reads files and directories, not standard input (-): save the dump to a file, or give it to numakit validate -");
  return paths;
}

/** The --out FILE: a write that names FILE when it fails, and close. */
async function openOut(file: string): Promise<{ write: (text: string) => Promise<void>; close: () => Promise<void> }> {
  let fh;
  try {
    fh = await open(file, "w");
  } catch (err) {
    throw outputError(file, err);
  }
  const stream = fh.createWriteStream();
  // A file stream reports a failed write (ENOSPC, EIO) after write() has accepted the text: the
  // first error is kept and close() fails with it, so a short file never passes as written.
  let failed: unknown;
  stream.on("error", (err) => { failed ??= err; });
  const check = (): void => { if (failed !== undefined) throw outputError(file, failed); };
  return {
    write: (text) => writingTo(file, async () => { check(); await write(text, stream); }),
    close: () => writingTo(file, async () => {
      // 'close' comes after the last write's error (end()'s callback can come before it).
      if (!stream.closed) await new Promise<void>((resolve) => { stream.once("close", () => { resolve(); }); stream.end(); });
      check();
    }),
  };
}

function lineOf(format: ScanFormat): (row: ScanRow) => string {
  return format === "jsonl" ? jsonlLine : format === "csv" ? csvLine : textLine;
}

export const scan: CommandImpl = {
  builder: (y) => withKernel(withJobs(y
    .positional("path", { type: "string", array: true, describe: "acpidump text files, table directories, or directory trees of them" })
    .option("format", { alias: "f", choices: [...FORMATS], default: "text", describe: "text table + summary, JSON Lines (schema/scan-row.schema.json), or CSV" }),
    `worker threads (default: the number of CPUs, ${defaultJobs()} here)`)
    .option("out", { alias: "o", type: "string", describe: "write the rows to FILE instead of standard output" })
    .option("strict", { type: "boolean", default: false, describe: "exit 1 when a host has validation errors" }))
    .example("$0 scan dumps/ --format jsonl > fleet.jsonl", "one JSON object per host")
    .example("$0 scan dumps/ -j 2 --format csv -o fleet.csv", "CSV for a spreadsheet, two workers"),
  run: async (args, io) => {
    const format = (args["format"] ?? "text") as ScanFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, jsonl or csv, not ${JSON.stringify(format)}`);
    const jobs = jobsArg(args["jobs"]);
    const kernel = kernelOf(args);
    const paths = pathsOf(args);
    const sources = await findHosts(paths);
    if (sources.length === 0) throw new InputError("E_INPUT_NO_TABLES", "no dumps or table directories found", { file: paths.join(", ") });
    const out = typeof args["out"] === "string" ? await openOut(args["out"]) : undefined;
    const emit = (text: string): Promise<void> => (out === undefined ? write(text, io.stdout) : out.write(text));
    const summary = new ScanSummary();
    const line = lineOf(format);
    const progress = await progressBar(sources.length, io.stderr);
    const stop = new AbortController();
    const onSigint = (): void => { stop.abort(); };
    process.once("SIGINT", onSigint);
    let strictFailed = false;
    let buffer = format === "text" ? textHeader() : format === "csv" ? csvHeader() : "";
    try {
      for await (const row of scanPool(sources, { jobs, kernel, signal: stop.signal, onDone: (r) => { progress.tick(r.source); } })) {
        summary.add(row);
        if (row.status === "ok" && row.counts.error > 0) strictFailed = true;
        buffer += line(row);
        if (buffer.length >= FLUSH_BYTES) { await emit(buffer); buffer = ""; }
      }
    } finally {
      process.removeListener("SIGINT", onSigint);
      progress.stop();
    }
    if (format === "text") buffer += summaryText(summary, { interrupted: stop.signal.aborted });
    await emit(buffer);
    await out?.close();
    if (stop.signal.aborted) {
      await write(`numakit: interrupted after ${summary.sources} of ${sources.length} sources; their rows are written\n`, io.stderr);
      return INTERRUPTED;
    }
    if (summary.hosts === 0) {
      await write(`numakit: no host could be read (${summary.skipped} skipped as not ACPI data, ${summary.unreadable} unreadable)\n`, io.stderr);
      return 2;
    }
    if (summary.unreadable > 0) return 1;
    return args["strict"] === true && strictFailed ? 1 : 0;
  },
};
