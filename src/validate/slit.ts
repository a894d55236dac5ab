/** SLIT checks: fwts `slit`, Linux `slit_valid()`, and locality coverage against the SRAT. */
import type { DecodedTable } from "../acpi/index.js";
import { slitRejection } from "../topology/distances.js";
import { locationOf, slitView } from "../acpi/views.js";
import { Findings } from "./findings.js";
import { SLIT_ENTRIES_OFFSET, SLIT_LOCALITIES_OFFSET } from "../acpi/tables/slit.js";
import { plural, pluralWord } from "../util/plural.js";

/** fwts reports the first 15 reserved entries one by one, then a total. */
const MAX_RESERVED_REPORTS = 15;

export function checkSlit(t: DecodedTable, f: Findings, sratPxms: ReadonlySet<number>, xenPxms: ReadonlySet<number> = sratPxms): void {
  const length = t.header.values["tableLength"];
  const at = locationOf(t, SLIT_LOCALITIES_OFFSET);
  if (typeof length === "number" && length < SLIT_ENTRIES_OFFSET) { f.add("SLIT_TOO_SHORT", `SLIT is ${length} bytes, shorter than ${SLIT_ENTRIES_OFFSET}`, at); return; }
  const v = slitView(t);
  if (v === undefined) return;
  const n = v.localities;
  const need = BigInt(SLIT_ENTRIES_OFFSET) + n * n;
  if (n > 0xffffn || need > BigInt(v.tableLength)) {
    f.add("SLIT_TOO_MANY_LOCALITIES", `${n} localities need ${need} bytes, the table has ${v.tableLength}`, at);
    if (n > 0xffffn) return;
  } else if (need < BigInt(v.tableLength)) {
    f.add("SLIT_LENGTH_EXCESS", `table is ${v.tableLength} bytes, ${BigInt(v.tableLength) - need} more than ${SLIT_ENTRIES_OFFSET} + N²`, at);
  }
  const count = Number(n);
  const cell = (i: number, j: number): number | undefined => v.entries[i * count + j];
  const entryAt = (i: number, j: number): ReturnType<typeof locationOf> => locationOf(t, SLIT_ENTRIES_OFFSET + i * count + j);
  for (const i of count > 0 ? [...new Set([0, count - 1])] : []) {
    const x = cell(i, i);
    if (x !== undefined && x !== 10) f.add("SLIT_BAD_CORNER_ENTRY", `SLIT entry [${i}][${i}] is ${x}, expecting 10`, entryAt(i, i));
  }
  let reserved = 0;
  let unreachable = 0;
  const asymmetric: string[] = [];
  // Only rows whose bytes are present: a lying count (up to 0xFFFF) must not cost N² steps.
  const rows = count === 0 ? 0 : Math.min(count, Math.floor(v.entries.length / count));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < count; j++) {
      const x = cell(i, j);
      if (x === undefined) continue;
      if (i === j && i !== 0 && i !== count - 1 && x !== 10) f.add("SLIT_DIAGONAL", `SLIT entry [${i}][${i}] is ${x}, expecting 10`, entryAt(i, i));
      if (x < 10 && ++reserved <= MAX_RESERVED_REPORTS) f.add("SLIT_ENTRY_RESERVED", `SLIT entry [${i}][${j}] is ${x}, a reserved value with no defined meaning`, entryAt(i, j));
      if (x === 255) unreachable++;
      const y = cell(j, i);
      if (i < j && y !== undefined && x !== y) asymmetric.push(`[${i}][${j}]=${x} vs [${j}][${i}]=${y}`);
    }
  }
  if (reserved > 0) f.add("SLIT_ENTRY_RESERVED_TOTAL", `${plural(reserved, "entry", "entries")} ${pluralWord(reserved, "uses", "use")} reserved values (0..9)`, at);
  if (unreachable > 0) f.add("SLIT_UNREACHABLE", `${plural(unreachable, "entry", "entries")} ${pluralWord(unreachable, "is", "are")} 255 (unreachable)`, at);
  if (asymmetric.length > 0) f.add("SLIT_ASYMMETRIC", `the SLIT is asymmetric: ${asymmetric.slice(0, 4).join(", ")}${asymmetric.length > 4 ? `, and ${asymmetric.length - 4} more` : ""}`, at);
  const why = slitRejection(v);
  // A matrix cut at the decoder's cap is reported as ARRAY_TOO_LARGE: unread, so not judged.
  const short = v.localities <= 0xffffn && v.entries.length < count * count;
  if (why !== undefined && !v.capped) f.add("SLIT_NOT_USED", short ? `numakit applies no SLIT distances: ${why}` : `Linux and Xen ignore the SLIT ("SLIT table looks invalid. Not used."): ${why}`, at);
  if (sratPxms.size === 0) return;
  const idle = [...Array(Math.min(count, 4096)).keys()].filter((i) => !sratPxms.has(i));
  if (idle.length > 0) f.add("SLIT_LOCALITY_NO_RESOURCES", `${pluralWord(idle.length, "locality", "localities")} ${idle.slice(0, 16).join(", ")}${idle.length > 16 ? ", …" : ""} ${pluralWord(idle.length, "has", "have")} no SRAT resources`, at);
  const beyond = [...sratPxms].filter((p) => p >= count).sort((a, b) => a - b);
  const xenBeyond = beyond.filter((p) => xenPxms.has(p));
  // Xen's __node_distance (xen/arch/x86/srat.c) indexes entry[count·a + b] with no bound check.
  const xen = xenBeyond.length === 0 ? "" : `; Xen has no bound check (__node_distance reads entry[count·a + b]), so for PXM ${xenBeyond.join(", ")} it reads other localities' entries or bytes past the table`;
  if (beyond.length > 0) f.add("SLIT_PXM_NOT_COVERED", `PXM ${beyond.join(", ")} ${pluralWord(beyond.length, "is", "are")} beyond the SLIT's ${count} localities: default distances (10/20) apply${xen}`, at);
}
