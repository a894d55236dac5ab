/**
 * Registers every step op the scenario runner knows. The hypervisor layer's ops live in
 * ./hypervisor.ts; other layers (the toolstack's `hvm_build`, `vm_start`) add a call here to
 * their own `register…Ops()` so that `numakit sim` knows them.
 */
import { registerHypervisorOps } from "./hypervisor.js";
import { registerToolstackOps } from "../../toolstack/ops.js";

let done = false;

export function registerAllStepOps(): void {
  if (done) return;
  done = true;
  registerHypervisorOps();
  registerToolstackOps();
}
