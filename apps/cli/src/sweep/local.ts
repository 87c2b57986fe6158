import {
  type ExpandedSweep,
  prepareSweepRunDir,
  type RunOutcome,
  readSummary,
  runPaths,
  sweepRunDir,
  sweepRunState,
} from "@plasticity/experiments/config";
import { type RunningChild, runChild } from "./child.js";
import { type SweepCounts, sweepProgress } from "./progress.js";

export interface LocalOptions {
  /** Concurrent runs (child processes). */
  readonly jobs: number;
  readonly out: string;
  readonly plugins?: readonly string[];
  /** Only these run indices (e.g. one SLURM array task). */
  readonly only?: readonly number[];
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
  readonly signal?: AbortSignal;
}

/**
 * Run a sweep on this machine: a pool of `jobs` child processes, one single-threaded run each,
 * skipping finished runs and resuming interrupted ones from their checkpoints. Aborting `signal`
 * sends SIGTERM to the running children (each checkpoints and stops) and starts nothing new.
 */
export async function runLocal(sweep: ExpandedSweep, o: LocalOptions): Promise<RunOutcome[]> {
  const runs = sweep.runs.filter((r) => !o.only || o.only.includes(r.index));
  const counts: SweepCounts = { total: runs.length, done: 0, failed: 0, running: 0, skipped: 0 };
  const view = sweepProgress(o.stderr, o.jobs);
  const outcomes: RunOutcome[] = [];
  const running = new Set<RunningChild>();
  const stopAll = () => {
    for (const c of running) c.stop();
  };
  o.signal?.addEventListener("abort", stopAll, { once: true });
  const queue = [...runs];
  const worker = async () => {
    for (let run = queue.shift(); run && !o.signal?.aborted; run = queue.shift()) {
      const dir = sweepRunDir(o.out, sweep.name, run.id);
      const base = { id: run.id, group: run.group, varied: run.varied, seed: run.seed };
      if (sweepRunState(dir) === "completed") {
        counts.skipped++;
        outcomes.push({ ...base, summary: readSummary(runPaths(dir).summary) });
        view.draw(counts);
        continue;
      }
      prepareSweepRunDir(dir, run.config);
      const t0 = performance.now();
      const child = runChild(dir, o.plugins);
      running.add(child);
      counts.running++;
      view.draw(counts);
      const r = await child.done;
      running.delete(child);
      counts.running--;
      if (r.code === 0 && r.summary) {
        counts.done++;
        view.finished((performance.now() - t0) / 1000);
        outcomes.push({ ...base, summary: r.summary });
      } else {
        counts.failed++;
        const why = r.signal ? `stopped by ${r.signal}` : `exit ${r.code}`;
        outcomes.push({
          ...base,
          summary: null,
          error: `${why}: ${r.errorTail} (log: ${dir}/run.log)`,
        });
      }
      view.draw(counts);
    }
  };
  view.draw(counts);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, runs.length)) }, worker));
  o.signal?.removeEventListener("abort", stopAll);
  view.end();
  // in the sweep's order, whatever order the runs finished in
  const order = new Map(runs.map((r, i) => [r.id, i]));
  return outcomes.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}
