/* global process, module, require */
// mocha's configuration. `spec` (every test file) applies only when no test files are named on
// the command line, so `npx mocha test/acpi/corpus.test.ts` runs that file alone (a "spec" in a
// config is otherwise added to the files given).
//
// The whole suite runs its files in parallel worker processes (NUMAKIT_MOCHA_JOBS of them, default
// the machine's cores, at least 2); named files run in-process, one after another, as before.
// test/setup.ts is imported by test/hooks.ts (mocha's --file does not reach parallel workers).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha reads its config as CommonJS
const { availableParallelism } = require("node:os");

const named = process.argv.slice(2).some((a, i, all) =>
  !a.startsWith("-") && /(^|\/)test\/|\.test\.ts$/.test(a) && !["--require", "-r"].includes(all[i - 1] ?? ""));
const jobs = Number(process.env["NUMAKIT_MOCHA_JOBS"] ?? Math.max(2, availableParallelism()));
const parallel = !named && jobs > 1;
// The run's id, inherited by mocha's re-spawned process and its workers: where the workers leave
// their skip counts for the summary line (test/helpers/skip.ts).
process.env["NUMAKIT_TEST_RUN"] ??= String(process.pid);

module.exports = {
  // Node 20.19+ lets require() load ES modules; mocha's workers require() the test files, and
  // tsx then loaded src/ twice (once per loader), which broke module identity and c8's counts.
  "node-option": ["import=tsx", "no-experimental-require-module"],
  extension: ["ts"],
  ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
  ...(parallel ? { parallel: true, jobs } : {}),
  require: ["test/hooks.ts"],
  // Per test; a parallel run shares the cores between `jobs` files at once.
  timeout: 60000 * (parallel ? jobs : 1),
  reporter: "dot",
};
