/**
 * The architecture is checked, not only written: the layering rules of eslint.layers.js reject
 * deliberately bad imports (and accept good ones), and src/ has no import cycle.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { layerRules } from "../eslint.layers.js";
import { repoPath, repoRoot } from "./helpers/paths.js";

/** ESLint with only the layering rules (no type information needed to check import paths). */
function layerLinter(): ESLint {
  return new ESLint({
    cwd: repoRoot,
    overrideConfigFile: true,
    overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } }, ...layerRules],
  });
}

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await layerLinter().lintText(code, { filePath: repoPath(file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? "?"}: ${m.message}`);
}

describe("architecture: layering rules (eslint.layers.js)", function () {
  this.timeout(60_000);

  const bad: [string, string][] = [
    ["src/acpi/bad.ts", `import { buildTopology } from "../topology/build.js";`],
    ["src/acpi/tables/bad.ts", `import type { Topology } from "../../topology/model.js";`],
    ["src/topology/bad.ts", `import { validate } from "../validate/index.js";`],
    ["src/validate/bad.ts", `import { topologyText } from "../report/text.js";`],
    ["src/report/bad.ts", `import { main } from "../cli/main.js";`],
    ["src/topology/bad.ts", `import { createHost } from "../sim/hypervisor/index.js";`],
    ["src/sim/scenario/bad.ts", `import { toolstackStepOps } from "../toolstack/ops.js";`],
    ["src/sim/hypervisor/bad.ts", `import { xc_physinfo } from "../libxc/xenctrl.js";`],
    ["src/sim/xenguest/bad.ts", `import { createHost } from "../hypervisor/index.js";`],
    ["src/sim/libxc/bad.ts", `import { topologyJson } from "../../report/json.js";`],
    // The rooms of the fleet scan, the host diff and the synthesizer: nothing above them, and not each other.
    ["src/fleet/bad.ts", `import { scanText } from "../report/scan.js";`],
    ["src/fleet/bad.ts", `import { diffAnalyses } from "../diff/diff.js";`],
    ["src/fleet/pool/bad.ts", `import { main } from "../../cli/main.js";`],
    ["src/diff/bad.ts", `import { diffText } from "../report/diff.js";`],
    ["src/diff/bad.ts", `import { hostRow } from "../fleet/row.js";`],
    ["src/synth/bad.ts", `import { validate } from "../validate/index.js";`],
    ["src/synth/bad.ts", `import { analyse } from "../analyse.js";`],
    ["src/synth/qemu/bad.ts", `import { topologyText } from "../../report/text.js";`],
    ["src/validate/bad.ts", `import { synthesize } from "../synth/index.js";`],
    ["src/topology/bad.ts", `import { synthesize } from "../synth/index.js";`],
    ["src/analyse.ts", `import { hostRow } from "./fleet/row.js";`],
    ["src/sim/bad.ts", `import { diffAnalyses } from "../diff/diff.js";`],
    ["src/sim/xenopsd/bad.ts", `import { hostRow } from "../../fleet/row.js";`],
    // The floor: util and the error/diagnostic types import nothing above them.
    ["src/util/bad.ts", `import { InputError } from "../errors.js";`],
    ["src/errors.ts", `import { decodeTable } from "./acpi/decode.js";`],
    ["src/diagnostics.ts", `import type { Topology } from "./topology/model.js";`],
  ];
  for (const [file, code] of bad) {
    it(`rejects ${file}: ${code}`, async () => {
      const errors = await layerErrors(file, code);
      expect(errors.some((e) => e.startsWith("no-restricted-imports") && e.includes("layering")), errors.join("; ")).to.equal(true);
    });
  }

  it("rejects a DataView outside src/acpi/layout, and allows it there", async () => {
    const code = "export const v = new DataView(new ArrayBuffer(4)).getUint32(0, true);";
    expect((await layerErrors("src/topology/bad.ts", code)).some((e) => e.startsWith("no-restricted-globals"))).to.equal(true);
    expect(await layerErrors("src/acpi/layout/ok.ts", code)).to.deep.equal([]);
  });

  it("accepts imports that go downward", async () => {
    expect(await layerErrors("src/topology/ok.ts", `import { decodeTable } from "../acpi/decode.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/report/ok.ts", `import type { Topology } from "../topology/model.js";`)).to.deep.equal([]);
    // sim/xenopsd's own topology.ts is not the top-level topology room.
    expect(await layerErrors("src/sim/xenopsd/ok.ts", `import { hostTopology } from "./topology.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/fleet/ok.ts", `import { analyse } from "../analyse.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/diff/ok.ts", `import type { Topology } from "../topology/model.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/synth/ok.ts", `import { encodeTable } from "../acpi/encode.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/report/ok.ts", `import type { TopologyDiff } from "../diff/diff.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/cli/commands/ok.ts", `import { synthesize } from "../../synth/index.js";`)).to.deep.equal([]);
    expect(await layerErrors("src/errors.ts", `import { hex } from "./util/hex.js";`)).to.deep.equal([]);
  });
});

/** Relative imports of every .ts file under src/, resolved to files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      if (!e.name.endsWith(".ts")) continue;
      const text = readFileSync(p, "utf8");
      const deps = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']/g)]
        .filter((m) => !/^\s*(?:import|export)\s+type\s/.test(m[0].trim()))
        .map((m) => resolve(dirname(p), (m[1] ?? "").replace(/\.js$/, ".ts")));
      graph.set(p, deps);
    }
  };
  walk(repoPath("src"));
  return graph;
}

/** Every cycle of a graph, each as "a -> b -> a". */
function findCycles(graph: ReadonlyMap<string, readonly string[]>, name: (f: string) => string = (f) => f): string[] {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === "done") return;
    if (state.get(f) === "open") { cycles.push([...path.slice(path.indexOf(f)), f].map(name).join(" -> ")); return; }
    state.set(f, "open");
    for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, "done");
  };
  for (const f of graph.keys()) visit(f, []);
  return cycles;
}

describe("architecture: no import cycles in src/", () => {
  it("the import graph (type-only imports aside) is acyclic", () => {
    expect(findCycles(importGraph(), (f) => relative(repoRoot, f))).to.deep.equal([]);
  });

  it("the cycle check finds a cycle when there is one", () => {
    expect(findCycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).to.deep.equal(["a -> b -> c -> a"]);
  });
});
