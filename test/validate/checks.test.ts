import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import { validate } from "../../src/validate/index.js";
import { CATALOGUE } from "../../src/validate/catalogue.js";
import type { DecodedTable } from "../../src/acpi/index.js";
import { hmatTable, hostTables, madtTable, msctTable, must, slitTable, sratTable } from "../helpers/numa-tables.js";

const GiB = 1n << 30n;
const codes = (tables: DecodedTable[]): string[] => validate(tables, buildTopology(tables)).diagnostics.map((d) => d.code);

describe("validation catalogue", () => {
  it("a clean host has no findings", () => {
    const tables = hostTables({ cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }], memory: [{ pxm: 0, base: 0n, length: GiB }, { pxm: 1, base: GiB, length: GiB }], slit: [[10, 20], [20, 10]] });
    expect(codes(tables)).to.deep.equal([]);
  });

  it("every emitted code is in the catalogue, with its catalogue severity", () => {
    const tables = hostTables({
      cpus: [{ pxm: 0, apic: 0 }, { pxm: 0, apic: 0 }, { pxm: 2, apic: 3, madt: "absent" }, { pxm: 2, apic: 4, madt: "disabled" }],
      memory: [{ pxm: 0, base: 0n, length: 2n * GiB }, { pxm: 1, base: GiB, length: GiB }, { pxm: 5, base: 8n * GiB, length: 0n }, { pxm: 1, base: 9n * GiB, length: GiB, flags: 0 }],
      slit: [[10, 9, 255], [20, 10, 20], [30, 20, 11]],
    });
    const v = validate(tables, buildTopology(tables));
    for (const d of v.diagnostics) {
      const entry = (CATALOGUE as Record<string, { severity: string } | undefined>)[d.code];
      expect(entry, d.code).to.not.equal(undefined);
      expect(d.severity, d.code).to.equal(entry?.severity);
    }
    expect(v.diagnostics.map((d) => d.code)).to.include.members([
      "SRAT_DUPLICATE_CPU", "SRAT_CPU_NOT_IN_MADT", "SRAT_CPU_DISABLED_IN_MADT", "MEMORY_OVERLAP", "SRAT_MEMORY_ZERO_LENGTH",
      "SRAT_DISABLED_ENTRY_DATA", "SLIT_ENTRY_RESERVED", "SLIT_BAD_CORNER_ENTRY", "SLIT_UNREACHABLE", "SLIT_ASYMMETRIC",
      "SLIT_NOT_USED", "SLIT_PXM_NOT_COVERED", "NODE_CPULESS", "LINUX_MEMORY_OVERLAP", "XEN_MEMORY_OVERLAP",
    ]);
    // Issue 12: one 255 entry is "1 entry is", never "1 entries are".
    expect(v.diagnostics.find((d) => d.code === "SLIT_UNREACHABLE")?.message).to.equal("1 entry is 255 (unreachable)");
    expect(v.counts.error).to.be.greaterThan(0);
    // errors sort first
    expect(v.diagnostics[0]?.severity).to.equal("error");
  });

  it("SLIT: locality without resources, inner diagonal, excess and truncation", () => {
    expect(codes([...hostTables({ cpus: [{ pxm: 1, apic: 0 }], memory: [] }), slitTable([[10, 20, 20], [20, 10, 20], [20, 20, 10]])]))
      .to.include.members(["SLIT_LOCALITY_NO_RESOURCES", "NODE_MEMORYLESS", "SRAT_NO_MEMORY"]);
    expect(codes([slitTable([[10, 20, 20], [20, 12, 20], [20, 20, 10]])])).to.include("SLIT_DIAGONAL");
    const long = slitTable([[10]]);
    long.header.values["tableLength"] = 108;
    expect(codes([long])).to.include("SLIT_LENGTH_EXCESS");
    const short = slitTable([[10, 20], [20, 10]]);
    short.header.values["tableLength"] = 46;
    expect(codes([short])).to.include("SLIT_TOO_MANY_LOCALITIES");
    short.header.values["tableLength"] = 40;
    expect(codes([short])).to.include("SLIT_TOO_SHORT");
  });

  it("SRAT: structure lengths, types, table revision field, rev-1 PXM bits, device handles, large PXMs", () => {
    const handle = new Uint8Array(16); handle.set([0, 0, 1, 8, 0xff], 0);
    const srat = sratTable(1, [
      { type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1, proximityDomainHigh24: 1 } },
      { type: 1, values: { proximityDomain: 0x1ff, baseAddress: 0n, addressLength: GiB, flags: 1 } },
      { type: 5, values: { deviceHandleType: 1, proximityDomain: 300, deviceHandle: handle, flags: 1 } },
    ]);
    must(srat.fixed).values["tableRevision"] = 2;
    const first = must(srat.subtables[0]);
    first.declaredLength = 17;
    srat.subtables.push({ ...first, type: 9 });
    expect(codes([srat])).to.include.members(["SRAT_TABLE_REVISION_FIELD", "SRAT_BAD_STRUCTURE_LENGTH", "SRAT_INVALID_TYPE", "SRAT_REV1_HIGH_PXM", "SRAT_DEVICE_HANDLE_RESERVED", "SRAT_PXM_ABOVE_255", "LINUX_SRAT_BAD_LENGTH"]);
  });

  it("HMAT: lengths, unknown PXMs, revision, Linux's verdict", () => {
    const tables = [...hostTables({ cpus: [{ pxm: 0, apic: 0 }], memory: [{ pxm: 0, base: 0n, length: GiB }] }),
      hmatTable(3, [
        { type: 0, values: { flags: 1, attachedInitiatorProximityDomain: 6, memoryProximityDomain: 7 } },
        { type: 1, values: { dataType: 0, entryBaseUnit: 1000n, initiatorProximityDomainsCount: 1, targetProximityDomainsCount: 1, initiatorProximityDomainList: [0], targetProximityDomainList: [8], entries: [5] } },
        { type: 2, values: { memoryProximityDomain: 9, cacheAttributes: 0x00401111, addressMode: 1 } },
      ])];
    must(must(tables[2]).subtables[1]).declaredLength = 44;
    expect(codes(tables)).to.include.members(["HMAT_REVISION", "HMAT_PXM_NOT_IN_SRAT", "HMAT_BAD_STRUCTURE_LENGTH", "HMAT_NOT_USED", "HMAT_ADDRESS_MODE"]);
  });

  it("MSCT: offset, ranges, SRAT PXMs above the maximum", () => {
    const m = msctTable({ maxProximityDomains: 0, maxClockDomains: 0 }, [{ domainRangeStart: 2, domainRangeEnd: 1 }]);
    must(m.fixed).values["proximityOffset"] = 0x30;
    expect(codes([...hostTables({ cpus: [{ pxm: 3, apic: 0 }], memory: [] }), m])).to.include.members(["MSCT_BAD_PROXIMITY_OFFSET", "MSCT_DOMAIN_RANGE", "MSCT_SRAT_PXM_ABOVE_MAX"]);
  });

  it("MADT duplicates and CPUs without SRAT entries; devices with unknown PXMs", () => {
    const tables = [sratTable(3, [{ type: 0, values: { proximityDomainLow8: 0, apicId: 0, flags: 1 } }]),
      madtTable([{ type: 0, values: { processorId: 0, localApicId: 0, flags: 1 } }, { type: 0, values: { processorId: 1, localApicId: 0, flags: 1 } }, { type: 0, values: { processorId: 2, localApicId: 5, flags: 1 } }])];
    const t = buildTopology(tables, { namespace: { devices: [{ path: "\\_SB.X", pxm: 4 }], sli: [], dynamic: [], diagnostics: [] } });
    expect(validate(tables, t).diagnostics.map((d) => d.code)).to.include.members(["MADT_DUPLICATE_CPU", "MADT_CPU_NOT_IN_SRAT", "DEVICE_PXM_UNKNOWN"]);
  });

  it("no SRAT is an info finding", () => {
    expect(codes([madtTable([])])).to.deep.equal(["SRAT_MISSING"]);
  });
});

describe("validation stays bounded", () => {
  it("a SLIT claiming 65535 localities in a few bytes is checked in steps bounded by its bytes", () => {
    const s = slitTable([[10, 20], [20, 10]]);
    const fixed = must(s.fixed).values;
    fixed["localityCount"] = 0xffffn;
    // The work, counted rather than timed: every read of a matrix entry. The four entries present
    // may be read a few times each; walking the claimed 65535² matrix would be 4·10⁹ reads.
    const LIMIT = 4 * 16;
    let reads = 0;
    fixed["entries"] = new Proxy(fixed["entries"] as number[], {
      get(target, key, receiver): unknown {
        // Throw past the limit, so a walk over the claimed matrix fails at once instead of running for hours.
        if (typeof key === "string" && /^\d+$/.test(key) && ++reads > LIMIT) throw new Error(`more than ${LIMIT} SLIT entry reads`);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    expect(codes([s])).to.include("SLIT_TOO_MANY_LOCALITIES");
    expect(reads).to.be.greaterThan(0);
  });
});
