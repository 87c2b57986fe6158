import type { RunEvent } from "@plasticity/experiments";
import type { CliIO } from "./io.js";

const tensorStack = () => import("@plasticity/experiments");

/**
 * Turns runner events into what the user sees on stderr: on a terminal a progress bar for
 * training and one for the evaluation; elsewhere (logs, CI) one line per phase and per
 * evaluation part. Warnings always.
 */
export async function eventPrinter(
  io: CliIO,
  json: boolean,
): Promise<{ onEvent: (e: RunEvent) => void; stop: () => void }> {
  const { createProgressBar } = await tensorStack();
  const tty = Boolean(io.stderr.isTTY);
  const bar = createProgressBar(io.stderr as NodeJS.WriteStream, !json && tty);
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  return {
    onEvent(e) {
      if (e.type === "warning") io.stderr.write(`plasticity: warning: ${e.message}\n`);
      if (!json && e.type === "start") {
        // before the bar takes over the line
        io.stderr.write(
          `${e.resumed ? "resuming" : "run"} ${e.dir} on ${e.backend.name}: steps ${e.startStep + 1}..${e.totalSteps} of ${e.batchSize} images\n`,
        );
      }
      bar.onEvent(e);
      if (json || tty) {
        if (!json && e.type === "phase" && e.phase === "figures") io.stderr.write(`${e.message}\n`);
        return;
      }
      if (e.type === "phase") io.stderr.write(`${e.message}\n`);
      if (e.type === "eval")
        io.stderr.write(`eval ${e.done + 1}/${e.total} ${e.message} (${since()})\n`);
    },
    stop: bar.stop,
  };
}
