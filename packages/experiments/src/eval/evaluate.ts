import type { EvalConfig, ProbeKind } from "../config/schema.js";
import type { ExperimentModel } from "../models/model.js";
import type { ProbeRow, ProbeVariant } from "./report.js";
import { type ProbeData, type ProbeResult, ridgeProbe } from "./ridge.js";
import { softmaxProbe } from "./softmax.js";
import { svmProbe } from "./svm.js";

/** The labelled images the probes are fitted on (train) and scored on (test). */
export interface ProbeSplits {
  readonly train: ProbeData;
  readonly test: ProbeData;
  /** Values per image. */
  readonly d: number;
}

/** Progress of the probes: one call before each (layer, probe) fit. */
export type ProbeProgress = (p: {
  readonly variant: ProbeVariant;
  readonly layer: string;
  readonly probe: ProbeKind | "features";
  readonly dim: number;
}) => void;

/** Fit one probe kind on one layer's features. */
export function fitProbe(
  kind: ProbeKind,
  train: ProbeData,
  test: ProbeData,
  dim: number,
  nClasses: number,
  cfg: EvalConfig,
  seed: number,
): ProbeResult {
  switch (kind) {
    case "ridge": {
      // scikit-learn's alpha has no 1/n: (1/n)‖·‖² + (α/n)‖W‖² has the same minimiser
      const lambda = cfg.ridge.alpha !== undefined ? cfg.ridge.alpha / train.n : cfg.ridge.lambda;
      return ridgeProbe(train, test, dim, nClasses, lambda, {
        standardize: cfg.ridge.standardize,
      });
    }
    case "softmax":
      return softmaxProbe(train, test, dim, nClasses, { ...cfg.softmax, seed });
    case "svm":
      return svmProbe(train, test, dim, nClasses, { ...cfg.svm, seed });
  }
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
  onFit?: (kind: ProbeKind) => void,
): Partial<Record<ProbeKind, ProbeResult>> {
  const out: Partial<Record<ProbeKind, ProbeResult>> = {};
  for (const kind of kinds) {
    onFit?.(kind);
    out[kind] = fitProbe(kind, train, test, dim, nClasses, cfg, seed);
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
  onProgress?: ProbeProgress,
): Promise<ProbeRow[]> {
  onProgress?.({ variant, layer: "all", probe: "features", dim: 0 });
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
      (probe) => onProgress?.({ variant, layer: f.layer, probe, dim: f.dim }),
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
  onProgress?: ProbeProgress,
): ProbeRow {
  return {
    layer: "input",
    variant: "input",
    dim: splits.d,
    probes: probeLayer(splits.train, splits.test, splits.d, nClasses, cfg, kinds, seed, (probe) =>
      onProgress?.({ variant: "input", layer: "input", probe, dim: splits.d }),
    ),
  };
}
