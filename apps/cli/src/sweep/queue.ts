import type {
  ExpandedSweep,
  ExperimentConfig,
  RunOutcome,
  RunSummary,
} from "@plasticity/experiments/config";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { UsageError } from "../errors.js";

/** One BullMQ queue holds every sweep's runs; a job is one run, its id `<sweep>__<run id>`. */
export const QUEUE_NAME = "plasticity-runs";

/** What a job carries: everything a worker on another machine needs to run or resume the run. */
export interface RunJobData {
  readonly sweep: string;
  readonly id: string;
  readonly index: number;
  readonly group: string;
  readonly varied: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** The shared run directory root (a network file system on a cluster). */
  readonly out: string;
  readonly config: ExperimentConfig;
  readonly plugins: readonly string[];
}

export const jobId = (sweep: string, id: string) => `${sweep}__${id}`;

/** A redis:// or rediss:// URL, checked; anything else is a usage error naming --queue. */
export function queueUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(
      `--queue ${url}: expected a Redis URL like redis://127.0.0.1:6379`,
      "--queue",
    );
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new UsageError(`--queue ${url}: expected a redis:// or rediss:// URL`, "--queue");
  }
  return url;
}

/**
 * Fail fast, with the address, when Redis cannot be reached (ioredis would otherwise retry
 * forever): one connection attempt with a short timeout, then PING.
 */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  r.on("error", () => {}); // reported below
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    throw new Error(
      `cannot reach Redis at ${url}: ${(err as Error).message}. Start it (e.g. redis-server --port 6379) or fix --queue`,
    );
  } finally {
    r.disconnect();
  }
}

/** The queue (BullMQ keeps its own connections; `url` is passed through). */
export function openQueue(url: string): Queue<RunJobData, RunSummary> {
  return new Queue<RunJobData, RunSummary>(QUEUE_NAME, { connection: { url } });
}

/**
 * Enqueue every run of a sweep. A run whose job already exists is not added again (BullMQ
 * deduplicates by job id): a duplicate submission runs nothing twice; a job that failed for good
 * is retried (its run resumes from its last checkpoint). Returns the job ids, in run order.
 */
export async function submitSweep(
  queue: Queue<RunJobData, RunSummary>,
  sweep: ExpandedSweep,
  opts: { out: string; plugins: readonly string[]; attempts: number },
): Promise<{ ids: string[]; added: number; retried: number }> {
  let added = 0;
  let retried = 0;
  const ids: string[] = [];
  for (const run of sweep.runs) {
    const id = jobId(sweep.name, run.id);
    ids.push(id);
    const existing = await queue.getJob(id);
    if (existing) {
      if ((await existing.getState()) === "failed") {
        await existing.retry("failed");
        retried++;
      }
      continue;
    }
    const data: RunJobData = {
      sweep: sweep.name,
      id: run.id,
      index: run.index,
      group: run.group,
      varied: run.varied,
      seed: run.seed,
      out: opts.out,
      config: run.config,
      plugins: opts.plugins,
    };
    await queue.add(sweep.name, data, {
      jobId: id,
      attempts: opts.attempts,
      backoff: { type: "fixed", delay: 1000 },
      removeOnComplete: false,
      removeOnFail: false,
    });
    added++;
  }
  return { ids, added, retried };
}

/** A job's outcome for the aggregate (summary from the queue, not from the shared path). */
export function outcomeOf(job: Job<RunJobData, RunSummary>, state: string): RunOutcome {
  const d = job.data;
  const base = { id: d.id, group: d.group, varied: d.varied, seed: d.seed };
  if (state === "completed") return { ...base, summary: job.returnvalue };
  return { ...base, summary: null, error: job.failedReason || state };
}

export type JobCounts = Record<"waiting" | "active" | "completed" | "failed" | "other", number>;

/** The state of every job of a sweep, by id. */
export async function jobStates(
  queue: Queue<RunJobData, RunSummary>,
  ids: readonly string[],
): Promise<{
  jobs: (Job<RunJobData, RunSummary> | undefined)[];
  states: string[];
  counts: JobCounts;
}> {
  const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
  const states = await Promise.all(
    jobs.map((j) => (j ? j.getState() : Promise.resolve("missing"))),
  );
  const counts: JobCounts = { waiting: 0, active: 0, completed: 0, failed: 0, other: 0 };
  for (const s of states) {
    if (s === "waiting" || s === "prioritized" || s === "delayed") counts.waiting++;
    else if (s === "active" || s === "completed" || s === "failed") counts[s]++;
    else counts.other++;
  }
  return { jobs, states, counts };
}
