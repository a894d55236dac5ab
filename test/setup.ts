import fc from "fast-check";

// FC_NUM_RUNS scales every property test; the default keeps `npm test` within CI's budget.
fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: Number(process.env["FC_NUM_RUNS"] ?? 100) });
