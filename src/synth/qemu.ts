/**
 * The QEMU command line that boots a guest whose RAM and CPUs are the ones the tables describe.
 *
 * - No `-numa`: with none, QEMU writes no SRAT/SLIT/HMAT of its own and the guest reads ours.
 * - `-m SIZE` with no `slots=`/`maxmem=`: memory hot-plug makes QEMU build an SRAT itself (for its
 *   device-memory region), listed before ours, and Linux parses only the first SRAT. Hot-plug
 *   windows can still be described in our SRAT; Linux then marks those nodes possible.
 * - `-smp N,sockets=S,cores=C,threads=T`, so QEMU's MADT has the SRAT's APIC ids.
 * - Our MADT is not passed: QEMU's own has the same CPUs, and two would confuse the guest.
 * - x86 (q35, pc): one `-acpitable file=` per table. arm64 virt: QEMU has no `-acpitable` for
 *   it ("Option not supported for this target"; virt_acpi_build() in hw/arm/virt-acpi-build.c
 *   never adds user tables), so the tables travel in the initrd instead and Linux installs them
 *   itself (CONFIG_ACPI_TABLE_UPGRADE, drivers/acpi/tables.c acpi_table_upgrade()): the command
 *   has `-machine virt,gic-version=3` (GICv2 stops at 8 CPUs), a 64-bit `-cpu` (virt's default
 *   under TCG is the 32-bit cortex-a15) and UEFI firmware (QEMU's virt hands its ACPI tables only to
 *   firmware; without it Linux boots from the device tree).
 */
import { formatSize } from "./size.js";
import { needsX2apicMode, type Host } from "./layout.js";

export interface QemuCommand {
  args: string[];
  /** Shell-quoted, one line. */
  line: string;
  /** How the tables reach the guest: `-acpitable` options, or an initrd that starts with them (virt). */
  tablesVia: "acpitable" | "initrd";
  /** What the command needs beyond the obvious (QEMU version, ...), one sentence each. */
  notes: string[];
}

/** UEFI firmware for `-bios`, as QEMU installs it in its data directory (pc-bios/edk2-aarch64-code.fd). */
export const VIRT_FIRMWARE = "edk2-aarch64-code.fd";

/**
 * APIC ids from 255 on (q35): the vCPU needs the x2APIC feature (QEMU 8.1+ emulates it under TCG;
 * apic_common_set_id(): "APIC ID 256 requires x2APIC feature in CPU"; QEMU 7.2 under TCG refuses
 * the -smp outright: "requires kernel irqchip and X2APIC API support"), and Linux keeps x2APIC
 * mode, hence those CPUs, only with interrupt remapping in Extended Interrupt Mode
 * (try_to_enable_x2apic(), arch/x86/kernel/apic/apic.c, v6.1): intel-iommu with intremap and eim.
 * `kernel-irqchip=split` is what intel-iommu's interrupt remapping needs under KVM; TCG ignores it.
 * Booted (QEMU 10.0 TCG, Linux 6.1, 5 sockets x 5 cores x 5 threads, one node per socket): all 125
 * CPUs come up on their SRAT nodes, APIC ids 256..292 on node 4. Linux still gives those CPUs
 * package 0 (qemu64's CPUID reports the 8-bit initial APIC id) and warns "sched: CPU #100's
 * llc-sibling CPU #0 is not on the same node! [node: 4 != 0]" from topology_sane()
 * (arch/x86/kernel/smpboot.c); `l3-cache=off` does not change that, and the NUMA view is unaffected.
 */
const X2APIC_ARGS = ["-cpu", "qemu64,+x2apic", "-device", "intel-iommu,intremap=on,eim=on"];

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

/** The command for `tableFiles` (paths of SRAT, SLIT, HMAT), or undefined when QEMU cannot model the host (host.qemuProblems says why). */
export function qemuCommand(host: Host, tableFiles: readonly string[]): QemuCommand | undefined {
  if (host.smp === undefined || host.ramBytes === undefined || host.qemuProblems.length > 0) return undefined;
  const { sockets, cores, threads } = host.smp;
  const x2apic = host.machine !== "virt" && needsX2apicMode(host.nodes);
  const smp = ["-smp", `${sockets * cores * threads},sockets=${sockets},cores=${cores},threads=${threads}`];
  const m = ["-m", formatSize(host.ramBytes)];
  const args = host.machine === "virt"
    ? ["qemu-system-aarch64", "-machine", "virt,gic-version=3", "-cpu", "cortex-a57", ...smp, ...m, "-bios", VIRT_FIRMWARE]
    : ["qemu-system-x86_64", "-machine", host.machine + (x2apic ? ",kernel-irqchip=split" : ""), ...(x2apic ? X2APIC_ARGS : []), ...smp, ...m, ...tableFiles.flatMap((f) => ["-acpitable", `file=${f}`])];
  const notes = x2apic ? ["APIC ids from 255 on: x2APIC vCPUs and intel-iommu interrupt remapping, so QEMU 8.1 or later under TCG (7.2 refuses these ids without KVM)"] : [];
  return { args, line: args.map(quote).join(" "), tablesVia: host.machine === "virt" ? "initrd" : "acpitable", notes };
}
