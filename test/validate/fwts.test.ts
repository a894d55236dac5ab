/**
 * fwts's own test vectors (../shared/samples/fwts): every FAILED line of fwts's expected log is
 * matched, one by one, to a distinct numakit finding of the mapped code in the same table.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { analyse, analyseSources } from "../../src/analyse.js";
import type { DecodedTable } from "../../src/acpi/index.js";
import type { FieldValues } from "../../src/acpi/layout/types.js";
import { srat, sratSubtables } from "../../src/acpi/tables/srat.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { CATALOGUE } from "../../src/validate/catalogue.js";
import { corpusPath, requireCorpus } from "../helpers/corpus.js";
import { hmatTable, hostTables, msctTable, slitTable, table } from "../helpers/numa-tables.js";

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
  const log = readFileSync(corpusPath("fwts", `${test}-expected-${n}.log`), "utf8");
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

const GiB = 1n << 30n;
const cpu0 = { pxm: 0, apic: 0 };
const mem0 = { pxm: 0, base: 0n, length: GiB };
/** A valid HMAT locality structure (type 1): 1 initiator × 1 target, latency in ns. */
const locality = (values: FieldValues): { type: number; values: FieldValues } => ({
  type: 1, values: { flags: 0, dataType: 0, initiatorProximityDomainsCount: 1, targetProximityDomainsCount: 1, entryBaseUnit: 1000n, initiatorProximityDomainList: [0], targetProximityDomainList: [0], entries: [80], ...values },
});

/**
 * fwts-like broken vectors built with the encoder (no corpus needed): each breaks one rule fwts's
 * srat/slit/hmat/msct tests check, and lists the FAILED lines fwts prints for it (the check names,
 * from fwts src/acpi/{srat,slit,hmat,msct}/*.c as mirrored by the corpus's expected logs).
 */
const BUILT: { name: string; table: string; tables: () => DecodedTable[]; fwts: string[] }[] = [
  { name: "SRAT Table Revision 2", table: "SRAT", fwts: ["SRATBadFieldValue"],
    tables: () => [table(srat, 3, { tableRevision: 2 }, [{ type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 1 } }], sratSubtables)] },
  { name: "SRAT memory flags with reserved bits", table: "SRAT", fwts: ["SRATReservedBitsNonZero"],
    tables: () => [table(srat, 3, { tableRevision: 1 }, [{ type: 1, values: { proximityDomain: 0, baseAddress: 0n, addressLength: GiB, flags: 0x101 } }], sratSubtables)] },
  { name: "SLIT diagonal 11", table: "SLIT", fwts: ["SLITBadCornerEntry"], tables: () => [...hostTables({ cpus: [cpu0], memory: [mem0] }), slitTable([[11, 20], [20, 10]])] },
  { name: "SLIT entries below 10", table: "SLIT", fwts: ["SLITEntryReserved", "SLITEntryReserved"], tables: () => [slitTable([[10, 5], [5, 10]])] },
  { name: "HMAT data type 7 and base unit 0", table: "HMAT", fwts: ["HMATBadFDataType", "HMATBadBaseUnit"],
    tables: () => [hmatTable(2, [locality({ dataType: 7 }), locality({ entryBaseUnit: 0n })])] },
  { name: "MSCT: one domain allowed, two described", table: "MSCT", fwts: ["MSCTBadTableLength", "MSCTBadProimityDomains"],
    tables: () => [msctTable({ maxProximityDomains: 0, maxClockDomains: 0, maxPhysicalAddress: (1n << 40n) - 1n }, [
      { length: 22, domainRangeStart: 0, domainRangeEnd: 0, maxProcessorCapacity: 1, maxMemoryCapacity: GiB },
      { length: 22, domainRangeStart: 1, domainRangeEnd: 1, maxProcessorCapacity: 1, maxMemoryCapacity: GiB }])] },
];

describe("fwts-like vectors built with the encoder: numakit reports at least fwts's findings", () => {
  for (const v of BUILT) {
    it(`${v.name}: ${v.fwts.join(", ")}`, () => {
      const tables = v.tables();
      const { validation } = analyse(tables);
      expect(unmatched(v.fwts, validation.diagnostics, v.table), validation.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n")).to.deep.equal([]);
    });
  }

  it("a clean host has none of the mapped findings (the matching can fail)", () => {
    const { validation } = analyse([...hostTables({ cpus: [cpu0], memory: [mem0], slit: [[10]] }), hmatTable(2, [locality({})])]);
    for (const t of ["SRAT", "SLIT", "HMAT"]) expect(unmatched(Object.keys(FWTS_TO_NUMAKIT), validation.diagnostics, t)).to.have.length(Object.keys(FWTS_TO_NUMAKIT).length);
    expect(unmatched(["SLITBadCornerEntry"], validation.diagnostics, "SLIT")).to.deep.equal(["SLITBadCornerEntry"]);
  });

  it("every fwts check named in the map is in the catalogue", () => {
    const covered = new Set<string>(Object.values(CATALOGUE).flatMap((c) => ("fwts" in c ? [...c.fwts] : [])));
    for (const f of Object.keys(FWTS_TO_NUMAKIT)) expect(covered.has(f), f).to.equal(true);
  });
});

describe("fwts's own vectors (corpus fwts/): numakit reports at least fwts's findings", () => {
  before(function () { requireCorpus(this); });

  for (const test of ["srat", "slit", "hmat", "msct"]) {
    it(`${test}-0001 (clean: fwts fails nothing) and ${test}-0002 (broken: every fwts FAILED line has a numakit finding)`, async () => {
      expect(fwtsFailures(test, "0001")).to.deep.equal([]);
      const failures = fwtsFailures(test, "0002");
      expect(failures, "the broken vector fails in fwts").to.not.deep.equal([]);
      for (const n of ["0001", "0002"]) {
        const { validation } = await analyseSources([corpusPath("fwts", `${test}-acpidump-${n}.log`)]);
        expect(unmatched(n === "0001" ? [] : failures, validation.diagnostics, test.toUpperCase()), `${test}-${n}`).to.deep.equal([]);
      }
    });
  }
});
