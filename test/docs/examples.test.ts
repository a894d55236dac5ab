/**
 * Issue 12: every example command in README.md and docs/*.md runs from a clone and prints what the
 * doc shows. Each `$ numakit ...` / `$ npx numakit ...` line of a console block is run in-process
 * (output files go to a temporary directory); it must not be a usage or input error (exit 2), and
 * the output lines the doc shows under it must appear in the real output, in order ("..." or "…"
 * on a line of its own elides). An example piped into `grep`, `head`, `tail` or `jq` is compared
 * after the filter: grep/head/tail are applied in JS (pipeFilter), jq is run when installed. Examples naming files a clone does not have (a user's dump.txt, the
 * fwts test vectors) are listed in EXTERNAL with where the doc says to get them.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../helpers/cli.js";
import { tmpDirPerSuite } from "../helpers/tmp.js";

export interface DocExample {
  doc: string; line: number; command: string; argv: string[]; shown: string[]; plain: boolean;
  /** The filters the output is piped into (`grep -A1 totals:` as words), when comparable. */
  filters: string[][];
}

/**
 * Shell words of a command line, split into pipeline stages; `shell` when it needs more than
 * quotes and pipes (a redirection, a substitution), so its output cannot be compared.
 */
export function pipeline(command: string): { stages: string[][]; shell: boolean } {
  const stages: string[][] = [[]];
  let word: string | undefined;
  let quote: string | undefined;
  let shell = false;
  const end = (): void => { if (word !== undefined) stages[stages.length - 1]?.push(word); word = undefined; };
  for (const c of command) {
    if (quote !== undefined) { if (c === quote) quote = undefined; else word = (word ?? "") + c; continue; }
    if (c === "'" || c === '"') { quote = c; word ??= ""; continue; }
    if (/\s/.test(c)) { end(); continue; }
    if (c === "|") { end(); stages.push([]); continue; }
    if (/[<>$`()&;]/.test(c)) shell = true;
    word = (word ?? "") + c;
  }
  end();
  return { stages, shell: shell || quote !== undefined };
}

/** The command line before an unquoted ` #` comment. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) { if (c === quote) quote = undefined; }
    else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && /\s/.test(line[i - 1] ?? "")) return line.slice(0, i);
  }
  return line;
}

const FILTERS = new Set(["grep", "head", "tail", "jq"]);

/** `grep [-A N] [-B N] [-v] [-i] [-E] [-c] PATTERN`, `head`/`tail [-n N | -N]` as GNU's; jq through jq. undefined: cannot apply. */
export function pipeFilter(words: readonly string[], input: string): string | undefined {
  const [cmd, ...args] = words;
  const lines = input.replace(/\n$/, "").split("\n");
  const joined = (ls: string[]): string => (ls.length > 0 ? ls.join("\n") + "\n" : "");
  if (cmd === "head" || cmd === "tail") {
    let n = 10;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? "";
      if (a === "-n") n = Number(args[++i]);
      else if (/^-n?\d+$/.test(a)) n = Number(a.replace(/^-n?/, ""));
      else return undefined;
    }
    return joined(cmd === "head" ? lines.slice(0, n) : lines.slice(Math.max(0, lines.length - n)));
  }
  if (cmd === "grep") {
    let after = 0, before = 0, invert = false, icase = false, count = false;
    let pattern: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? "";
      const ctx = /^-([AB])(\d*)$/.exec(a);
      if (ctx) { const v = Number(ctx[2] !== "" ? ctx[2] : args[++i]); if (ctx[1] === "A") after = v; else before = v; }
      else if (a === "-v") invert = true;
      else if (a === "-i") icase = true;
      else if (a === "-c") count = true;
      else if (a === "-E") continue;
      else if (a.startsWith("-") || pattern !== undefined) return undefined;
      else pattern = a;
    }
    if (pattern === undefined) return undefined;
    const re = new RegExp(pattern, icase ? "i" : "");
    const hits = lines.map((l, i) => (re.test(l) !== invert ? i : -1)).filter((i) => i >= 0);
    if (count) return `${hits.length}\n`;
    const out: string[] = [];
    let last = -1;
    for (const h of hits) {
      const from = Math.max(h - before, last + 1);
      if (last >= 0 && from > last + 1 && (after > 0 || before > 0)) out.push("--");
      for (let i = from; i <= Math.min(h + after, lines.length - 1); i++) { out.push(lines[i] ?? ""); last = i; }
    }
    return joined(out);
  }
  if (cmd === "jq") {
    const r = spawnSync("jq", args, { input, encoding: "utf8" });
    return r.error === undefined && r.status === 0 ? r.stdout : undefined;
  }
  return undefined;
}

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
      const command = withoutComment(m[1]).trim();
      // Redirections and shell substitutions are the shell's: the command before them still runs.
      // Piped into grep/head/tail/jq, the output is compared after the filter.
      const { stages, shell } = pipeline(command);
      const filters = stages.slice(1);
      const plain = !shell && filters.every((f) => FILTERS.has(f[0] ?? ""));
      const argv = command.split(/\s*[|>]/)[0]?.trim().split(/\s+/) ?? [];
      current = { doc, line: i + 1, command, argv, shown: [], plain, filters: plain ? filters : [] };
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

