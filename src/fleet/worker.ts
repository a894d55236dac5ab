/**
 * The scan pool's worker: one task is one host. Loaded by tinypool in each worker thread (from
 * dist/ as JavaScript, or from src/ as an esbuild bundle; see src/util/worker-module.ts).
 */
import type { KernelVersion } from "../topology/kernel.js";
import type { Numbering } from "../topology/numbering.js";
import type { ScanRow } from "./row.js";
import { scanHost } from "./scan-host.js";

export interface ScanTask { source: string; numbering?: Numbering; kernel?: KernelVersion }

export default function scanTask(task: ScanTask): Promise<ScanRow> {
  const { source, ...opts } = task;
  return scanHost(source, opts);
}
