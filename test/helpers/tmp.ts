/**
 * A temporary directory for the tests of one describe: made in its `before` hook, removed with
 * everything in it in its `after` hook. Call it in the describe's body; the function it returns
 * gives the directory's path once the hook has run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tmpDirPerSuite(name: string): () => string {
  let dir = "";
  before(() => { dir = mkdtempSync(join(tmpdir(), `numakit-${name}-`)); });
  after(() => { if (dir !== "") rmSync(dir, { recursive: true, force: true }); });
  return () => {
    if (dir === "") throw new Error("tmpDirPerSuite: used before the describe's before hook ran");
    return dir;
  };
}
