import { PlasticityError } from "@plasticity/core";

/**
 * The thread budget of this process: PLASTICITY_THREADS (a positive integer), or none. A sweep's
 * local pool starts each run with PLASTICITY_THREADS=1, so `--jobs N` runs use N cores, not N
 * times each model's own worker count. Worker counts never change a model's numbers (fixed
 * shards, per-sample dynamics), only its speed.
 */
export function threadBudget(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.PLASTICITY_THREADS;
  if (raw === undefined || raw === "") return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new PlasticityError(
      `PLASTICITY_THREADS: expected a positive integer (threads this run may use), got ${JSON.stringify(raw)}; unset it to use each model's own worker count`,
      "PLASTICITY_THREADS",
    );
  }
  return n;
}

/** Threads a model may use in all (its own thread included), given the config's `wanted`. */
export function cappedThreads(wanted: number, env: NodeJS.ProcessEnv = process.env): number {
  const budget = threadBudget(env);
  return budget === null ? wanted : Math.min(wanted, budget);
}
