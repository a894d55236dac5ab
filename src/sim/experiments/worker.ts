/**
 * The sweep pool's worker: one task is one flow under one variant over a chunk of seeds. Loaded by
 * tinypool in each worker thread (from dist/ as JavaScript, or from src/ as an esbuild bundle; see
 * src/util/worker-module.ts).
 */
import { runSweepTask, type SeedRecord, type SweepTask } from "./engine.js";

export default function sweepTask(task: SweepTask): SeedRecord[] {
  return runSweepTask(task);
}
