import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PlasticityError, type RngState } from "@plasticity/core";
import { z } from "zod";
import type { MetricRow } from "../figures/charts.js";
import { readJsonFile, writeJsonAtomic } from "../io/atomic.js";
import { decodeState, encodeState, type StateValue } from "../io/state.js";

/** Everything needed to continue a run as if it had never stopped. */
export interface Checkpoint {
  /** Steps completed. */
  readonly step: number;
  /** Epoch of the next step and its position (batches done) within that epoch. */
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly samples: number;
  /** The data-order generator at the start of `epoch` (its permutation is drawn again on resume). */
  readonly dataRng: RngState;
  /** The model's state: weights, rule states, its own rng. */
  readonly model: StateValue;
  /** metrics.jsonl rows so far. */
  readonly metrics: readonly MetricRow[];
  /** sha256 of config.json's config, to refuse resuming with a different config. */
  readonly configHash: string;
  /** Wall-clock seconds spent so far (summary only; never affects numbers). */
  readonly elapsedS: number;
  /** True for the checkpoint written when training finished. */
  readonly final: boolean;
}

const FORMAT = "plasticity.checkpoint";

const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  step: z.int().nonnegative(),
  epoch: z.int().nonnegative(),
  batchInEpoch: z.int().nonnegative(),
  samples: z.int().nonnegative(),
  dataRng: z.object({
    algorithm: z.literal("xoroshiro128plus"),
    state: z.array(z.number()).length(4),
    spareNormal: z.number().nullable(),
  }),
  model: z.unknown(),
  metrics: z.array(z.looseObject({ step: z.number() })),
  configHash: z.string(),
  elapsedS: z.number(),
  final: z.boolean(),
});

/** File name of the checkpoint after `step` steps. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}.json`;
}

/** Write a checkpoint atomically; keep the newest `keep` periodic ones and every final one. */
export function writeCheckpoint(dir: string, ckpt: Checkpoint, keep: number): string {
  const path = join(dir, checkpointName(ckpt.step));
  writeJsonAtomic(path, { format: FORMAT, version: 1, ...ckpt, model: encodeState(ckpt.model) });
  const all = listCheckpoints(dir);
  const periodic = all.filter((c) => c.path !== path);
  for (const old of periodic.slice(0, Math.max(0, periodic.length - (keep - 1)))) {
    const c = readCheckpointHeader(old.path);
    if (!c.final) rmSync(old.path, { force: true });
  }
  return path;
}

/** Checkpoint files in `dir`, oldest first. */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^step-(\d{8})\.json$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

function readCheckpointHeader(path: string): { final: boolean } {
  try {
    const raw = readJsonFile(path, "checkpoint") as { final?: unknown };
    return { final: raw?.final === true };
  } catch {
    return { final: false }; // unreadable: not worth keeping
  }
}

/** Read and validate a checkpoint; a corrupt file throws naming the file and the bad field. */
export function readCheckpoint(path: string): Checkpoint {
  const raw = readJsonFile(path, "checkpoint");
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PlasticityError(
      `checkpoint ${path} is not a valid plasticity checkpoint: ${i.path.join(".") || "(root)"}: ${i.message}`,
      path,
    );
  }
  const { format: _f, version: _v, ...rest } = r.data;
  return {
    ...rest,
    dataRng: rest.dataRng as RngState,
    metrics: rest.metrics as unknown as MetricRow[],
    model: decodeState(rest.model, `checkpoint ${path}`, "model"),
  };
}

/** The newest readable checkpoint of a run, and the newer ones that could not be read. */
export interface LatestCheckpoint {
  readonly path: string;
  readonly checkpoint: Checkpoint;
  /** Newer checkpoint files that are corrupt or truncated (newest first), with why. */
  readonly skipped: readonly { readonly path: string; readonly error: string }[];
}

/**
 * The newest valid checkpoint in `dir`, or null when there is none. A corrupt or truncated newer
 * file (a crash while a disk filled up, a copy cut short) is skipped and reported in `skipped`,
 * so a run resumes from the newest checkpoint it can trust; null with every file corrupt throws.
 */
export function latestCheckpoint(dir: string): LatestCheckpoint | null {
  const all = listCheckpoints(dir);
  const skipped: { path: string; error: string }[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const { path } = all[i]!;
    try {
      return { path, checkpoint: readCheckpoint(path), skipped };
    } catch (err) {
      skipped.push({ path, error: (err as Error).message });
    }
  }
  if (skipped.length > 0) {
    throw new PlasticityError(
      `no readable checkpoint in ${dir}: ${skipped.map((s) => s.error).join("; ")}`,
      dir,
    );
  }
  return null;
}
