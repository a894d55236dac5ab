/**
 * How many cases a property test runs. FC_NUM_RUNS (default 100) is the base every property test
 * honours: test/setup.ts makes it fast-check's global numRuns, and a property that costs more or
 * less than usual asks for a multiple of it here instead of a fixed number, so
 * `FC_NUM_RUNS=1000 npm run mocha` runs every property ten times harder.
 */
export const FC_BASE_RUNS = Number(process.env["FC_NUM_RUNS"] ?? 100);

/** `weight` times the base (at least 1): e.g. fcRuns(0.2) is 20 runs by default. */
export function fcRuns(weight: number): number {
  return Math.max(1, Math.round(FC_BASE_RUNS * weight));
}
