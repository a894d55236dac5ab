/** Shared option parsing for commands that read ACPI sources. */
import { UsageError } from "../errors.js";

export type Format = "text" | "json";

export function formatOf(args: Record<string, unknown>): Format {
  const f = args["format"] ?? "text";
  if (f !== "text" && f !== "json") throw new UsageError(`--format must be text or json, not ${JSON.stringify(f)}`);
  return f;
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
