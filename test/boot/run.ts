/**
 * `npm run test:boot`: boot Linux under QEMU on the tables `numakit synth` writes for each
 * description in samples/synth/ (through ../shared/oracle-harness/acpitable.sh, with the -machine,
 * -smp and -m that synth prints and no -numa), and compare Linux's view with what numakit says
 * Linux will see: node masks, per-node cpulist, distance row, HMAT access classes and memory-side
 * caches (file by file against `topology --format sysfs`), each SRAT memory range on its node
 * (dmesg), and each CPU's APIC id and node. Not part of `npm test` (each boot takes ~5-40 s of TCG);
 * skips with one line when the harness, QEMU or the harness's kernel is absent. Boots run one at a
 * time. Exit 0 when every boot matches, 1 otherwise. BOOT_ONLY=name-substring limits the set;
 * BOOT_DESCS=DIR boots DIR's descriptions instead of samples/synth; BOOT_ALLOW_FINDINGS=1 boots tables
 * synth reports validation errors for (exit 1); BOOT_APPEND adds to the kernel command line (x86), e.g.
 * "nosoftlockup" for a 125-CPU x2APIC boot that TCG starves;
 * ORACLE_WORK (default /tmp/oracle) is where the harness keeps its kernel; results go to
 * $BOOT_OUT (default /tmp/numakit-boot).
 *
 * BOOT_ARCH=x86 (default) | arm64 | all. arm64 boots every description again with `synth --qemu
 * virt` under qemu-system-aarch64 (TCG, cortex-a57, GICv3, UEFI): QEMU's virt has no -acpitable, so
 * the tables go in front of the initrd (synth's acpi-tables.cpio) and Linux installs them itself
 * (CONFIG_ACPI_TABLE_UPGRADE). test/boot/setup-arm64.sh fetches the kernel, busybox and firmware into
 * $ORACLE_ARM64_WORK (default /tmp/oracle-arm64); the harness's oracle.py does the boot and capture.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import { repoRoot, runCli } from "../helpers/cli.js";
import { compareWithLinux } from "../helpers/linux-sysfs.js";
import { linuxCpus, linuxRanges, ourCpus, ourRanges } from "./linux-view.js";

const harness = process.env["ORACLE_HARNESS"] ?? join(repoRoot, "..", "shared", "oracle-harness");
const oracleWork = process.env["ORACLE_WORK"] ?? "/tmp/oracle";
const outRoot = process.env["BOOT_OUT"] ?? "/tmp/numakit-boot";
/** BOOT_DESCS=DIR boots the descriptions in DIR instead of samples/synth (trying edge cases before they become samples). */
const descDir = process.env["BOOT_DESCS"] ?? join(repoRoot, "samples", "synth");

function skip(why: string): never {
  console.log(`test:boot skipped: ${why}`);
  process.exit(0);
}

const arch = process.env["BOOT_ARCH"] ?? "x86";
if (!["x86", "arm64", "all"].includes(arch)) { console.error(`test:boot: BOOT_ARCH must be x86, arm64 or all, not ${arch}`); process.exit(2); }
const arm64Work = process.env["ORACLE_ARM64_WORK"] ?? "/tmp/oracle-arm64";
if (!existsSync(join(harness, "acpitable.sh"))) skip(`no oracle harness at ${harness} (set ORACLE_HARNESS)`);
if (arch !== "arm64") {
  if (spawnSync("qemu-system-x86_64", ["--version"]).status !== 0) skip("qemu-system-x86_64 is not installed (run ../shared/oracle-harness/setup.sh)");
  if (!existsSync(join(oracleWork, "vmlinuz"))) skip(`no kernel at ${oracleWork}/vmlinuz (run ../shared/oracle-harness/setup.sh)`);
}
if (arch !== "x86") {
  if (spawnSync("qemu-system-aarch64", ["--version"]).status !== 0) skip("qemu-system-aarch64 is not installed (apt-get install qemu-system-arm)");
  for (const f of ["vmlinuz", "initramfs.gz", "QEMU_EFI.fd"]) if (!existsSync(join(arm64Work, f))) skip(`no ${f} in ${arm64Work} (run test/boot/setup-arm64.sh)`);
}

async function synth(desc: string, out: string, extra: string[] = []): Promise<string> {
  const { code, stdout: text, stderr: err } = await runCli(["synth", desc, "--out", out, ...extra]);
  // Exit 1 is validation findings (e.g. an SRAT Xen rejects but Linux takes): BOOT_ALLOW_FINDINGS=1 boots it anyway.
  if (code !== 0 && !(code === 1 && process.env["BOOT_ALLOW_FINDINGS"] === "1")) throw new Error(`numakit synth ${desc} exited ${String(code)}: ${err}`);
  return text;
}

