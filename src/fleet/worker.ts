/**
 * The scan pool's worker: one task is one host. Loaded by tinypool in each worker thread (from
 * dist/ as JavaScript, or from src/ as an esbuild bundle; see src/util/worker-module.ts).
 */
import type { Numbering } from "../topology/numbering.js";
import type { ScanRow } from "./row.js";
import { scanHost } from "./scan-host.js";

export interface ScanTask { source: string; numbering?: Numbering }

export default function scanTask(task: ScanTask): Promise<ScanRow> {
  return scanHost(task.source, task.numbering === undefined ? {} : { numbering: task.numbering });
}
