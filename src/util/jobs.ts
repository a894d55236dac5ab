/** The default number of worker threads of the commands that run a pool (`scan`, `sim --seeds`): one per CPU. */
import { availableParallelism } from "node:os";

export function defaultJobs(): number {
  return availableParallelism();
}
