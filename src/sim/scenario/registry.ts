/**
 * Step-op registry of the scenario runner. Each op (`"op": "populate_physmap"`, …) has a parser
 * that turns the step's JSON into a typed step (throwing UsageError naming the step on bad input)
 * and a runner that executes it against the simulated host. Other layers (the toolstack:
 * `hvm_build`, `vm_start`) register their own ops with `registerStepOp` from their module.
 */
import type { Hypervisor } from "../hypervisor/index.js";
import type { FieldReader } from "./fields.js";

/** What every parsed step carries; `expect` is checked by the runner, not by the op. */
export interface BaseStep {
  op: string;
  /** 0-based index in the scenario's steps array (for messages). */
  index: number;
  expect?: StepExpect;
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

const registry = new Map<string, StepOp>();

export function registerStepOp<S extends BaseStep>(name: string, op: StepOp<S>): void {
  registry.set(name, op as unknown as StepOp);
}

export function getStepOp(name: string): StepOp | undefined {
  return registry.get(name);
}

export function stepOpNames(): string[] {
  return [...registry.keys()].sort();
}
