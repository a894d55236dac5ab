/**
 * Start-up and per-dump cost (issue 19), as CPU time (user + system) against baselines measured in
 * the same run, medians of several round-robin runs:
 *  - the built CLI (`node bin/numakit`: dist/cli/bundle/, see scripts/build.mjs) next to a bare
 *    `node -e 0`: `--help` and `topology samples/4node` (goals ≤ 1.3× and ≤ 1.5×), plus peak RSS;
 *  - the Dell PowerEdge R820 dump of the corpus (19 tables) next to ACPICA's pipeline on it,
 *    `acpixtract -a` then `iasl -d` of every extracted table: in process (scanHost, what `numakit
 *    scan` runs per dump, from the build, measured in rounds alternating with ACPICA's; goal ≥ 10× faster) and as one process (`numakit validate`; goal no slower).
 * Also the ES modules each start loads (a module-loader hook counts them): Node 20's ES-module
 * loader costs about 1.5 ms of CPU per file, which is why the CLI is bundled into one CommonJS file
 * per command (scripts/build.mjs), compiled with its code cache; topology is also run without it.
 * Figures, not pass/fail. STARTUP_BENCH_ROUNDS overrides the number of rounds (default 15).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { load, goal, median, peakRssMiB, processMedians, timeProcess } from "./lib/measure.js";
import type { BenchReport } from "./run.js";

export const name = "startup";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const R820 = join(root, "..", "shared", "samples", "real", "dell-poweredge-r820-E5985CCBA349.txt");
const ROUNDS = Number(process.env["STARTUP_BENCH_ROUNDS"] ?? 15);

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** CPU ms of ACPICA's pipeline on `dump`, each run in a fresh directory: acpixtract -a, then iasl -d of every table. */
function acpicaOnce(dump: string, tables: readonly string[]): number {
  const dir = mkdtempSync(join(tmpdir(), "numakit-acpica-"));
  try {
    const x = timeProcess(["acpixtract", "-a", dump], dir);
    const d = timeProcess(["iasl", "-d", ...tables], dir);
    if (x.status !== 0 || d.status !== 0) throw new Error(`ACPICA failed on ${dump} (acpixtract ${x.status ?? "?"}, iasl ${d.status ?? "?"})`);
    return x.cpuMs + d.cpuMs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The .dat files acpixtract -a writes for `dump`. */
function extractedNames(dump: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "numakit-acpica-"));
  try {
    execFileSync("acpixtract", ["-a", dump], { cwd: dir, stdio: "ignore" });
    return readdirSync(dir).filter((f) => f.endsWith(".dat")).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints every module URL the loader loads to stderr, one "loaded <url>" line each (as test/cli/lazy-load.test.ts). */
const HOOK = "data:text/javascript," + encodeURIComponent(
  'import { register } from "node:module";' +
  'register("data:text/javascript," + encodeURIComponent("export async function load(u, c, next) { process.stderr.write(\\"loaded \\" + u + \\"\\\\n\\"); return next(u, c); }"));',
);

/** "N files (M from node_modules)": the JavaScript files one run of `argv` (node's arguments) loads. */
function filesLoaded(argv: readonly string[]): string {
  const r = spawnSync(process.execPath, ["--import", HOOK, ...argv], { cwd: root, encoding: "utf8" });
  const files = r.stderr.split("\n").filter((l) => l.startsWith("loaded file:"));
  return `${files.length} files (${files.filter((l) => l.includes("/node_modules/")).length} from node_modules)`;
}

type ScanHost = (file: string) => Promise<unknown>;

/**
 * The built scanHost (dist/, what `numakit scan`'s workers run; run() builds first), not the
 * sources through tsx, whose keepNames wrappers and transforms a user's scan never pays.
 */
async function builtScanHost(): Promise<ScanHost> {
  const url = pathToFileURL(join(root, "dist", "fleet", "scan-host.js")).href;
  return ((await import(url)) as { scanHost: ScanHost }).scanHost;
}

/** CPU ms of each of `n` in-process scans of `dump`. */
async function scans(scan: ScanHost, dump: string, n: number): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    await scan(dump);
    const c = process.cpuUsage(c0);
    xs.push((c.user + c.system) / 1000);
  }
  return xs;
}

/**
 * ACPICA's pipeline and the in-process scan of the R820 dump, measured in alternation (one ACPICA
 * run, then ten scans, each round) so that both see the same machine: this host's speed drifts by
 * a third over a minute, and two blocks measured one after the other compared two machines. The
 * scans are warmed up first for at least a second of CPU: V8 keeps optimizing the decoders over
 * the first few dozen scans (the first take 25 ms, the hundredth 5).
 */
