/**
 * A host whose firmware strings attack the renderer: OEM ids and table ids with markup, quotes,
 * an ANSI escape and a NUL; a `_HID` string and a generic initiator HID with script and an
 * event-handler image; the directory name itself carries markup. Written to a temp directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTable } from "../../src/acpi/index.js";
import { madt, madtSubtables } from "../../src/acpi/tables/madt.js";
import { slit } from "../../src/acpi/tables/slit.js";
import { srat, sratSubtables } from "../../src/acpi/tables/srat.js";
import type { StructSpec } from "../../src/acpi/layout/types.js";
import { amlDevice, amlName, amlScope, amlString, encodeInt, encodeTable, seg } from "../aml/encoder.js";
import { full } from "./numa-tables.js";

export const HOSTILE_OEM_ID = `<b>&"'`;
export const HOSTILE_TABLE_ID = "\u001b[31m<i>";
export const HOSTILE_HID = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>";
export const HOSTILE_GI_HID = "<svg/on>";
export const HOSTILE_DIR = `x<img src=y onerror="window.__pwned=3">&amp;`;

const header = (revision: number) => ({ revision, oemId: HOSTILE_OEM_ID, oemTableId: HOSTILE_TABLE_ID, oemRevision: 1, aslCompilerId: "<a>\u0000", aslCompilerRevision: 1 });
const sub = (specs: Record<number, StructSpec>, type: number, values: Record<string, unknown>) => ({ type, values: full(specs[type] as StructSpec, values as never) });
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Write the hostile host into a fresh temp directory; returns the table directory. */
export function writeHostileHost(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "numakit-hostile-")), HOSTILE_DIR);
  mkdirSync(dir);
  const handle = new Uint8Array(16);
  handle.set(ascii(HOSTILE_GI_HID), 0);
  const tables: [string, Uint8Array][] = [
    ["SRAT", buildTable(srat, {
      header: header(3), fixed: full(srat.fixed, { tableRevision: 1 }),
      subtables: [
        sub(sratSubtables, 0, { proximityDomainLow8: 0, apicId: 0, flags: 1 }),
        sub(sratSubtables, 0, { proximityDomainLow8: 1, apicId: 1, flags: 1 }),
        sub(sratSubtables, 1, { proximityDomain: 0, baseAddress: 0n, addressLength: 1n << 30n, flags: 1 }),
        sub(sratSubtables, 1, { proximityDomain: 1, baseAddress: 1n << 30n, addressLength: 1n << 30n, flags: 1 }),
        sub(sratSubtables, 5, { deviceHandleType: 0, proximityDomain: 1, deviceHandle: handle, flags: 1 }),
      ],
    })],
    ["APIC", buildTable(madt, {
      header: header(5), fixed: full(madt.fixed, { localApicAddress: 0xfee00000, flags: 1 }),
      subtables: [sub(madtSubtables, 0, { processorId: 0, localApicId: 0, flags: 1 }), sub(madtSubtables, 0, { processorId: 1, localApicId: 1, flags: 1 })],
    })],
    ["SLIT", buildTable(slit, { header: header(1), fixed: full(slit.fixed, { localityCount: 2n, entries: [10, 21, 21, 10] }) })],
    ["DSDT", encodeTable(amlScope([0x5c, ...seg("_SB")],
      amlDevice("PCI0", amlName("_HID", amlString(HOSTILE_HID)), amlName("_UID", amlString("</td><b>")), amlName("_PXM", encodeInt(1n)))))],
  ];
  for (const [name, bytes] of tables) writeFileSync(join(dir, name), bytes);
  return dir;
}
