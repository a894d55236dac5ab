/**
 * The two `numakit topology` formats that belong to `synth` (issue 15), kept apart from the
 * report formats: `--format desc` (a topology description, schema/desc.schema.json, that
 * `numakit synth` turns back into these tables) and `--format sysfs --out DIR` (the
 * /sys/devices/system/node tree Linux would present). Both use Linux's node numbering.
 */
import { symlink, writeFile } from "../../util/fs-async.js";
import { dirname, join } from "node:path";
import { UsageError } from "../../errors.js";
import { writingTo } from "../output-error.js";
import type { Topology } from "../../topology/model.js";
import type { CliIo } from "../io.js";
import { toJson, write } from "../output.js";
import { makeDirectory } from "./dump.js";

export const SYNTH_FORMATS = ["desc", "sysfs"] as const;

export function isSynthFormat(f: unknown): f is (typeof SYNTH_FORMATS)[number] {
  return (SYNTH_FORMATS as readonly unknown[]).includes(f);
}

/** Checked before the sources are read: --out goes with sysfs only. */
export function checkSynthFormatArgs(args: Record<string, unknown>): void {
  const out = args["out"];
  if (args["format"] === "sysfs" && typeof out !== "string") throw new UsageError("--format sysfs writes a directory: give --out DIR");
  if (args["format"] !== "sysfs" && out !== undefined) throw new UsageError("--out goes with --format sysfs");
  if (isSynthFormat(args["format"]) && args["numbering"] !== "linux") throw new UsageError(`--format ${args["format"]} follows Linux's node numbering (drop --numbering)`);
}

export async function runSynthFormat(format: (typeof SYNTH_FORMATS)[number], t: Topology, sources: readonly string[], args: Record<string, unknown>, io: CliIo): Promise<number> {
  // The synth modules load only for these formats (each command loads only what it uses).
  if (format === "desc") {
    const { descriptionFromTopology } = await import("../../synth/from-topology.js");
    const { description, notes } = descriptionFromTopology(t, { source: sources.join(", ") });
    for (const n of notes) io.stderr.write(`numakit: ${n}\n`);
    await write(`${toJson(description)}\n`, io.stdout);
    return 0;
  }
  const out = String(args["out"]);
  const { sysfsTree } = await import("../../synth/sysfs.js");
  const tree = sysfsTree(t);
  await writingTo(out, async () => {
    await makeDirectory(out);
    for (const [path, entry] of tree) {
      const full = join(out, path);
      await makeDirectory(dirname(full));
      if (entry.kind === "file") await writeFile(full, entry.text);
      else await symlink(entry.target, full).catch((err: unknown) => { if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err; });
    }
  });
  await write(`wrote ${tree.size} entries of /sys/devices/system/node under ${out}\n`, io.stdout);
  return 0;
}
