import { existsSync } from "node:fs";
import { PlasticityError } from "@plasticity/core";
import type { BackendInfo } from "@plasticity/tfjs";
import type { EvalReport } from "../eval/report.js";
import type { MetricRow } from "../figures/charts.js";
import { readJsonFile } from "../io/atomic.js";

/** summary.json: what a run did and what came out of it. */
export interface RunSummary {
  readonly format: "plasticity.summary";
  readonly version: 1;
  readonly name: string;
  readonly status: "running" | "completed" | "interrupted" | "failed";
  /** Where the config came from (preset, file, --set). */
  readonly source: string;
  readonly dir: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly seed: number;
  readonly model: string;
  readonly dataset: {
    readonly name: string;
    readonly source: string;
    readonly train: number;
    readonly test: number;
    readonly shape: readonly number[];
  } | null;
  readonly backend: BackendInfo | null;
  readonly versions: Record<string, string>;
  /** Plugin modules loaded for this run (resolved), so `--resume` can load them again. */
  readonly plugins: readonly string[];
  readonly steps: { readonly done: number; readonly total: number; readonly perEpoch: number };
  readonly samples: number;
  /** The last metrics.jsonl row. */
  readonly finalMetrics: MetricRow | null;
  readonly eval: EvalReport | null;
  /** The model's own diagnostics after training. */
  readonly diagnostics: Record<string, number>;
  /** sha256 of the final model state: equal hashes ⇔ bit-identical weights. */
  readonly stateHash: string | null;
  /** Training wall time in seconds (summed over resumed segments) and the whole run's. */
  readonly trainSeconds: number;
  readonly wallSeconds: number;
  /** Peak resident set size of the (last) process, in MB. */
  readonly peakRssMB: number;
  /** Steps at which the run was resumed. */
  readonly resumedAt: readonly number[];
  /** The newest checkpoint written (its step): where `--resume` continues. Absent in old runs. */
  readonly checkpoint?: { readonly step: number } | null;
  /** The process that wrote this summary, to tell a live run from one that was killed. */
  readonly process?: { readonly pid: number; readonly host: string };
  readonly figures: readonly string[];
  readonly error: string | null;
}

/** Peak resident set size of this process in MB. */
export function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Read summary.json; null when the run has none yet. */
export function readSummary(path: string): RunSummary | null {
  if (!existsSync(path)) return null;
  const s = readJsonFile(path, "summary") as RunSummary;
  if (s?.format !== "plasticity.summary") {
    throw new PlasticityError(
      `${path} is not a plasticity summary (no "format": "plasticity.summary")`,
      path,
    );
  }
  return s;
}
