import cliProgress from "cli-progress";
import type { RunEvent } from "./events.js";

/**
 * A progress bar for `runExperiment`'s events: step, samples/s and ETA on one line of `stream`.
 * Only draws on a terminal; `enabled: false` (or a pipe) makes it a no-op.
 */
export function createProgressBar(
  stream: NodeJS.WriteStream = process.stderr,
  enabled = Boolean(stream.isTTY),
): { onEvent: (e: RunEvent) => void; stop: () => void } {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        " {bar} {percentage}% | step {value}/{total} | {rate} samples/s | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = false;
  let t0 = 0;
  let s0 = 0;
  return {
    onEvent(e) {
      if (e.type === "start") {
        bar.start(e.totalSteps, e.startStep, { rate: "-" });
        active = true;
        t0 = performance.now();
        s0 = 0;
      } else if (e.type === "step" && active) {
        if (s0 === 0) {
          s0 = e.samples;
          t0 = performance.now();
        }
        const dt = (performance.now() - t0) / 1000;
        const rate = dt > 0 ? ((e.samples - s0) / dt).toFixed(0) : "-";
        bar.update(e.step, { rate });
        if (e.step >= e.totalSteps) {
          bar.stop();
          active = false;
        }
      }
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
