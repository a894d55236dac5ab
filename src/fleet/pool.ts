/**
 * Scanning many hosts in-process over a worker-thread pool (tinypool). Rows come back in the
 * order of the hosts, whatever order the workers finish in, through a bounded window: memory
 * stays flat however large the fleet, and `--jobs 1` and `--jobs 4` give the same output.
 * One job (or one host) runs in this thread, as the sweep's pool does (sim/experiments/pool.ts):
 * starting a worker thread costs more than reading a host.
 */
import { defaultJobs } from "../util/jobs.js";
import { workerThreads } from "../util/worker-module.js";
import type { KernelVersion } from "../topology/kernel.js";
import type { Numbering } from "../topology/numbering.js";
import type { ScanRow } from "./row.js";
import { unreadRow } from "./scan-host.js";
import scanTask, { type ScanTask } from "./worker.js";

export interface PoolOptions {
  /** Worker threads (default: the number of CPUs); 1 reads the hosts in this thread. */
  jobs?: number;
  numbering?: Numbering;
  /** Linux version for the analysis (default 6.12, src/topology/kernel.ts). */
  kernel?: KernelVersion;
  /** Stops submitting and yielding; the pool is torn down. */
  signal?: AbortSignal;
  /** Called as each host's row is ready (in completion order): for progress displays. */
  onDone?: (row: ScanRow) => void;
}

function taskOf(source: string, opts: PoolOptions): ScanTask {
  return {
    source,
    ...(opts.numbering === undefined ? {} : { numbering: opts.numbering }),
    ...(opts.kernel === undefined ? {} : { kernel: opts.kernel }),
  };
}

/** The hosts read one after another in this thread: the same rows as the pool, in the same order. */
async function* scanHere(sources: readonly string[], opts: PoolOptions): AsyncGenerator<ScanRow> {
  const aborted = (): boolean => opts.signal?.aborted === true;
  for (const source of sources) {
    // A turn of the event loop between hosts: reading a host makes no asynchronous call (sources
    // are read synchronously), and without it a Ctrl-C (the signal handler) would wait for the end.
    await new Promise<void>((resolve) => { setImmediate(resolve); });
    if (aborted()) return;
    const row = await scanTask(taskOf(source, opts)).catch((err: unknown) => unreadRow(source, err));
    opts.onDone?.(row);
    if (aborted()) return;
    yield row;
  }
}

/** Rows for `sources`, in order. */
export async function* scanPool(sources: readonly string[], opts: PoolOptions = {}): AsyncGenerator<ScanRow> {
  const jobs = Math.max(1, Math.floor(opts.jobs ?? defaultJobs()));
  if (jobs === 1 || sources.length <= 1) {
    yield* scanHere(sources, opts);
    return;
  }
  // Loaded here, not at import: only `scan` needs the pool, and every other command (and the test
  // suite) loads without it.
  const { Tinypool } = await import("tinypool");
  const pool = new Tinypool({
    ...workerThreads(import.meta.url, "worker", "fleet/worker"),
    minThreads: Math.min(jobs, Math.max(1, sources.length)),
    maxThreads: jobs,
  });
  // Enough in flight to keep every worker busy while the head of the line is slow, no more.
  const window = jobs * 4;
  const aborted = (): boolean => opts.signal?.aborted === true;
  const pending = new Map<number, Promise<ScanRow>>();
  let submitted = 0;
  const submit = (): void => {
    while (submitted < sources.length && pending.size < window && !aborted()) {
      const source = sources[submitted] ?? "";
      const row = (pool.run(taskOf(source, opts)) as Promise<ScanRow>).catch((err: unknown) => unreadRow(source, err))
        .then((r) => { opts.onDone?.(r); return r; });
      pending.set(submitted++, row);
    }
  };
  try {
    for (let next = 0; next < sources.length; next++) {
      submit();
      const row = pending.get(next);
      if (row === undefined || aborted()) return;
      const r = await row;
      if (aborted()) return;
      pending.delete(next);
      yield r;
    }
  } finally {
    pool.cancelPendingTasks();
    await pool.destroy();
  }
}
