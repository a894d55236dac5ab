/**
 * Progress on stderr for long commands (`scan`): a cli-progress bar with count, rate, ETA and the
 * current source, only when stderr is a terminal; silent otherwise (logs, pipes, CI).
 */
import type { Writable } from "node:stream";
import { visibleControls } from "../util/escape.js";

export interface Progress {
  tick(current: string): void;
  stop(): void;
}

const SILENT: Progress = { tick: () => undefined, stop: () => undefined };

/** The tail of a path that fits the line: "…/fleet/rack4/host17.txt". */
function tail(s: string, width: number): string {
  const v = visibleControls(s);
  return v.length <= width ? v : `…${v.slice(v.length - width + 1)}`;
}

export async function progressBar(total: number, stream: Writable & { isTTY?: boolean; columns?: number }): Promise<Progress> {
  if (stream.isTTY !== true || total === 0) return SILENT;
  // Loaded only when a bar is drawn (a terminal): pipes, CI and the other commands never load it.
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar({
    stream,
    format: "scan [{bar}] {value}/{total} {rate}/s ETA {eta_formatted} {file}",
    barsize: 20,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 200,
    fps: 5,
  }, cliProgress.Presets.legacy);
  const t0 = performance.now();
  let done = 0;
  bar.start(total, 0, { rate: "0", file: "" });
  return {
    tick(current) {
      done++;
      const secs = (performance.now() - t0) / 1000;
      const room = Math.max(10, (stream.columns ?? 80) - 60);
      bar.update(done, { rate: secs > 0 ? (done / secs).toFixed(0) : "0", file: tail(current, room) });
    },
    stop() { bar.stop(); },
  };
}
