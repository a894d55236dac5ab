/**
 * Running a sweep's tasks over worker threads (tinypool, loaded on first use as src/fleet does).
 * Results come back in task order whatever order the workers finish in, so the output does not
 * depend on the number of workers. One worker runs the tasks in this thread: no pool at all.
 */
import { workerThreads } from "../../util/worker-module.js";
import { runSweepTask, type SeedRecord, type SweepTask } from "./engine.js";

/** The records of every task, in task order. */
export async function runTasks(tasks: readonly SweepTask[], jobs: number): Promise<SeedRecord[][]> {
  if (jobs <= 1 || tasks.length <= 1) return tasks.map((t) => runSweepTask(t));
  const { Tinypool } = await import("tinypool");
  const threads = Math.min(jobs, tasks.length);
  const pool = new Tinypool({
    ...workerThreads(import.meta.url, "worker", "sim/experiments/worker"),
    minThreads: threads,
    maxThreads: threads,
  });
  try {
    return await Promise.all(tasks.map((t) => pool.run(t) as Promise<SeedRecord[]>));
  } finally {
    await pool.destroy();
  }
}
