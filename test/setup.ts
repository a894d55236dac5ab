import fc from "fast-check";
import { FC_BASE_RUNS } from "./helpers/runs.js";

// Every Topology built while testing checks its own invariants (src/topology/check.ts), in-process
// and in the CLI subprocesses that inherit the environment.
process.env["NUMAKIT_DEBUG_CHECK"] = "1";

// FC_NUM_RUNS scales every property test (see helpers/runs.ts); the default keeps `npm test` within CI's budget.
fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: FC_BASE_RUNS });