async function acpicaAndScan(dump: string, tables: readonly string[]): Promise<{ acpicaMs: number; scanMs: number; scans: number }> {
  const scan = await builtScanHost();
  let warm = 0;
  for (let i = 0; i < 400 && warm < 1000; i++) warm += (await scans(scan, dump, 1))[0] ?? 0;
  const acpica: number[] = [];
  const inproc: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    acpica.push(acpicaOnce(dump, tables));
    inproc.push(...(await scans(scan, dump, 10)));
  }
  return { acpicaMs: median(acpica), scanMs: median(inproc), scans: inproc.length };
}

export async function run(): Promise<BenchReport> {
  const lines: string[] = [];
  // The CLI as installed runs dist/: build it so that the figures are of the current sources.
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "ignore" });
  const cli = [process.execPath, join(root, "bin", "numakit")];
  const cmds: Record<string, string[]> = {
    "node -e 0": [process.execPath, "-e", "0"],
    "numakit --help": [...cli, "--help"],
    "numakit topology samples/4node": [...cli, "topology", "samples/4node"],
    // The same without the build's V8 code cache (bin/numakit): what the cache saves. Through env(1),
    // whose own start adds about a millisecond.
    "numakit topology samples/4node, no code cache": ["env", "NUMAKIT_CODE_CACHE=off", ...cli, "topology", "samples/4node"],
  };
  const corpus = existsSync(R820);
  if (corpus) {
    cmds["numakit validate R820"] = [...cli, "validate", R820];
    cmds["numakit decode R820"] = [...cli, "decode", R820];
  }
  lines.push(`${ROUNDS} round-robin rounds, CPU = user + system; ${load()} (before)`);
  const m = processMedians(cmds, root, ROUNDS);
  const base = m["node -e 0"]?.cpuMs ?? NaN;
  const rss = (argv: readonly string[]): string => `${peakRssMiB(argv, root).toFixed(0)} MiB`;
  lines.push(`node -e 0: ${base.toFixed(1)} ms CPU (median), peak RSS ${rss(cmds["node -e 0"] ?? [])}`);
  const limits: Record<string, number> = { "numakit --help": 1.3, "numakit topology samples/4node": 1.5 };
  for (const [k, v] of Object.entries(m)) {
    if (k === "node -e 0") continue;
    const lim = limits[k];
    const ratio = v.cpuMs / base;
    lines.push(`${k}: ${v.cpuMs.toFixed(1)} ms CPU, ${lim === undefined ? `${ratio.toFixed(2)}×` : goal(ratio, lim)} node -e 0, peak RSS ${rss(cmds[k] ?? [])}${v.failed > 0 ? `, ${v.failed} runs FAILED` : ""}`);
  }

  lines.push(`ES modules loaded: numakit --help ${filesLoaded(cmds["numakit --help"]?.slice(1) ?? [])}; numakit topology samples/4node ${filesLoaded(cmds["numakit topology samples/4node"]?.slice(1) ?? [])} (the one is bin/numakit, CommonJS, seen by the hook as the entry; the bundle it runs is compiled by vm.Script)`);

  if (!corpus) { lines.push("ACPICA comparison skipped: no corpus at ../shared/samples"); return { lines }; }
  if (!has("acpixtract") || !has("iasl")) { lines.push("ACPICA comparison skipped: acpixtract/iasl not installed"); return { lines }; }
  const tables = extractedNames(R820);
  const { acpicaMs, scanMs: inproc, scans: nScans } = await acpicaAndScan(R820, tables);
  const validate = m["numakit validate R820"]?.cpuMs ?? NaN;
  lines.push(`R820 (${tables.length} tables): ACPICA acpixtract -a + iasl -d of every table ${acpicaMs.toFixed(1)} ms CPU (median of ${ROUNDS}, each round followed by 10 in-process scans)`);
  lines.push(`  in process (the built scanHost, what scan runs per dump; median of ${nScans}, after warm-up): ${inproc.toFixed(2)} ms CPU = ${goal(acpicaMs / inproc, 10, "×", true)} faster than ACPICA`);
  lines.push(`  one process (numakit validate): ${validate.toFixed(1)} ms CPU = ${goal(validate / acpicaMs, 1)} ACPICA's time; ` +
    `the floor of any Node process, node -e 0, is ${(base / acpicaMs).toFixed(2)}× it`);
  lines.push(`${load()} (after)`);
  return { lines };
}
