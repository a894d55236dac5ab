/**
 * `npm run test:boot`: boot Linux under QEMU on the tables `numakit synth` writes for each
 * description in samples/synth/ (through ../shared/oracle-harness/acpitable.sh, with the -machine,
 * -smp and -m that synth prints and no -numa), and compare Linux's view with what numakit says
 * Linux will see: node masks, per-node cpulist, distance row, HMAT access classes and memory-side
 * caches (file by file against `topology --format sysfs`), each SRAT memory range on its node
 * (dmesg), and each CPU's APIC id and node. Not part of `npm test` (each boot takes ~5-40 s of TCG);
 * skips with one line when the harness, QEMU or the harness's kernel is absent. Boots run one at a
 * time. Exit 0 when every boot matches, 1 otherwise. BOOT_ONLY=name-substring limits the set;
 * ORACLE_WORK (default /tmp/oracle) is where the harness keeps its kernel; results go to
 * $BOOT_OUT (default /tmp/numakit-boot).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTables } from "../../src/acpi/index.js";
import { analyse } from "../../src/analyse.js";
import { sysfsTree } from "../../src/synth/sysfs.js";
import type { Topology } from "../../src/topology/model.js";
import { repoRoot, runCli } from "../helpers/cli.js";
import { compareWithLinux } from "../helpers/linux-sysfs.js";

const harness = process.env["ORACLE_HARNESS"] ?? join(repoRoot, "..", "shared", "oracle-harness");
const oracleWork = process.env["ORACLE_WORK"] ?? "/tmp/oracle";
const outRoot = process.env["BOOT_OUT"] ?? "/tmp/numakit-boot";

function skip(why: string): never {
  console.log(`test:boot skipped: ${why}`);
  process.exit(0);
}

if (!existsSync(join(harness, "acpitable.sh"))) skip(`no oracle harness at ${harness} (set ORACLE_HARNESS)`);
if (spawnSync("qemu-system-x86_64", ["--version"]).status !== 0) skip("qemu-system-x86_64 is not installed (run ../shared/oracle-harness/setup.sh)");
if (!existsSync(join(oracleWork, "vmlinuz"))) skip(`no kernel at ${oracleWork}/vmlinuz (run ../shared/oracle-harness/setup.sh)`);

async function synth(desc: string, out: string): Promise<string> {
  const { code, stdout: text, stderr: err } = await runCli(["synth", desc, "--out", out]);
  if (code !== 0) throw new Error(`numakit synth ${desc} exited ${String(code)}: ${err}`);
  return text;
}

/** -machine/-smp/-m from the command line synth printed. */
function qemuArgs(printed: string): string[] {
  const line = printed.split("\n").find((l) => l.startsWith("qemu-system-x86_64 "));
  if (line === undefined) throw new Error(`synth printed no QEMU command line:\n${printed}`);
  const words = line.split(" ");
  return ["-machine", "-smp", "-m"].flatMap((opt) => { const i = words.indexOf(opt); return [opt, words[i + 1] ?? ""]; });
}

/** "Node N PXM M [mem A-B]" lines: the ranges Linux put on each node. */
function linuxRanges(linuxDir: string): string[] {
  const dmesg = readFileSync(join(linuxDir, "dmesg-numa.txt"), "utf8");
  return [...dmesg.matchAll(/ACPI: SRAT: Node (\d+) PXM (\d+) \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]( hotplug)?/g)]
    .map((m) => `node ${m[1]} pxm ${m[2]} ${BigInt(m[3] ?? "0").toString(16)}-${BigInt(m[4] ?? "0").toString(16)}${m[5] ?? ""}`).sort();
}

function ourRanges(t: Topology): string[] {
  return t.nodes.flatMap((n) => n.memory.map((r) => `node ${n.id} pxm ${n.pxm} ${r.base.toString(16)}-${(r.base + r.length - 1n).toString(16)}${r.hotPluggable ? " hotplug" : ""}`)).sort();
}

