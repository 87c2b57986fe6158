import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config/errors.js";
import type { ExperimentConfig } from "../config/schema.js";
import { readJsonFile, writeJsonAtomic } from "../io/atomic.js";
import { listCheckpoints } from "../run/checkpoint.js";
import { runPaths } from "../run/rundir.js";
import { readSummary } from "../run/summary.js";

/** Where a sweep run lives: `<out>/<sweep name>/<run id>/`, the same on every submission. */
export function sweepRunDir(out: string, sweep: string, id: string): string {
  return join(out, sweep, id);
}

/** What a sweep run's directory says about it. */
export type SweepRunState = "new" | "completed" | "resumable" | "started";

/** completed: summary says so; resumable: has a checkpoint; started: has a config only; new: nothing. */
export function sweepRunState(dir: string): SweepRunState {
  const p = runPaths(dir);
  if (!existsSync(p.config)) return "new";
  let status: string | undefined;
  try {
    status = readSummary(p.summary)?.status;
  } catch {
    status = undefined; // an unreadable summary: the checkpoints decide
  }
  if (status === "completed") return "completed";
  return listCheckpoints(p.checkpoints).length > 0 ? "resumable" : "started";
}

/**
 * Make the run directory and write its config.json (atomically) unless it is there; an existing
 * config.json must be the same config (the id is its hash), else the directory belongs to
 * another run and is refused.
 */
export function prepareSweepRunDir(dir: string, config: ExperimentConfig): void {
  const p = runPaths(dir);
  mkdirSync(p.checkpoints, { recursive: true });
  mkdirSync(p.figures, { recursive: true });
  if (!existsSync(p.config)) {
    writeJsonAtomic(p.config, config);
    return;
  }
  const have = JSON.stringify(readJsonFile(p.config, "config"));
  if (have !== JSON.stringify(config)) {
    throw new ConfigError(
      `${p.config} holds another config than this sweep run's; move the directory away or use another --out`,
      "--out",
    );
  }
}
