/**
 * Every diagnostic code the decoder emits, each from a minimal table built by numakit's own encoder
 * and then damaged in one place; the code, severity and offset are the stable contract that
 * docs/decode.md lists.
 */
import { expect } from "chai";
import type { Diagnostic } from "../../src/diagnostics.js";
import { decodeTable, MAX_SUBTABLES } from "../../src/acpi/decode.js";
import { buildTable, encodeTable, type TableModel } from "../../src/acpi/encode.js";
import { printTable } from "../../src/acpi/print.js";
import { tableJson } from "../../src/acpi/json.js";
import { tableDefs } from "../../src/acpi/tables/registry.js";
import { checksum } from "../../src/util/checksum.js";
import { MAX_ARRAY_ELEMENTS } from "../../src/acpi/layout/codec.js";
import { buildTopology } from "../../src/topology/build.js";
import { validate } from "../../src/validate/index.js";
import { topologyText } from "../../src/report/text.js";
import { hostTables } from "../helpers/numa-tables.js";

const header: TableModel["header"] = { revision: 3, oemId: "NUMAKT", oemTableId: "DIAGTEST", oemRevision: 1, aslCompilerId: "NMKT", aslCompilerRevision: 1 };
const cpu = { type: 0, values: { proximityDomainLow8: 1, apicId: 2, flags: 1, localSapicEid: 0, proximityDomainHigh24: 0, clockDomain: 0 } };
const mem = { type: 1, values: { proximityDomain: 1, reserved1: 0, baseAddress: 0x100000000n, addressLength: 0x40000000n, reserved2: 0, flags: 1, reserved3: 0n } };

function def(sig: string) {
  const d = tableDefs.get(sig);
  if (d === undefined) throw new Error(sig);
  return d;
}
const srat = (subtables = [cpu, mem]): Uint8Array => buildTable(def("SRAT"), { header, fixed: { tableRevision: 1, reserved: 0n }, subtables });
const msct = (proximityOffset: number): Uint8Array => buildTable(def("MSCT"), {
  header, fixed: { proximityOffset, maxProximityDomains: 1, maxClockDomains: 0, maxPhysicalAddress: 0xfffffffffn },
  subtables: [{ values: { revision: 1, domainRangeStart: 0, domainRangeEnd: 1, processorCapacity: 4, memoryCapacity: 0x100000000n } }],
});

/** Patch bytes, then (by default) make Length and checksum consistent again so only the patch is wrong. */
function patch(b: Uint8Array, edits: Record<number, number>, opts: { length?: boolean; checksum?: boolean } = {}): Uint8Array {
  const out = Uint8Array.from(b);
  for (const [at, v] of Object.entries(edits)) out[Number(at)] = v;
  if (opts.length !== false) new DataView(out.buffer).setUint32(4, out.length, true);
  if (opts.checksum !== false) {
    out[9] = 0;
    out[9] = (0x100 - checksum(out)) & 0xff;
  }
  return out;
}

function decode(bytes: Uint8Array): { diags: Diagnostic[]; codes: string[] } {
  const t = decodeTable({ signature: "TEST", bytes, source: { file: "test.dat" } });
  // Whatever the damage: exact bytes back, and both renderings work.
  expect(Buffer.from(encodeTable(t)).equals(Buffer.from(bytes))).to.equal(true);
  expect(printTable(t)).to.contain("test.dat");
  expect(() => JSON.stringify(tableJson(t))).to.not.throw();
  return { diags: t.diagnostics, codes: t.diagnostics.map((d) => `${d.severity}:${d.code}@${String(d.offset ?? "-")}`) };
}

const concat = (a: Uint8Array, b: Uint8Array | number[]): Uint8Array => { const o = new Uint8Array(a.length + b.length); o.set(a); o.set(b, a.length); return o; };

