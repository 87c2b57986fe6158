import {
  prepareSweepRunDir,
  type RunSummary,
  readSummary,
  runPaths,
  sweepRunDir,
  sweepRunState,
} from "@plasticity/experiments/config";
import { Worker } from "bullmq";
import { type RunningChild, runChild } from "./child.js";
import { QUEUE_NAME, type RunJobData } from "./queue.js";

export interface WorkerOptions {
  readonly url: string;
  /** Runs at once on this machine (one child process each). */
  readonly jobs: number;
  /** How long a silent worker holds a run before another takes it over (BullMQ's lock), ms. */
  readonly lockMs: number;
  readonly log: (line: string) => void;
}

/**
 * A BullMQ worker that runs sweep jobs: each job is one run in a child process (single-threaded),
 * resumed from its checkpoint in the shared run directory when one exists; its summary goes back
 * through the queue as the job's result. A worker that dies (kill -9, a lost machine) stops
 * renewing its locks; BullMQ's stalled-job check hands its runs to another worker, which resumes
 * them from their last checkpoints. `stop()` sends SIGTERM to the runs (each checkpoints) and
 * leaves their jobs to be taken over the same way.
 */
export function startWorker(o: WorkerOptions): {
  worker: Worker<RunJobData, RunSummary>;
  stop: () => Promise<void>;
} {
  const running = new Set<RunningChild>();
  let stopping = false;
  const worker = new Worker<RunJobData, RunSummary>(
    QUEUE_NAME,
    async (job) => {
      const d = job.data;
      const dir = sweepRunDir(d.out, d.sweep, d.id);
      if (sweepRunState(dir) === "completed") {
        o.log(`${job.id}: already completed in ${dir}`);
        return readSummary(runPaths(dir).summary)!;
      }
      prepareSweepRunDir(dir, d.config);
      o.log(
        `${job.id}: ${sweepRunState(dir) === "resumable" ? "resuming" : "starting"} run ${d.index} in ${dir}`,
      );
      const child = runChild(dir, d.plugins);
      running.add(child);
      const r = await child.done;
      running.delete(child);
      // stopping (SIGTERM to this worker): leave the job active; its lock lapses and another
      // worker resumes the run from the checkpoint the child just wrote, without using an attempt
      if (stopping) return new Promise<RunSummary>(() => {});
      if (r.code === 0 && r.summary) {
        o.log(`${job.id}: completed`);
        return r.summary;
      }
      throw new Error(
        `run ${d.index} (${dir}) ${r.signal ? `stopped by ${r.signal}` : `exited ${r.code}`}: ${r.errorTail}`,
      );
    },
    {
      connection: { url: o.url },
      concurrency: o.jobs,
      lockDuration: o.lockMs,
      stalledInterval: o.lockMs,
      maxStalledCount: 10,
    },
  );
  worker.on("failed", (job, err) =>
    o.log(`${job?.id}: failed (attempt ${job?.attemptsMade}): ${err.message}`),
  );
  return {
    worker,
    async stop() {
      stopping = true;
      for (const c of running) c.stop();
      await Promise.all([...running].map((c) => c.done));
    },
  };
}
