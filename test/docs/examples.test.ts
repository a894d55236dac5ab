/**
 * Issue 12: every example command in README.md and docs/*.md runs from a clone and prints what the
 * doc shows. Each `$ numakit ...` / `$ npx numakit ...` line of a console block is run in-process
 * (output files go to a temporary directory); it must not be a usage or input error (exit 2), and
 * the output lines the doc shows under it must appear in the real output, in order ("..." or "…"
 * on a line of its own elides). Examples naming files a clone does not have (a user's dump.txt, the
 * fwts test vectors) are listed in EXTERNAL with where the doc says to get them.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

export interface DocExample { doc: string; line: number; command: string; argv: string[]; shown: string[]; plain: boolean }

const OUTPUT_FLAGS = new Set(["-o", "--out", "--report"]);
/** Flags whose value is never a file ("--seeds 1..5" names no file "1..5"). */
const VALUE_FLAGS = new Set(["--seeds", "--flows", "--cost", "--jobs", "-j", "--kernel", "--table", "-t", "--format", "-f"]);

/** The examples of one Markdown file: each command line of a fenced block, with the lines under it. */
export function docExamples(doc: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = text.split("\n");
  let inBlock = false;
  let current: DocExample | undefined;
  lines.forEach((l, i) => {
    if (l.startsWith("```")) { inBlock = !inBlock; current = undefined; return; }
    if (!inBlock) return;
    const m = /^\$ (?:npx )?numakit (.*)$/.exec(l);
    if (m?.[1] !== undefined) {
      const command = m[1].replace(/\s+#.*$/, "").trim();
      // Pipes, redirections and shell substitutions are the shell's: the command before them still runs.
      const plain = !/[|>$`]/.test(command);
      const argv = command.split(/\s*[|>]/)[0]?.trim().split(/\s+/) ?? [];
      current = { doc, line: i + 1, command, argv, shown: [], plain };
      out.push(current);
      return;
    }
    if (l.startsWith("$ ")) { current = undefined; return; }
    current?.shown.push(l);
  });
  return out;
}

/** Files an example names that are not in the repo: each doc says where they come from. */
function missingFiles(argv: readonly string[]): string[] {
  const missing: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a.startsWith("-")) { if (OUTPUT_FLAGS.has(a) || VALUE_FLAGS.has(a)) i++; continue; }
    if (/[/.]/.test(a) && !existsSync(join(repoRoot, a))) missing.push(a);
  }
  return missing;
}

/** A doc line matches an output line exactly, or as a prefix when it ends in an elision ("read latency 136 ns, ..."). */
function lineMatches(doc: string, got: string | undefined): boolean {
  if (got === undefined) return false;
  const cut = /^(.*\S)\s*(?:\.\.\.|…)$/.exec(doc);
  return cut?.[1] === undefined ? got === doc : got.startsWith(cut[1]);
}

/** The doc's lines appear in the output in order; an elision line ("...", "…") allows anything between. */
export function shownIn(shown: readonly string[], actual: string): string | undefined {
  const got = actual.split("\n").map((l) => l.trimEnd());
  const chunks: string[][] = [[]];
  for (const l of shown.map((x) => x.trimEnd())) {
    if (/^\s*(\.\.\.|…)\s*$/.test(l)) chunks.push([]);
    else chunks[chunks.length - 1]?.push(l);
  }
  let from = 0;
  for (const chunk of chunks.filter((c) => c.length > 0)) {
    let at = -1;
    for (let i = from; i + chunk.length <= got.length && at < 0; i++) if (chunk.every((c, k) => lineMatches(c, got[i + k]))) at = i;
    if (at < 0) return chunk[0];
    from = at + chunk.length;
  }
  return undefined;
}

function allExamples(): DocExample[] {
  const docs = ["README.md", ...readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join("docs", f))];
  return docs.flatMap((d) => docExamples(d, readFileSync(join(repoRoot, d), "utf8")));
}

describe("README and docs examples (issue 12)", function () {
  this.timeout(120_000);
  const tmp = tmpDirPerSuite("docs");

  it("every example runs from a clone (exit 0 or 1) and prints what the doc shows", async () => {
    const problems: string[] = [];
    let ran = 0;
    let compared = 0;
    const comparedSweeps: string[] = [];
    for (const ex of allExamples()) {
      if (missingFiles(ex.argv).length > 0) continue;
      const argv = ex.argv.map((a, i) => (OUTPUT_FLAGS.has(ex.argv[i - 1] ?? "") && a !== "-" ? join(tmp(), `${ran}-${a.replace(/[/]/g, "_")}`) : a));
      const r = await runCli(argv);
      ran++;
      const where = `${ex.doc}:${ex.line}: numakit ${ex.command}`;
      // Exit 2 only where the doc shows the error on purpose (its output is a "numakit: ..." line).
      const errorShown = ex.shown.some((l) => l.startsWith("numakit: "));
      if (r.code === null || (r.code === 2 && !errorShown)) { problems.push(`${where}: exit ${String(r.code)}: ${r.stderr.split("\n")[0] ?? ""}`); continue; }
      if (!ex.plain || ex.shown.length === 0) continue;
      compared++;
      if (ex.argv.includes("--seeds")) comparedSweeps.push(ex.command);
      const bad = shownIn(ex.shown, r.stdout + r.stderr);
      if (bad !== undefined) problems.push(`${where}: the doc shows "${bad}", not in the output`);
    }
    expect(problems).to.deep.equal([]);
    expect(ran, "examples run").to.be.at.least(20);
    expect(compared, "outputs compared").to.be.at.least(8);
    // docs/sim.md's sweep results (scripts/docs-sweep.ts): the 200-seed tables are a results block
    // no test re-runs (`npm run docs:sweep -- --check` does), but its quick example is run here.
    expect(comparedSweeps, "a sweep example with its output").to.not.deep.equal([]);
  });
});
