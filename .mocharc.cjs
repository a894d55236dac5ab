/* global process, module */
// mocha's configuration. `spec` (every test file) applies only when no test files are named on
// the command line, so `npx mocha test/acpi/corpus.test.ts` runs that file alone (a "spec" in a
// config is otherwise added to the files given).
const named = process.argv.slice(2).some((a, i, all) =>
  !a.startsWith("-") && /(^|\/)test\/|\.test\.ts$/.test(a) && !["--file", "--require", "-r"].includes(all[i - 1] ?? ""));

module.exports = {
  "node-option": ["import=tsx"],
  extension: ["ts"],
  ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
  require: ["test/hooks.ts"],
  file: ["test/setup.ts"],
  timeout: 60000,
  reporter: "dot",
};
