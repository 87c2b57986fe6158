import type { Command } from "commander";
import { EXIT, UsageError } from "../errors.js";
import type { CliIO } from "../io.js";
import { checkRedis, queueUrl } from "../sweep/queue.js";
import { startWorker } from "../sweep/worker.js";

const SIGNAL_EXIT = { SIGINT: EXIT.interrupted, SIGTERM: 143 } as const;

/**
 * `plasticity worker --queue URL`: take sweep runs from the queue until stopped. SIGINT/SIGTERM
 * stop the runs in progress at their next step (each writes a checkpoint) and exit; those runs go
 * back to the queue when their locks lapse and another worker resumes them.
 */
export async function workerCommand(
  io: CliIO,
  o: { queue: string; jobs: number; lockSeconds: number },
): Promise<number> {
  const url = queueUrl(o.queue);
  await checkRedis(url);
  const log = (line: string) =>
    io.stderr.write(`${new Date().toISOString()} worker ${process.pid}: ${line}\n`);
  const { worker, stop } = startWorker({ url, jobs: o.jobs, lockMs: o.lockSeconds * 1000, log });
  log(
    `waiting for runs on ${url} (${o.jobs} at a time; Ctrl-C or SIGTERM stops after checkpointing)`,
  );
  const sig = await new Promise<keyof typeof SIGNAL_EXIT>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log(`${sig}: checkpointing the runs in progress`);
  await stop();
  await worker.close(true);
  return SIGNAL_EXIT[sig];
}

export function addWorkerCommand(program: Command, io: CliIO, setExit: (c: number) => void): void {
  const positive = (name: string) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`${name} ${v}: expected a positive integer`, name);
    return n;
  };
  program
    .command("worker")
    .description(
      "take sweep runs from a Redis queue (BullMQ) and run them, one process each, until stopped",
    )
    .requiredOption(
      "--queue <redis-url>",
      "the Redis the sweep was submitted to, e.g. redis://10.0.0.5:6379",
    )
    .option("--jobs <n>", "runs at once on this machine", positive("--jobs"), 1)
    .option(
      "--lock-seconds <s>",
      "how long a silent worker keeps a run before another takes it over",
      positive("--lock-seconds"),
      30,
    )
    .addHelpText(
      "after",
      "\nRun directories go where the sweep's --out says (a shared file system on a cluster); each\nfinished run's summary also goes back through the queue.\n\nExample:\n  $ plasticity worker --queue redis://10.0.0.5:6379 --jobs 4",
    )
    .action(async (o: { queue: string; jobs: number; lockSeconds: number }) => {
      setExit(await workerCommand(io, o));
    });
}