describe("acpi: diagnostic codes", () => {
  it("a valid table has none", () => {
    expect(decode(srat()).codes).to.deep.equal([]);
    expect(decode(msct(56)).codes).to.deep.equal([]);
  });

  it("header: TABLE_HEADER_SHORT, TABLE_LENGTH_TOO_SMALL, TABLE_TRUNCATED, TABLE_DATA_BEYOND_LENGTH, TABLE_CHECKSUM", () => {
    expect(decode(srat().subarray(0, 20)).codes).to.deep.equal(["error:TABLE_HEADER_SHORT@0"]);
    const small = patch(srat(), {}, { length: false });
    new DataView(small.buffer).setUint32(4, 20, true);
    expect(decode(small).codes).to.include("error:TABLE_LENGTH_TOO_SMALL@4");
    expect(decode(srat().subarray(0, 60)).codes).to.deep.equal(["error:TABLE_TRUNCATED@4", "error:TABLE_CHECKSUM@9", "error:SUBTABLE_OVERRUN@48"]);
    const longer = concat(srat(), [0, 0, 0]);
    const beyond = decode(longer);
    expect(beyond.codes).to.deep.equal([`warning:TABLE_DATA_BEYOND_LENGTH@${String(longer.length - 3)}`]);
    expect(decode(patch(srat(), { 9: 0 }, { checksum: false })).diags[0]).to.include({ code: "TABLE_CHECKSUM", severity: "error", offset: 9, table: "SRAT", source: "test.dat" });
  });

  it("fixed fields: STRUCT_TRUNCATED; MSCT Proximity Offset: SUBTABLES_START_INVALID, TABLE_GAP", () => {
    expect(decode(patch(srat().subarray(0, 40), {})).codes).to.deep.equal(["error:STRUCT_TRUNCATED@36"]);
    expect(decode(patch(msct(56), { 36: 10 })).codes).to.deep.equal(["error:SUBTABLES_START_INVALID@36"]);
    expect(decode(msct(60)).codes).to.deep.equal(["warning:TABLE_GAP@56"]);
  });

  it("subtable walk: zero/too-small length stops it; unknown types are kept raw; overrun; short and long entries", () => {
    const zero = decode(patch(srat(), { 49: 0 }));
    expect(zero.codes).to.deep.equal(["error:SUBTABLE_ZERO_LENGTH@48", "warning:TABLE_TRAILING_BYTES@48"]);
    expect(decode(patch(srat(), { 49: 1 })).codes).to.deep.equal(["error:SUBTABLE_LENGTH_TOO_SMALL@48", "warning:TABLE_TRAILING_BYTES@48"]);
    expect(decode(patch(srat(), { 48: 0x42 })).codes).to.deep.equal(["warning:SUBTABLE_UNKNOWN_TYPE@48"]);
    expect(decode(patch(srat(), { 65: 0xff })).codes).to.deep.equal(["error:SUBTABLE_OVERRUN@64"]);
    // A 16-byte memory entry (should be 40) followed by 24 bytes that do not form a valid entry.
    const short = decode(patch(srat([cpu, cpu, mem]), { 65: 8 }));
    expect(short.codes[0]).to.equal("warning:SUBTABLE_SHORT@64");
    const long = concat(srat([cpu]), [0, 0, 0, 0]);
    long[49] = 20;
    expect(decode(patch(long, {})).codes).to.deep.equal(["info:SUBTABLE_LONG@48"]);
    expect(decode(patch(concat(srat(), [1]), {})).codes).to.deep.equal(["warning:TABLE_TRAILING_BYTES@104"]);
  });

  it("lists: ARRAY_EXCEEDS_TABLE, never a huge allocation", () => {
    const slit = buildTable(def("SLIT"), { header, fixed: { localityCount: 2n, entries: [10, 20, 20, 10] } });
    const lying = patch(slit, { 36: 0xff, 37: 0xff, 38: 0xff, 39: 0xff, 40: 0xff, 41: 0xff, 42: 0xff, 43: 0xff });
    const d = decode(lying);
    expect(d.codes).to.deep.equal(["error:ARRAY_EXCEEDS_TABLE@44"]);
    // JSON: a count beyond 2^53 is a "0x..." string, and the bytes present still show, as one partial row.
    const j = tableJson(decodeTable({ signature: "SLIT", bytes: lying, source: { file: "x" } }));
    expect([j["localityCount"], j["entries"]]).to.deep.equal(["0xFFFFFFFFFFFFFFFF", [[10, 20, 20, 10]]]);
  });

  it("lists past MAX_ARRAY_ELEMENTS with their bytes present: ARRAY_TOO_LARGE, the rest unread and still encoded; the SLIT not judged", () => {
    // 2049 localities: 4 198 401 cells, 4097 past the cap. (144 M cells were 1.6 GB and a RangeError.)
    const n = 2049;
    const cells = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 10 : 20));
    const big = buildTable(def("SLIT"), { header, fixed: { localityCount: BigInt(n), entries: cells } });
    const t = decodeTable({ signature: "SLIT", bytes: big, source: { file: "x" } });
    expect(t.diagnostics.map((d) => `${d.code}@${d.offset}`)).to.deep.equal(["ARRAY_TOO_LARGE@44"]);
    expect(t.diagnostics[0]?.message).to.equal(`SLIT: entries counts ${n * n} elements; numakit decodes the first ${MAX_ARRAY_ELEMENTS} and no more`);
    expect((t.fixed?.values["entries"] as number[]).length).to.equal(MAX_ARRAY_ELEMENTS);
    expect(t.trailing.length).to.equal(n * n - MAX_ARRAY_ELEMENTS);
    expect(Buffer.from(encodeTable(t)).equals(Buffer.from(big))).to.equal(true);
    // With an SRAT: no claim about Linux's slit_valid(), which reads cells numakit did not.
    const tables = [...hostTables({ cpus: [{ pxm: 0, apic: 0 }, { pxm: 1, apic: 1 }], memory: [{ pxm: 0, base: 0n, length: 1n << 30n }, { pxm: 1, base: 1n << 30n, length: 1n << 30n }] }), t];
    const topo = buildTopology(tables);
    expect(topo.distances.source).to.equal("default");
    expect(validate(tables, topo).diagnostics.map((d) => d.code)).to.not.include("SLIT_NOT_USED");
    expect(topologyText(topo, validate(tables, topo))).to.include(`numakit reads a SLIT matrix of at most ${MAX_ARRAY_ELEMENTS} entries, and this one has ${n * n}: not checked, so not applied here`);
  });

  it("tables past MAX_SUBTABLES structures: SUBTABLES_TOO_MANY, the rest unread and still encoded", () => {
    // A million 16-byte SRAT entries (16 MB) were 2.7 GB and 27 s, most of it garbage collection.
    const one = srat([cpu]);
    const entry = one.subarray(48, 64);
    const bytes = new Uint8Array(48 + (MAX_SUBTABLES + 3) * 16);
    bytes.set(one.subarray(0, 48));
    for (let k = 0; k < MAX_SUBTABLES + 3; k++) bytes.set(entry, 48 + k * 16);
    const big = patch(bytes, {});
    const t = decodeTable({ signature: "SRAT", bytes: big, source: { file: "x" } });
    const at = 48 + MAX_SUBTABLES * 16;
    expect(t.subtables.length).to.equal(MAX_SUBTABLES);
    expect(t.diagnostics.map((d) => `${d.code}@${d.offset}`)).to.deep.equal([`SUBTABLES_TOO_MANY@${at}`]);
    expect(t.diagnostics[0]?.message).to.equal(`more than ${MAX_SUBTABLES} structures: numakit decodes the first ${MAX_SUBTABLES}, and the 48 bytes from here are not read`);
    expect(t.trailing.length).to.equal(48);
    expect(Buffer.from(encodeTable(t)).equals(Buffer.from(big))).to.equal(true);
    // One fewer structure: no finding.
    expect(decodeTable({ signature: "SRAT", bytes: patch(big.subarray(0, at), {}), source: { file: "x" } }).diagnostics).to.deep.equal([]);
  });

  it("reserved fields and bits: RESERVED_NONZERO, RESERVED_BITS_SET", () => {
    expect(decode(patch(srat(), { 40: 1 })).codes).to.deep.equal(["warning:RESERVED_NONZERO@40"]);
    // Memory Affinity flags at 64+28: bit 7 is reserved.
    expect(decode(patch(srat(), { 92: 0x81 })).codes).to.deep.equal(["warning:RESERVED_BITS_SET@92"]);
  });

  it("HMAT revision 1 type 0 has the ACPI 6.2 layout (address range, three flag bits); revision 2 reserves them", () => {
    const range = { type: 0, values: { reserved: 0, flags: 0b111, reserved1: 0, processorProximityDomain: 0, memoryProximityDomain: 1, reserved2: 0,
      physicalAddressRangeBase: 0x100000000n, physicalAddressRangeSize: 0x80000000n } };
    const rev1 = buildTable(def("HMAT"), { header: { ...header, revision: 1 }, fixed: { reserved: 0 }, subtables: [range] });
    const t = decodeTable({ signature: "HMAT", bytes: rev1, source: { file: "x" } });
    expect(t.diagnostics).to.deep.equal([]);
    expect(t.subtables[0]?.spec.name).to.equal("Memory Subsystem Address Range");
    expect(t.subtables[0]?.values).to.include({ physicalAddressRangeBase: 0x100000000n, memoryProximityDomain: 1 });
    // The same bytes as revision 2: the range and flag bits 1-2 are reserved there.
    expect(decode(patch(rev1, { 8: 2 })).codes).to.deep.equal(["warning:RESERVED_BITS_SET@48", "warning:RESERVED_NONZERO@64", "warning:RESERVED_NONZERO@72"]);
  });

  it("buildTable refuses a model with a field missing (it would build a short structure)", () => {
    expect(() => buildTable(def("SRAT"), { header, fixed: { tableRevision: 1, reserved: 0n }, subtables: [{ type: 1, values: { proximityDomain: 1 } }] }))
      .to.throw(/SRAT subtable 0 \(Memory Affinity\) has no value for reserved1, baseAddress/);
  });

  it("MADT GICC: 76- and 80-byte entries of older ACPI revisions are not short", () => {
    const gicc = { type: 0x0b, values: Object.fromEntries(def("APIC").subtables?.spec(0x0b, { revision: 6 })?.fields.filter((f) => f.role === undefined).map((f) => [f.key, f.kind === "u64" ? 0n : 0]) ?? []) };
    const madt = buildTable(def("APIC"), { header, fixed: { localApicAddress: 0, flags: 0 }, subtables: [gicc] });
    expect(madt.length).to.equal(44 + 82);
    for (const len of [76, 80]) {
      const cut = patch(madt.subarray(0, 44 + len), { 45: len });
      expect(decode(cut).codes, String(len)).to.deep.equal([]);
    }
    expect(decode(patch(madt.subarray(0, 44 + 72), { 45: 72 })).codes).to.deep.equal(["warning:SUBTABLE_SHORT@44"]);
  });
});
