/**
 * The library snippets of README.md and docs/*.md run against the built package entry, imported
 * the way a user does: `import … from "numakit"` from a directory whose node_modules/numakit is
 * this package (dist/index.js through package.json's "exports"). Each ```ts block that imports
 * "numakit" is transpiled (esbuild, types stripped) and run by node with the repo as working
 * directory. No doc may import a path inside the package ("numakit/src/…", "./src/…"): only "."
 * is exported.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { transformSync } from "esbuild";
import { childEnv, newestMtime, repoRoot } from "./helpers/cli.js";
import { skipped } from "./helpers/skip.js";
import { tmpDirPerSuite } from "./helpers/tmp.js";

interface Snippet { where: string; code: string }

function snippets(): Snippet[] {
  const docs = ["README.md", ...readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
  return docs.flatMap((doc) => {
    const text = readFileSync(join(repoRoot, doc), "utf8");
    return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => ({ where: `${doc}:${text.slice(0, m.index).split("\n").length}`, code: m[1] ?? "" }));
  });
}

describe("library snippets in the docs, against the built package", function () {
  this.timeout(60_000);
  const tmp = tmpDirPerSuite("library-docs");

  it("no doc imports a path inside the package (only \"numakit\" is exported)", () => {
    const deep = snippets().filter((s) => /from\s+"(?:numakit\/|\.{1,2}\/)/.test(s.code)).map((s) => s.where);
    expect(deep).to.deep.equal([]);
  });

  it("every snippet importing \"numakit\" runs from a user's directory (README's Library, decode.md, toolstack.md)", function () {
    const entry = join(repoRoot, "dist", "index.js");
    if (!existsSync(entry) || statSync(entry).mtimeMs < newestMtime(join(repoRoot, "src"))) {
      skipped(this, "no library build, or one older than src/ (npm run build)");
      return;
    }
    const user = tmp();
    mkdirSync(join(user, "node_modules"), { recursive: true });
    if (!existsSync(join(user, "node_modules", "numakit"))) symlinkSync(repoRoot, join(user, "node_modules", "numakit"), "dir");
    const runs = snippets().filter((s) => /from\s+"numakit"/.test(s.code));
    expect(runs.map((s) => s.where.split(":")[0])).to.include.members(["README.md", join("docs", "decode.md"), join("docs", "toolstack.md")]);
    for (const [i, s] of runs.entries()) {
      const file = join(user, `snippet-${i}.mjs`);
      writeFileSync(file, transformSync(s.code, { loader: "ts", format: "esm" }).code);
      const r = spawnSync(process.execPath, [file], { cwd: repoRoot, env: childEnv(), encoding: "utf8" });
      expect(r.status, `${s.where}: ${r.stderr}`).to.equal(0);
      if (s.where.startsWith("README.md")) expect(r.stdout).to.match(/^available: 4 nodes \(0-3\)/).and.include("4 nodes, 0 errors");
    }
  });
});