/** -machine/-smp/-m (and -cpu/-device when there are any) from the command line synth printed. */
function qemuArgs(printed: string, binary = "qemu-system-x86_64"): string[] {
  const line = printed.split("\n").find((l) => l.startsWith(`${binary} `));
  if (line === undefined) throw new Error(`synth printed no QEMU command line:\n${printed}`);
  const words = line.split(" ");
  // -cpu and -device come with APIC ids from 255 on (x2APIC vCPUs, intel-iommu interrupt remapping).
  return ["-machine", "-smp", "-m", "-cpu", "-device"].flatMap((opt) => { const i = words.indexOf(opt); return i < 0 && (opt === "-cpu" || opt === "-device") ? [] : [opt, words[i + 1] ?? ""]; });
}


/** Each table we gave, byte for byte in the guest's /sys/firmware/acpi/tables, and alone with its signature. */
function tablesReached(tablesDir: string, bootDir: string, sigs: readonly string[]): string[] {
  const seen = readdirSync(join(bootDir, "tables"));
  return sigs.flatMap((sig) => {
    const same = seen.filter((f) => new RegExp(`^${sig}\\d*$`).test(f));
    if (same.length !== 1) return [`${sig}: the guest has ${same.length === 0 ? "none" : same.join(", ")}`];
    return Buffer.compare(readFileSync(join(tablesDir, sig)), readFileSync(join(bootDir, "tables", sig))) === 0 ? [] : [`${sig}: the guest's differs from ours`];
  });
}

/**
 * arm64: boot `tablesDir` (synth --qemu virt) through the harness's oracle.py with a work directory
 * whose initramfs is synth's acpi-tables.cpio followed by the base initramfs.
 */
/** oracle.py takes a path for a QEMU other than its x86 ones. */
const aarch64Qemu = process.env["ORACLE_ARM64_QEMU"] ?? "/usr/bin/qemu-system-aarch64";

function bootArm64(tablesDir: string, bootDir: string, printed: string): ReturnType<typeof spawnSync> {
  const args = (printed.split("\n").find((l) => l.startsWith("qemu-system-aarch64 ")) ?? "").split(" ");
  const opt = (o: string): string => args[args.indexOf(o) + 1] ?? "";
  const work = join(bootDir, "..", "work");
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "initramfs.gz"), Buffer.concat([readFileSync(join(tablesDir, "acpi-tables.cpio")), readFileSync(join(arm64Work, "initramfs.gz"))]));
  for (const f of ["vmlinuz", "kernel.package"]) if (existsSync(join(arm64Work, f))) writeFileSync(join(work, f), readFileSync(join(arm64Work, f)));
  const [machine, ...mopts] = opt("-machine").split(",");
  const config = {
    description: `numakit synth --qemu virt: ${tablesDir}`, machine, machine_opts: Object.fromEntries(mopts.map((kv): [string, string] => [kv.split("=")[0] ?? kv, kv.split("=")[1] ?? ""])),
    cpu: opt("-cpu"), smp: opt("-smp"), memory: { size: opt("-m") },
    extra_args: ["-bios", join(arm64Work, "QEMU_EFI.fd")], append: "console=ttyAMA0", timeout: 600,
  };
  mkdirSync(bootDir, { recursive: true });
  writeFileSync(join(bootDir, "config.json"), `${JSON.stringify(config, null, 1)}\n`);
  return spawnSync("python3", [join(harness, "oracle.py"), join(bootDir, "config.json"), bootDir], {
    encoding: "utf8", env: { ...process.env, ORACLE_WORK: work, ORACLE_QEMU: aarch64Qemu },
  });
}

interface BootResult { name: string; seconds: number; ok: boolean; agree: number; differ: string[]; memTotal: string; view: string }

