import type { EvalConfig, ProbeKind } from "../config/schema.js";
import type { ExperimentModel } from "../models/model.js";
import type { ProbeRow, ProbeVariant } from "./report.js";
import { type ProbeData, type ProbeResult, ridgeProbe } from "./ridge.js";
import { softmaxProbe } from "./softmax.js";

/** The labelled images the probes are fitted on (train) and scored on (test). */
export interface ProbeSplits {
  readonly train: ProbeData;
  readonly test: ProbeData;
  /** Values per image. */
  readonly d: number;
}

/** Fit the configured probes on one layer's features. */
export function probeLayer(
  train: ProbeData,
  test: ProbeData,
  dim: number,
  nClasses: number,
  cfg: EvalConfig,
  kinds: readonly ProbeKind[],
  seed: number,
): Partial<Record<ProbeKind, ProbeResult>> {
  const out: Partial<Record<ProbeKind, ProbeResult>> = {};
  for (const kind of kinds) {
    out[kind] =
      kind === "ridge"
        ? ridgeProbe(train, test, dim, nClasses, cfg.ridge.lambda)
        : softmaxProbe(train, test, dim, nClasses, { ...cfg.softmax, seed });
  }
  return out;
}

/** Probe every layer of `model` (features of the probe splits, then one read-out per probe kind). */
export async function probeModel(
  model: ExperimentModel,
  splits: ProbeSplits,
  variant: ProbeVariant,
  nClasses: number,
  cfg: EvalConfig,
  kinds: readonly ProbeKind[],
  seed: number,
): Promise<ProbeRow[]> {
  const ftr = await model.features(splits.train.x, splits.train.n);
  const fte = await model.features(splits.test.x, splits.test.n);
  return ftr.map((f, i) => ({
    layer: f.layer,
    variant,
    dim: f.dim,
    probes: probeLayer(
      { x: f.data, y: splits.train.y, n: splits.train.n },
      { x: fte[i]!.data, y: splits.test.y, n: splits.test.n },
      f.dim,
      nClasses,
      cfg,
      kinds,
      seed,
    ),
  }));
}

/** The same probes on the raw (preprocessed) input: the reference every layer should beat. */
export function probeInput(
  splits: ProbeSplits,
  nClasses: number,
  cfg: EvalConfig,
  kinds: readonly ProbeKind[],
  seed: number,
): ProbeRow {
  return {
    layer: "input",
    variant: "input",
    dim: splits.d,
    probes: probeLayer(splits.train, splits.test, splits.d, nClasses, cfg, kinds, seed),
  };
}
