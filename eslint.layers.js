/**
 * The layering rules, checked by ESLint (eslint.config.js spreads this; test/architecture.test.ts
 * lints deliberately bad imports against it). Each room may import only from rooms below it:
 *
 *   table side:  util  <-  errors, diagnostics  <-  acpi  <-  aml  <-  topology  <-  validate, synth
 *                <-  analyse  <-  diff, fleet  <-  report  <-  cli
 *   simulator:   sim/host  <-  hypervisor  <-  libxc  <-  xenguest  <-  xenopsd  <-  scenario  <-  toolstack  <-  experiments
 *
 * Rooms on one level are siblings and do not import each other: `synth` (a description or a
 * topology → tables) stands on the topology beside `validate`; `diff` (two hosts compared) and
 * `fleet` (many hosts scanned) compose the pipeline (`analyse`) and are rendered by `report`.
 * `util` is the floor: it imports nothing else in src/.
 *
 * The simulator may use the table side up to `analyse` (sim/host-source builds a host from tables),
 * never `diff`, `fleet`, `report` or `cli`; the table side never imports the simulator. Above libxc,
 * the hypervisor is reached only through libxc's xc_* wrappers, as in Xen. `scenario` is the generic
 * runner and its hypercall-level ops; `toolstack` (xenguest/xenopsd steps) registers on top of it,
 * and the command (or sim/index.ts) puts the two together, so the runner never imports the toolstack.
 * Only src/acpi/layout (the spec engine) reads bytes through a DataView.
 *
 * Imports are relative, so each rule is written for every depth below src/: from a file `d`
 * folders down, "../" taken d times is src/ itself. That keeps `./topology.js` inside
 * sim/xenopsd from matching the top-level topology room.
 */

/** The table side, bottom to top; the rooms of one level are siblings. */
const tableLevels = [["util"], ["errors", "diagnostics"], ["acpi"], ["aml"], ["topology"], ["validate", "synth"], ["analyse"], ["diff", "fleet"], ["report"], ["cli"]];
/** Rooms that are one file (src/NAME.ts) rather than a folder. */
const FILE_ROOMS = new Set(["errors", "diagnostics", "analyse"]);
const TOP = [...tableLevels.flat(), "sim"];
const ORDER_TEXT = tableLevels.map((level) => level.join(", ")).join(" <- ");
/** What each top-level room may not import: rooms above it and its siblings (and the simulator, for the table side). */
const topForbidden = Object.fromEntries([
  ...tableLevels.flatMap((level, i) => level.map((room) => [room, [
    ...level.filter((r) => r !== room),
    ...tableLevels.slice(i + 1).flat(),
    ...(room === "cli" ? [] : ["sim", "index"]),
  ]])),
  ["sim", [...tableLevels.slice(tableLevels.findIndex((l) => l.includes("analyse")) + 1).flat(), "index"]],
]);

/** Simulator rooms under src/sim/ and what each may not import from its siblings. */
const simOrder = ["hypervisor", "libxc", "xenguest", "xenopsd", "scenario", "toolstack", "experiments"];
const simForbidden = Object.fromEntries(simOrder.map((room, i) => {
  const above = simOrder.slice(i + 1);
  // Above libxc the hypervisor is reached through libxc only; the scenario runner may issue hypercalls.
  const bypass = i >= 2 && room !== "scenario" ? ["hypervisor"] : [];
  // host-source reads tables (the whole table side): the hypervisor and libxc get a host, not tables.
  const tables = i < 2 ? ["host-source"] : [];
  // The scenario runner knows hypercalls, not the toolstack's building blocks.
  const runner = room === "scenario" ? ["xenguest", "xenopsd"] : [];
  return [room, [...above, ...bypass, ...tables, ...runner]];
}));

const names = (list) => list.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
/** An import of room `name` (a folder, or a module file such as analyse.js) from `ups` levels below its parent. */
const roomPattern = (ups, list) => `^${ups === 0 ? "\\./" : `(\\.\\./){${ups}}`}(${names(list)})(/|\\.js$)`;
const MAX_DEPTH = 5;

function restrict(files, patterns) {
  return { files, rules: { "no-restricted-imports": ["error", { patterns }] } };
}

function topRules(room) {
  const out = [];
  const isFile = FILE_ROOMS.has(room);
  for (let depth = 1; depth <= MAX_DEPTH; depth++) {
    if (isFile && depth > 1) break;
    const glob = isFile ? `src/${room}.ts` : `src/${room}/${"*/".repeat(depth - 1)}*.ts`;
    out.push(restrict([glob], [{
      regex: roomPattern(isFile ? 0 : depth, topForbidden[room]),
      message: room === "sim"
        ? "layering: src/sim may import the table side up to analyse, never diff, fleet, report or cli. See eslint.layers.js."
        : `layering: src/${room}${isFile ? ".ts" : ""} may import only rooms below it (${ORDER_TEXT}; siblings apart; sim beside, up to analyse). See eslint.layers.js.`,
    }]));
  }
  return out;
}

function simRules(room, exceptions = {}) {
  const out = [];
  for (let depth = 2; depth <= MAX_DEPTH; depth++) {
    out.push({
      files: [`src/sim/${room}/${"*/".repeat(depth - 2)}*.ts`],
      ignores: exceptions.files ?? [],
      rules: { "no-restricted-imports": ["error", { patterns: [{
        regex: roomPattern(depth - 1, simForbidden[room]),
        message: `layering: src/sim/${room} may import only simulator layers below it (hypervisor <- libxc <- xenguest <- xenopsd <- scenario <- toolstack <- experiments; the hypervisor only through libxc). See eslint.layers.js.`,
      }, {
        // A later config's options for the same rule replace an earlier one's, so the simulator-wide
        // rule (topRules("sim")) is repeated here for the files of this room.
        regex: roomPattern(depth, topForbidden["sim"]),
        message: "layering: src/sim may import the table side up to analyse, never diff, fleet, report or cli. See eslint.layers.js.",
      }] }] },
    });
  }
  return out;
}

export const layerRules = [
  ...TOP.flatMap(topRules),
  ...simOrder.flatMap((room) => simRules(room)),
  {
    files: ["src/**/*.ts"],
    ignores: ["src/acpi/layout/**"],
    rules: { "no-restricted-globals": ["error", { name: "DataView", message: "bytes are read through the specs (src/acpi/layout) only: use decodeStruct/readHeader or a spec" }] },
  },
  {
    // KNOWN EXCEPTION: this command reads the SLIT's locality count by hand (its offset now comes from the
    // spec); the change that thins the commands moves that into the library, then remove this block.
    files: ["src/cli/commands/namespace.ts"],
    rules: { "no-restricted-globals": "off" },
  },
];
