/**
 * Model round trips (fast-check): a random valid SRAT/SLIT/HMAT/MADT/MSCT model, laid out by
 * buildTable, decodes back to the same field values with no diagnostic at all, and encodeTable
 * gives back the built bytes.
 */
import { expect } from "chai";
import fc from "fast-check";
import { decodeTable } from "../../src/acpi/decode.js";
import { buildTable, encodeTable } from "../../src/acpi/encode.js";
import { tableDefs } from "../../src/acpi/tables/registry.js";
import { tableModelArb } from "../helpers/arbitraries.js";
import { fcRuns } from "../helpers/runs.js";

describe("acpi: model -> buildTable -> decodeTable round trips", () => {
  for (const sig of ["SRAT", "SLIT", "HMAT", "APIC", "MSCT"]) {
    const def = tableDefs.get(sig);
    if (def === undefined) throw new Error(sig);
    it(`${sig}: the decoded model equals the built one, and the bytes re-encode exactly`, () => {
      fc.assert(fc.property(tableModelArb(def), (model) => {
        const bytes = buildTable(def, model);
        const t = decodeTable({ signature: sig, bytes, source: { file: "model" } });
        // A valid model yields no finding, except MSCT's (legal) gap before Proximity Offset.
        const gap = sig === "MSCT" && (model.fixed["proximityOffset"] as number) > 56;
        expect(t.diagnostics.map((d) => d.code)).to.deep.equal(gap ? ["TABLE_GAP"] : []);
        expect(t.checksumValid).to.equal(true);
        const { checksum: _c, ...header } = t.header.values;
        expect(header).to.deep.equal({ ...model.header, signature: sig, tableLength: bytes.length });
        expect(t.fixed?.values).to.deep.equal(model.fixed);
        const roles = def.subtables?.header.fields ?? [];
        const typeKey = roles.find((f) => f.role === "type")?.key;
        expect(t.subtables.map((s) => {
          const values = Object.fromEntries(Object.entries(s.values).filter(([k]) => !roles.some((f) => f.role !== undefined && f.key === k)));
          return typeKey === undefined ? { values } : { type: s.values[typeKey], values };
        })).to.deep.equal((model.subtables ?? []).map((s) => (typeKey === undefined ? { values: s.values } : s)));
        for (const s of t.subtables) expect(s.extra).to.have.length(0);
        expect(Buffer.from(encodeTable(t)).equals(Buffer.from(bytes))).to.equal(true);
      }), { numRuns: fcRuns(3) });
    });
  }
});
