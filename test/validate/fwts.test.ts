/**
 * fwts's own test vectors (../shared/samples/fwts): every FAILED line of fwts's expected log is
 * matched, one by one, to a distinct numakit finding of the mapped code in the same table.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyseSources } from "../../src/analyse.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { CATALOGUE } from "../../src/validate/catalogue.js";
import { sharedSamples } from "../helpers/cli.js";

const fwtsDir = join(sharedSamples, "fwts");

/** fwts check → the numakit codes that report the same defect. */
const FWTS_TO_NUMAKIT: Record<string, readonly string[]> = {
  SRATBadFieldValue: ["SRAT_TABLE_REVISION_FIELD"],
  SRATReservedBitsNonZero: ["RESERVED_BITS_SET"],
  SRATReservedNonZero: ["RESERVED_NONZERO", "SRAT_DEVICE_HANDLE_RESERVED"],
  SLITBadCornerEntry: ["SLIT_BAD_CORNER_ENTRY"],
  SLITEntryReserved: ["SLIT_ENTRY_RESERVED"],
  HMATReservedNonZero: ["RESERVED_NONZERO", "HMAT_MIN_TRANSFER_SIZE", "HMAT_ADDRESS_MODE"],
  HMATReservedBitsNonZero: ["RESERVED_BITS_SET"],
  HMATBadFDataType: ["HMAT_DATA_TYPE_INVALID"],
  HMATBadBaseUnit: ["HMAT_BASE_UNIT_ZERO"],
  HMATBadCacheAttributeReserved: ["HMAT_CACHE_ATTRIBUTES_INVALID"],
  MSCTBadTableLength: ["MSCT_BAD_TABLE_LENGTH"],
  MSCTBadProimityDomains: ["MSCT_TOO_MANY_DOMAINS"],
};

function fwtsFailures(test: string, n: string): string[] {
  const log = readFileSync(join(fwtsDir, `${test}-expected-${n}.log`), "utf8");
  return [...log.matchAll(/FAILED \[[A-Z]+\] (\w+):/g)].map((m) => m[1] ?? "");
}

/** Match each fwts failure to an unused finding; returns the failures left unmatched. */
export function unmatched(failures: readonly string[], findings: readonly Diagnostic[], table: string): string[] {
  const pool = findings.filter((d) => d.table === table);
  const left: string[] = [];
  for (const f of failures) {
    const codes = FWTS_TO_NUMAKIT[f] ?? [];
    const i = pool.findIndex((d) => codes.includes(d.code));
    if (i < 0) left.push(f); else pool.splice(i, 1);
  }
  return left;
}

describe("fwts vectors: numakit reports at least fwts's findings", () => {
  let total = 0;
  for (const test of ["srat", "slit", "hmat", "msct"]) {
    for (const n of ["0001", "0002"]) {
      it(`${test}-${n}: every fwts FAILED line has a numakit finding`, async () => {
        const failures = fwtsFailures(test, n);
        const { validation } = await analyseSources([join(fwtsDir, `${test}-acpidump-${n}.log`)]);
        expect(unmatched(failures, validation.diagnostics, test.toUpperCase())).to.deep.equal([]);
        total += failures.length;
        if (n === "0001") expect(failures).to.deep.equal([]);
      });
    }
  }

  it("maps all 27 failures of the broken vectors (srat 8, slit 3, hmat 14, msct 2)", () => {
    expect(total).to.equal(27);
  });

  it("every fwts check named in the map is in the catalogue", () => {
    const covered = new Set<string>(Object.values(CATALOGUE).flatMap((c) => ("fwts" in c ? [...c.fwts] : [])));
    for (const f of Object.keys(FWTS_TO_NUMAKIT)) expect(covered.has(f), f).to.equal(true);
  });
});
