import fc from "fast-check";
import { FC_BASE_RUNS } from "./helpers/runs.js";

// FC_NUM_RUNS scales every property test (see helpers/runs.ts); the default keeps `npm test` within CI's budget.
fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: FC_BASE_RUNS });
