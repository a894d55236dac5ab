/**
 * `npm run bench`: runs every bench/*.bench.ts (or the ones named on the command line) in turn.
 * Each module exports `name` and `run(): Promise<BenchReport>`; benchmarks report throughput and
 * ratios, they are not timed tests and never fail on speed.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

export interface BenchReport {
  /** Lines of human-readable results ("decode text: 41.2 MB/s, 5120 tables/s"). */
  lines: string[];
}
export interface BenchModule {
  name: string;
  run: () => Promise<BenchReport>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith(".bench.ts")).sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
  const t0 = performance.now();
  const report = await mod.run();
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(`== ${mod.name} (${f}, ${secs} s)\n${report.lines.map((l) => `  ${l}`).join("\n")}\n`);
}