function ourCpus(t: Topology): string[] {
  return t.nodes.flatMap((n) => n.cpus.filter((c) => c.linuxCpu !== undefined).map((c) => `cpu ${c.linuxCpu} node ${n.id} apic ${c.id}`)).sort();
}

function linuxCpus(linuxDir: string): string[] {
  const s = JSON.parse(readFileSync(join(linuxDir, "summary.json"), "utf8")) as { cpus: { cpu: number; node: number; apicid: number | string }[] };
  return s.cpus.map((c) => `cpu ${c.cpu} node ${c.node} apic ${c.apicid}`).sort();
}

interface BootResult { name: string; seconds: number; ok: boolean; agree: number; differ: string[]; memTotal: string; view: string }

async function bootOne(descFile: string): Promise<BootResult> {
  const name = descFile.replace(/\.json$/, "");
  const tablesDir = join(outRoot, name, "tables");
  const bootDir = join(outRoot, name, "boot");
  rmSync(join(outRoot, name), { recursive: true, force: true });
  mkdirSync(join(outRoot, name), { recursive: true });
  const printed = await synth(join(repoRoot, "samples", "synth", descFile), tablesDir);
  const { tables, diagnostics } = await readTables([tablesDir]);
  const t = analyse(tables, {}, diagnostics).topology;
  const started = Date.now();
  const boot = spawnSync(join(harness, "acpitable.sh"), [tablesDir, bootDir, ...qemuArgs(printed)], { encoding: "utf8", env: { ...process.env, ORACLE_INHERIT: "0" } });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(outRoot, name, "acpitable.log"), `${boot.stdout}\n${boot.stderr}`);
  const differ: string[] = [];
  if (boot.status !== 0) {
    return { name, seconds, ok: false, agree: 0, differ: [`acpitable.sh exited ${boot.status ?? "on a signal"}: ${boot.stderr.trim().split("\n").slice(-2).join(" ")}`], memTotal: "", view: "" };
  }
  const linuxDir = join(bootDir, "linux");
  const cmp = compareWithLinux(sysfsTree(t), linuxDir);
  differ.push(...cmp.differ.map((d) => `${d.file}: numakit ${JSON.stringify(d.ours)} vs Linux ${JSON.stringify(d.linux)}`));
  const [lr, or] = [linuxRanges(linuxDir), ourRanges(t)];
  if (lr.join("|") !== or.join("|")) differ.push(`memory ranges: numakit ${or.join(", ")} vs Linux ${lr.join(", ")}`);
  const [lc, oc] = [linuxCpus(linuxDir), ourCpus(t)];
  if (lc.join("|") !== oc.join("|")) differ.push(`cpus: numakit ${oc.join(", ")} vs Linux ${lc.join(", ")}`);
  const read = (f: string): string => readFileSync(join(linuxDir, f), "utf8").trim();
  const rows = readdirSync(join(linuxDir, "node")).sort().map((n) => `${n} cpus ${read(`node/${n}/cpulist`) || "-"} dist ${read(`node/${n}/distance`)}`);
  const view = `online ${read("nodes_online")} possible ${read("nodes_possible")}; ${rows.join("; ")}; ${lr.length} SRAT ranges`;
  const memTotal = cmp.memTotal.map((m) => `node${m.node} ${m.oursKb}/${m.linuxKb} kB`).join(", ");
  return { name, seconds, ok: differ.length === 0, agree: cmp.agree.length + 2, differ, memTotal, view };
}

const only = process.env["BOOT_ONLY"];
const descs = readdirSync(join(repoRoot, "samples", "synth")).filter((f) => f.endsWith(".json") && (only === undefined || f.includes(only))).sort();
mkdirSync(outRoot, { recursive: true });
const qemuVersion = execFileSync("qemu-system-x86_64", ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "";
console.log(`test:boot: ${descs.length} descriptions, ${qemuVersion}, kernel ${existsSync(join(oracleWork, "kernel.package")) ? readFileSync(join(oracleWork, "kernel.package"), "utf8").trim() : "custom"}`);
const results: BootResult[] = [];
for (const d of descs) {
  const r = await bootOne(d);
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