async function bootOne(descFile: string, arm64: boolean): Promise<BootResult> {
  const name = `${descFile.replace(/\.json$/, "")}${arm64 ? "-virt" : ""}`;
  const tablesDir = join(outRoot, name, "tables");
  const bootDir = join(outRoot, name, "boot");
  rmSync(join(outRoot, name), { recursive: true, force: true });
  mkdirSync(join(outRoot, name), { recursive: true });
  const printed = await synth(join(descDir, descFile), tablesDir, arm64 ? ["--qemu", "virt"] : []);
  const { tables, diagnostics } = await readTables([tablesDir]);
  const t = analyse(tables, {}, diagnostics).topology;
  const started = Date.now();
  const boot = arm64
    ? bootArm64(tablesDir, bootDir, printed)
    : spawnSync(join(harness, "acpitable.sh"), [tablesDir, bootDir, ...qemuArgs(printed), ...(process.env["BOOT_APPEND"] === undefined ? [] : ["-append", process.env["BOOT_APPEND"]])], {
      // x2APIC under TCG needs QEMU 8.1+: the harness's backports QEMU (10.0).
      encoding: "utf8", env: { ...process.env, ORACLE_INHERIT: "0", ...(printed.includes("+x2apic") && process.env["ORACLE_QEMU"] === undefined ? { ORACLE_QEMU: "backports" } : {}) },
    });
  const seconds = (Date.now() - started) / 1000;
  const [bootOut, bootErr] = [String(boot.stdout), String(boot.stderr)];
  writeFileSync(join(outRoot, name, "boot.log"), `${bootOut}\n${bootErr}`);
  const differ: string[] = [];
  if (boot.status !== 0) {
    return { name, seconds, ok: false, agree: 0, differ: [`${arm64 ? "oracle.py" : "acpitable.sh"} exited ${boot.status ?? "on a signal"}: ${bootErr.trim().split("\n").slice(-2).join(" ")}`], memTotal: "", view: "" };
  }
  if (arm64) differ.push(...tablesReached(tablesDir, bootDir, tables.map((x) => x.signature).filter((x) => x !== "APIC")));
  const linuxDir = join(bootDir, "linux");
  const cmp = compareWithLinux(sysfsTree(t), linuxDir);
  differ.push(...cmp.differ.map((d) => `${d.file}: numakit ${JSON.stringify(d.ours)} vs Linux ${JSON.stringify(d.linux)}`));
  const [lr, or] = [linuxRanges(linuxDir), ourRanges(t)];
  if (lr.join("|") !== or.join("|")) differ.push(`memory ranges: numakit ${or.join(", ")} vs Linux ${lr.join(", ")}`);
  const [lc, oc] = [linuxCpus(linuxDir, !arm64), ourCpus(t, !arm64)];
  if (lc.join("|") !== oc.join("|")) differ.push(`cpus: numakit ${oc.join(", ")} vs Linux ${lc.join(", ")}`);
  const read = (f: string): string => readFileSync(join(linuxDir, f), "utf8").trim();
  const rows = readdirSync(join(linuxDir, "node")).sort().map((n) => `${n} cpus ${read(`node/${n}/cpulist`) || "-"} dist ${read(`node/${n}/distance`)}`);
  const view = `online ${read("nodes_online")} possible ${read("nodes_possible")}; ${rows.join("; ")}; ${lr.length} SRAT ranges`;
  const memTotal = cmp.memTotal.map((m) => `node${m.node} ${m.oursKb}/${m.linuxKb} kB`).join(", ");
  return { name, seconds, ok: differ.length === 0, agree: cmp.agree.length + 2, differ, memTotal, view };
}

const only = process.env["BOOT_ONLY"];
const descs = readdirSync(descDir).filter((f) => f.endsWith(".json") && (only === undefined || f.includes(only))).sort();
mkdirSync(outRoot, { recursive: true });
const version = (bin: string): string => execFileSync(bin, ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "";
const pkg = (dir: string, f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8").trim() : "custom");
const runs: [string, boolean][] = [];
if (arch !== "arm64") {
  console.log(`test:boot: x86: ${descs.length} descriptions, ${version("qemu-system-x86_64")}, kernel ${pkg(oracleWork, "kernel.package")}`);
  runs.push(...descs.map((d): [string, boolean] => [d, false]));
}
if (arch !== "x86") {
  console.log(`test:boot: arm64 (--qemu virt): ${descs.length} descriptions, ${version("qemu-system-aarch64")}, kernel ${pkg(arm64Work, "kernel.package")}, firmware ${pkg(arm64Work, "firmware.package")}`);
  runs.push(...descs.map((d): [string, boolean] => [d, true]));
}
const results: BootResult[] = [];
for (const [d, arm64] of runs) {
  // One description that synth refuses must not stop the others.
  const r = await bootOne(d, arm64).catch((e: unknown): BootResult => ({ name: d, seconds: 0, ok: false, agree: 0, differ: [e instanceof Error ? e.message.trim() : String(e)], memTotal: "", view: "" }));
  results.push(r);
  console.log(`${r.ok ? "PASS" : "FAIL"} ${r.name} (${r.seconds.toFixed(1)} s): ${r.agree} checks agree${r.differ.length > 0 ? `, ${r.differ.length} differ` : ""}`);
  if (r.view !== "") console.log(`     Linux: ${r.view}`);
  if (r.memTotal !== "") console.log(`     MemTotal SRAT/Linux (Linux less kernel reservations): ${r.memTotal}`);
  for (const x of r.differ) console.log(`     DIFF ${x}`);
}
writeFileSync(join(outRoot, "results.json"), `${JSON.stringify(results, null, 1)}\n`);
const failed = results.filter((r) => !r.ok).length;
console.log(`test:boot: ${results.length - failed}/${results.length} boots match (results in ${outRoot}/results.json)`);
process.exitCode = failed > 0 ? 1 : 0;
