/**
 * `npm run test:boot:cxl` (issue 16): boot QEMU's CXL configurations (test/boot/cxl/*.json, oracle
 * harness configs: q35,cxl=on with pxb-cxl host bridges, cxl-rp root ports, cxl-type3 devices and
 * cxl-fmw windows; QEMU builds SRAT, CEDT and, when asked, HMAT) through ../shared/oracle-harness/run.sh
 * with QEMU 10 (ORACLE_QEMU=backports), and compare numakit's view of the tables the guest saw,
 * under the guest kernel's rules (`--kernel` from the harness's kernel package), with Linux's own:
 * the node masks (possible: SRAT nodes plus one per CFMWS window; online; has_cpu; has_memory), per
 * online node cpulist, distance row and HMAT access classes (file by file, as `topology --format
 * sysfs`), each SRAT memory range on its node (dmesg) and each CPU's node and APIC id. Not part of
 * `npm test`; skips with one line when the harness, its kernel or the backports QEMU is absent. Boots
 * run one at a time. BOOT_ONLY=name-substring limits the set; results go to $BOOT_OUT (default
 * /tmp/numakit-boot-cxl). Exit 0 when every boot matches, 1 otherwise.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import { parseKernel } from "../../src/topology/kernel.js";
import { repoRoot } from "../helpers/cli.js";
import { compareWithLinux } from "../helpers/linux-sysfs.js";
import { linuxCpus, linuxRanges, ourCpus, ourRanges } from "./linux-view.js";

const harness = process.env["ORACLE_HARNESS"] ?? join(repoRoot, "..", "shared", "oracle-harness");
const oracleWork = process.env["ORACLE_WORK"] ?? "/tmp/oracle";
const outRoot = process.env["BOOT_OUT"] ?? "/tmp/numakit-boot-cxl";

function skip(why: string): never {
  console.log(`test:boot:cxl skipped: ${why}`);
  process.exit(0);
}

if (!existsSync(join(harness, "run.sh"))) skip(`no oracle harness at ${harness} (set ORACLE_HARNESS)`);
if (!existsSync(join(oracleWork, "vmlinuz"))) skip(`no kernel at ${oracleWork}/vmlinuz (run ../shared/oracle-harness/setup.sh)`);
if (!existsSync(join(oracleWork, "qemu-bpo", "usr", "bin", "qemu-system-x86_64"))) skip(`no QEMU 10 at ${oracleWork}/qemu-bpo (CXL needs it; run ../shared/oracle-harness/setup.sh)`);

const kernelPackage = existsSync(join(oracleWork, "kernel.package")) ? readFileSync(join(oracleWork, "kernel.package"), "utf8").trim() : "custom";
// linux-image-6.1.0-57-cloud-amd64 -> 6.1: the rules numakit applies are the guest kernel's.
const kernelText = process.env["BOOT_KERNEL"] ?? /linux-image-(\d+\.\d+)/.exec(kernelPackage)?.[1] ?? "6.1";

interface CxlResult { name: string; seconds: number; ok: boolean; agree: string[]; differ: string[]; linux: string; numakit: string }

async function bootOne(config: string): Promise<CxlResult> {
  const name = config.replace(/\.json$/, "");
  const out = join(outRoot, name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const boot = spawnSync(join(harness, "run.sh"), [join(repoRoot, "test", "boot", "cxl", config), out], { encoding: "utf8", env: { ...process.env, ORACLE_QEMU: "backports" } });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(outRoot, `${name}.log`), `${boot.stdout}\n${boot.stderr}`);
  if (boot.status !== 0) return { name, seconds, ok: false, agree: [], differ: [`run.sh exited ${boot.status ?? "on a signal"}: ${boot.stderr.trim().split("\n").slice(-3).join(" ")}`], linux: "", numakit: "" };
  const { tables, diagnostics } = await readTables([join(out, "tables")]);
  const t = analyse(tables, { kernel: parseKernel(kernelText) }, diagnostics).topology;
  const linuxDir = join(out, "linux");
  const cmp = compareWithLinux(sysfsTree(t), linuxDir);
  const differ = cmp.differ.map((d) => `${d.file}: numakit ${JSON.stringify(d.ours)} vs Linux ${JSON.stringify(d.linux)}`);
  const agree = [...cmp.agree];
  const [lr, or] = [linuxRanges(linuxDir), ourRanges(t)];
  if (lr.join("|") === or.join("|")) agree.push(`${lr.length} SRAT memory ranges`); else differ.push(`memory ranges: numakit ${or.join(", ")} vs Linux ${lr.join(", ")}`);
  const [oc, lc] = [ourCpus(t, true), linuxCpus(linuxDir, true)];
  if (lc.join("|") === oc.join("|")) agree.push(`${lc.length} CPUs' nodes`); else differ.push(`cpus: numakit ${oc.join(", ")} vs Linux ${lc.join(", ")}`);
  const read = (f: string): string => (existsSync(join(linuxDir, f)) ? readFileSync(join(linuxDir, f), "utf8").trim() : "-");
  const linux = `possible ${read("nodes_possible")} online ${read("nodes_online")} has_memory ${read("nodes_has_memory")}`;
  const numakit = t.nodes.map((n) => `node${n.id}=PXM${n.pxm}:${n.kind}${n.cxlWindow === undefined ? "" : `[0x${n.cxlWindow.base.toString(16)}+0x${n.cxlWindow.size.toString(16)}]`}`).join(" ");
  return { name, seconds, ok: differ.length === 0, agree, differ, linux, numakit };
}

const only = process.env["BOOT_ONLY"];
const configs = readdirSync(join(repoRoot, "test", "boot", "cxl")).filter((f) => f.endsWith(".json") && (only === undefined || f.includes(only))).sort();
mkdirSync(outRoot, { recursive: true });
console.log(`test:boot:cxl: ${configs.length} configurations, QEMU 10 (backports), kernel ${kernelPackage} (numakit --kernel ${kernelText})`);
const results: CxlResult[] = [];
for (const c of configs) {
  const r = await bootOne(c);
  results.push(r);
  console.log(`${r.ok ? "PASS" : "FAIL"} ${r.name} (${r.seconds.toFixed(1)} s): ${r.agree.length} checks agree${r.differ.length > 0 ? `, ${r.differ.length} differ` : ""}`);
  if (r.linux !== "") console.log(`     Linux: ${r.linux}\n     numakit: ${r.numakit}`);
  for (const x of r.differ) console.log(`     DIFF ${x}`);
}
writeFileSync(join(outRoot, "results.json"), `${JSON.stringify(results, null, 1)}\n`);
const failed = results.filter((r) => !r.ok).length;
console.log(`test:boot:cxl: ${results.length - failed}/${results.length} boots match (results in ${outRoot}/results.json)`);
process.exitCode = failed > 0 ? 1 : 0;
