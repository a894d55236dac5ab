/**
 * Linux's first SRAT pass stops calling handlers after a Generic Initiator entry it refuses
 * (drivers/acpi/numa/srat.c acpi_parse_gi_affinity returns -EINVAL; acpi_parse_entries_array's
 * `!errs && handler(...)`), without bad_srat().
 */
import { expect } from "chai";
import { buildTopology } from "../../src/topology/build.js";
import { madtTable, sratTable } from "../helpers/numa-tables.js";
import type { FieldValues } from "../../src/acpi/layout/types.js";

const GiB = 1n << 30n;
const pci = new Uint8Array(16);
pci.set([0x00, 0x00, 0x03, 0x00]);
const gi = (pxm: number, flags: number): { type: number; values: FieldValues } => ({ type: 5, values: { deviceHandleType: 1, proximityDomain: pxm, deviceHandle: pci, flags } });
const lapic = (pxm: number, apic: number): { type: number; values: FieldValues } => ({ type: 0, values: { proximityDomainLow8: pxm, apicId: apic, flags: 1, proximityDomainHigh24: 0 } });
const mem = (pxm: number, base: bigint): { type: number; values: FieldValues } => ({ type: 1, values: { proximityDomain: pxm, baseAddress: base, addressLength: GiB, flags: 1 } });
const madt = madtTable([0, 1, 2].map((apic) => ({ type: 0, values: { processorId: apic, localApicId: apic, flags: 1 } })));

describe("Linux's SRAT CPU pass after a refused Generic Initiator entry", () => {
  it("a disabled GI entry first: no later CPU entry is read, so a PXM only they name gets no node", () => {
    const t = buildTopology([sratTable(3, [gi(5, 0), lapic(0, 0), lapic(1, 1), lapic(2, 2), mem(0, 0n), mem(1, GiB)]), madt]);
    expect(t.verdicts.linux).to.include({ usesSrat: true, nodes: 2 });
    const w = t.diagnostics.filter((d) => d.code === "LINUX_SRAT_CPU_PASS_STOPPED");
    expect(w.map((d) => [d.severity, d.offset])).to.deep.equal([["warning", 0x30]]);
    expect(w[0]?.message).to.match(/it is disabled\): the 3 later entries place no CPU/);
    // Xen has no GI handler: it reads the CPU entries.
    expect(t.verdicts.xen.nodes).to.equal(3);
  });

  it("a GI entry whose PXM gets no node does not reject the SRAT (no bad_srat)", () => {
    const t = buildTopology([sratTable(3, [lapic(0, 0), lapic(1, 1), gi(5000, 1), mem(0, 0n), mem(1, GiB)]), madt], { limits: { linuxMaxNumnodes: 2 } });
    expect(t.verdicts.linux).to.include({ usesSrat: true, nodes: 2 });
    expect(t.diagnostics.map((d) => d.code)).to.not.include("LINUX_TOO_MANY_PXM");
  });

  it("a refused GI entry last, or an enabled one, changes nothing; before 5.10 GI entries have no handler", () => {
    const last = buildTopology([sratTable(3, [lapic(0, 0), lapic(1, 1), lapic(2, 2), gi(5, 0), mem(0, 0n), mem(1, GiB)]), madt]);
    expect(last.verdicts.linux.nodes).to.equal(3);
    expect(last.diagnostics.map((d) => d.code)).to.not.include("LINUX_SRAT_CPU_PASS_STOPPED");
    const old = buildTopology([sratTable(3, [gi(5, 0), lapic(0, 0), lapic(1, 1), lapic(2, 2), mem(0, 0n), mem(1, GiB)]), madt], { kernel: { major: 5, minor: 4 } });
    expect(old.verdicts.linux.nodes).to.equal(3);
  });
});
