import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PlasticityError } from "@plasticity/core";
import type { BackendInfo } from "@plasticity/tfjs";
import { tf } from "@plasticity/tfjs";
import type { EvalReport } from "../eval/evaluate.js";
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
  readonly figures: readonly string[];
  readonly error: string | null;
}

/** Peak resident set size of this process in MB. */
export function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

function findPackageJson(start: string, name: string): string | null {
  let dir = start;
  for (let i = 0; i < 12; i++) {
    const own = join(dir, "package.json");
    if (existsSync(own)) {
      try {
        if ((JSON.parse(readFileSync(own, "utf8")) as { name?: string }).name === name) return own;
      } catch {
        // not ours; keep walking
      }
    }
    const dep = join(dir, "node_modules", name, "package.json");
    if (existsSync(dep)) return dep;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** Versions of the plasticity packages, tfjs-core and Node, for summary.json. */
export function versions(): Record<string, string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out: Record<string, string> = {};
  for (const name of [
    "@plasticity/experiments",
    "@plasticity/core",
    "@plasticity/tfjs",
    "@plasticity/datasets",
  ]) {
    const p = findPackageJson(here, name);
    let v = "unknown";
    if (p) {
      try {
        v = (JSON.parse(readFileSync(p, "utf8")) as { version?: string }).version ?? "unknown";
      } catch {
        v = "unknown";
      }
    }
    out[name] = v;
  }
  out["@tensorflow/tfjs-core"] = tf.version_core;
  out.node = process.version;
  return out;
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
