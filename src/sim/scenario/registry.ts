/**
 * Step ops of the scenario runner. Each op (`"op": "populate_physmap"`, …) has a parser that
 * turns the step's JSON into a typed step (throwing UsageError naming the step on bad input) and
 * a runner that executes it against the simulated host. The runner knows no ops of its own: it is
 * handed a table (`StepOpTable`) by its caller. Each layer exports its ops (the hypervisor's in
 * ./ops/hypervisor.ts, the toolstack's `hvm_build` and `vm_start` in src/sim/toolstack/ops.ts) and
 * src/sim/index.ts puts them together above all of them, so no lower layer registers a higher one.
 */
import type { Hypervisor } from "../hypervisor/index.js";
import type { FieldReader } from "./fields.js";

/** What every parsed step carries; `expect` is checked by the runner, not by the op. */
export interface BaseStep {
  op: string;
  /** 0-based index in the scenario's steps array (for messages). */
  index: number;
  expect?: StepExpect;
  /** The step's fields as the scenario wrote them, without "op" and "expect" (filled in by the parser, for reports). */
  given?: Record<string, unknown>;
}

/** `"expect": {"rc": -22, …}`: rc and/or fields of the result that must match (deep equality). */
export interface StepExpect {
  rc?: number;
  [field: string]: unknown;
}

export interface StepOutcome {
  rc: number;
  result?: Record<string, unknown>;
}

/** Shared state of one scenario run. Extension ops may keep their own state under their own key. */
export interface StepContext {
  hv: Hypervisor;
  state: Map<string, unknown>;
}

export interface StepOp<S extends BaseStep = BaseStep> {
  /**
   * Turn the step's JSON into a typed step. `f.json` is the step object; `f.where` names the step
   * ("step 3 (populate_physmap)") and `f.fail(msg)` / the readers throw a one-line UsageError.
   * The returned step must carry `op` and `index` (use `base(f, index)`); `expect` is filled in by the runner.
   */
  parse: (f: FieldReader, index: number) => S;
  run: (ctx: StepContext, step: S) => StepOutcome;
  /** Optional text rendering of the op's outcome (e.g. vm_start's per-VM table), below its step line. */
  text?: (outcome: StepOutcome) => string[];
}

/** Op name → op: what parseScenarioWith and runScenario look steps up in. */
export type StepOpTable = ReadonlyMap<string, StepOp>;

/** A typed op as a table entry (the table holds ops of many step types). */
export function stepOpEntry<S extends BaseStep>(name: string, op: StepOp<S>): [string, StepOp] {
  return [name, op as unknown as StepOp];
}
