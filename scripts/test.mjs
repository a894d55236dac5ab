#!/usr/bin/env node
/**
 * `npm test`: the type check, the lint and the tests (mocha under c8) run at the same time, each
 * on the machine's other core while mocha, which runs its files one after another, keeps one busy.
 * tsc and eslint keep caches in node_modules/.cache/numakit (a fresh clone, as in CI, starts cold
 * and checks everything). Each stage's output is printed whole when it ends, mocha's as it runs;
 * the exit code is the first failing stage's (in the order typecheck, lint, mocha).
 *
 * NUMAKIT_TEST_SERIAL=1 runs the stages one after another (as `npm run typecheck && npm run lint &&
 * c8 mocha` did), for a machine where memory rather than cores is short.
 */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

/** The stages; their commands are package.json's `typecheck`, `lint` and `coverage` scripts. */
const stages = [
  { name: "typecheck", cmd: "npm", args: ["run", "--silent", "typecheck"], live: false },
  { name: "lint", cmd: "npm", args: ["run", "--silent", "lint"], live: false },
  { name: "mocha", cmd: bin("c8"), args: [bin("mocha"), ...process.argv.slice(2)], live: true },
];

function run(stage) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(stage.cmd, stage.args, { cwd: root, stdio: stage.live ? "inherit" : ["ignore", "pipe", "pipe"] });
    const out = [];
    child.stdout?.on("data", (d) => out.push(d));
    child.stderr?.on("data", (d) => out.push(d));
    child.on("error", (err) => { out.push(Buffer.from(`${stage.name}: ${err.message}\n`)); });
    child.on("close", (code, signal) => {
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      const text = Buffer.concat(out).toString();
      if (text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      const status = code ?? (signal === null ? 1 : 128);
      process.stdout.write(`numakit test: ${stage.name} ${status === 0 ? "passed" : `FAILED (exit ${String(code ?? signal)})`} in ${seconds} s\n`);
      resolve(status);
    });
  });
}

const t0 = performance.now();
const codes = process.env["NUMAKIT_TEST_SERIAL"] === "1"
  ? await stages.reduce(async (prev, s) => { const done = await prev; return done.some((c) => c !== 0) ? [...done, 1] : [...done, await run(s)]; }, Promise.resolve([]))
  : await Promise.all(stages.map(run));
const failed = codes.find((c) => c !== 0);
process.stdout.write(`numakit test: ${failed === undefined ? "all passed" : "FAILED"} in ${((performance.now() - t0) / 1000).toFixed(1)} s wall\n`);
process.exit(failed ?? 0);
