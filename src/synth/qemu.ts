/**
 * The QEMU command line that boots a guest whose RAM and CPUs are the ones the tables describe.
 *
 * - No `-numa`: with none, QEMU writes no SRAT/SLIT/HMAT of its own and the guest reads ours.
 * - `-m SIZE` with no `slots=`/`maxmem=`: memory hot-plug makes QEMU build an SRAT itself (for its
 *   device-memory region), listed before ours, and Linux parses only the first SRAT. Hot-plug
 *   windows can still be described in our SRAT; Linux then marks those nodes possible.
 * - `-smp N,sockets=S,cores=C,threads=T`, so QEMU's MADT has the SRAT's APIC ids.
 * - Our MADT is not passed: QEMU's own has the same CPUs, and two would confuse the guest.
 */
import { formatSize } from "./size.js";
import type { Host } from "./layout.js";

export interface QemuCommand {
  args: string[];
  /** Shell-quoted, one line. */
  line: string;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

/** The command for `tableFiles` (paths of SRAT, SLIT, HMAT), or undefined when QEMU cannot model the host. */
export function qemuCommand(host: Host, tableFiles: readonly string[]): QemuCommand | undefined {
  if (host.smp === undefined || host.ramBytes === undefined) return undefined;
  const { sockets, cores, threads } = host.smp;
  const args = [
    "qemu-system-x86_64",
    "-machine", host.machine,
    "-smp", `${sockets * cores * threads},sockets=${sockets},cores=${cores},threads=${threads}`,
    "-m", formatSize(host.ramBytes),
    ...tableFiles.flatMap((f) => ["-acpitable", `file=${f}`]),
  ];
  return { args, line: args.map(quote).join(" ") };
}
