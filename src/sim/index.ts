/**
 * The simulator's top: the scenario runner with the step ops of every layer. The runner
 * (scenario/) knows no ops itself; this module, above the hypervisor and toolstack layers, builds
 * the table from each layer's exported ops and hands it over, so no lower layer registers (or
 * imports) a higher one. `numakit sim` and library users parse scenarios through here.
 */
import type { Location } from "../errors.js";
import { hypervisorStepOps } from "./scenario/ops/hypervisor.js";
import type { StepOp, StepOpTable } from "./scenario/registry.js";
import { parseScenarioWith, type Scenario } from "./scenario/scenario.js";
import { toolstackStepOps } from "./toolstack/ops.js";

/** Every step op `numakit sim` knows: the hypervisor's hypercalls, then the toolstack's `hvm_build` and `vm_start`. */
export const SIM_STEP_OPS: StepOpTable = new Map<string, StepOp>([...hypervisorStepOps(), ...toolstackStepOps()]);

/** The op of a step name in SIM_STEP_OPS (e.g. for its text rendering). */
export function getStepOp(name: string): StepOp | undefined {
  return SIM_STEP_OPS.get(name);
}

/** Parse a scenario file's JSON with every op of SIM_STEP_OPS. */
export function parseScenario(json: unknown, loc: Location = {}): Scenario {
  return parseScenarioWith(SIM_STEP_OPS, json, loc);
}

export { parseScenarioWith, runScenario, scenarioHost, inlineHost, finalState, type Scenario, type RunReport, type StepReport, type FinalState, type CrashReport } from "./scenario/scenario.js";
export type { BaseStep, StepContext, StepOp, StepOpTable, StepOutcome } from "./scenario/registry.js";
/** For layers above the toolstack (src/sim/experiments), which reach the hypervisor only through here. */
export { rcName, xenConfig, type XenConfig, type XenConfigInput } from "./hypervisor/index.js";