describe("doc examples' pipes", () => {
  it("pipeline splits stages outside quotes; redirections and substitutions are the shell's", () => {
    expect(pipeline(`sim a.json | grep -A1 totals:`)).to.deep.equal({ stages: [["sim", "a.json"], ["grep", "-A1", "totals:"]], shell: false });
    expect(pipeline(`decode x --format json | jq '.a | select(.b==1)'`).stages[1]).to.deep.equal(["jq", ".a | select(.b==1)"]);
    expect(pipeline("dump x > y.txt").shell).to.equal(true);
    expect(pipeline("decode <(ssh host acpidump)").shell).to.equal(true);
  });

  it("pipeFilter does grep -A/-c/-v and head/tail as GNU's", () => {
    const text = "a\ntotals: 1\nb\nc\ntotals: 2\nd\n";
    expect(pipeFilter(["grep", "-A1", "totals:"], text)).to.equal("totals: 1\nb\n--\ntotals: 2\nd\n");
    expect(pipeFilter(["grep", "-A", "2", "totals: 1"], text)).to.equal("totals: 1\nb\nc\n");
    expect(pipeFilter(["grep", "-c", "totals"], text)).to.equal("2\n");
    expect(pipeFilter(["grep", "-v", "totals"], text)).to.equal("a\nb\nc\nd\n");
    expect(pipeFilter(["head", "-2"], text)).to.equal("a\ntotals: 1\n");
    expect(pipeFilter(["head", "-n", "1"], text)).to.equal("a\n");
    expect(pipeFilter(["tail", "-n", "1"], text)).to.equal("d\n");
    expect(pipeFilter(["sort"], text)).to.equal(undefined);
  });
});

describe("README and docs examples (issue 12)", function () {
  this.timeout(120_000);
  const tmp = tmpDirPerSuite("docs");

  it("every example runs from a clone (exit 0 or 1) and prints what the doc shows", async () => {
    const problems: string[] = [];
    let ran = 0;
    let compared = 0;
    let pipedCompared = 0;
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
      let out: string | undefined = ex.filters.length > 0 ? r.stdout : r.stdout + r.stderr;
      for (const f of ex.filters) out = out === undefined ? undefined : pipeFilter(f, out);
      if (out === undefined) {
        if (ex.filters.some((f) => f[0] === "jq") && spawnSync("jq", ["--version"]).error !== undefined) continue; // no jq here
        problems.push(`${where}: the filter after the command cannot be applied (pipeFilter knows grep -A/-B/-v/-i/-c, head/tail -n, jq)`);
        continue;
      }
      pipedCompared += ex.filters.length > 0 ? 1 : 0;
      const bad = shownIn(ex.shown, out);
      if (bad !== undefined) problems.push(`${where}: the doc shows "${bad}", not in the output`);
    }
    expect(problems).to.deep.equal([]);
    expect(ran, "examples run").to.be.at.least(20);
    expect(compared, "outputs compared").to.be.at.least(8);
    expect(pipedCompared, "piped examples compared after their filter").to.be.at.least(2);
    // docs/sim.md's sweep results (scripts/docs-sweep.ts): the 200-seed tables are a results block
    // no test re-runs (`npm run docs:sweep -- --check` does), but its quick example is run here.
    expect(comparedSweeps, "a sweep example with its output").to.not.deep.equal([]);
  });
});
