import { PlasticityError, type Rng } from "@plasticity/core";
import {
  type Dataset,
  loadDataset,
  standardizeDataset,
  standardizePerImage,
} from "@plasticity/datasets";
import type { DataConfig } from "./config/schema.js";
import { applyZca, zcaMatrix } from "./data-zca.js";
import type { TrainBatch } from "./models/model.js";

/** The two splits an experiment uses, preprocessed alike. */
export interface ExperimentData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** [h, w, c] of one image. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: readonly string[];
  /** Human-readable: where the files came from and what was done to them. */
  readonly source: string;
}

/**
 * Subtract the training set's mean image m_j = (1/n) Σ_i x_ij from every image of each set
 * (centering makes a Hebbian layer see the data's variations rather than its mean). New sets.
 */
export function centerImages<T extends { x: Float32Array; shape: readonly number[] }>(
  train: T,
  others: readonly T[],
): T[] {
  const [n, h, w, c] = train.shape as [number, number, number, number];
  const d = h * w * c;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += train.x[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return [train, ...others].map((set) => {
    const x = new Float32Array(set.x.length);
    for (let i = 0; i < x.length; i++) x[i] = set.x[i]! - mean[i % d]!;
    return { ...set, x };
  });
}

/** Apply `data.preprocess` to both splits, with statistics from the training split only. */
export function preprocess(
  train: Dataset,
  test: Dataset,
  kind: DataConfig["preprocess"],
  cfg?: Pick<DataConfig, "dataset" | "zca">,
): [Dataset, Dataset] {
  switch (kind) {
    case "zca": {
      const [a, b] = [standardizePerImage(train), standardizePerImage(test)];
      const m = zcaMatrix(cfg?.dataset ?? "data", a, cfg?.zca ?? { images: 9000, epsilon: 1e-3 });
      return [applyZca(a, m), applyZca(b, m)];
    }
    case "none":
      return [train, test];
    case "center": {
      const [a, b] = centerImages(train, [test]);
      return [a!, b!];
    }
    case "standardize": {
      const { data, stats } = standardizeDataset(train);
      return [data, standardizeDataset(test, { stats }).data];
    }
    case "standardize-per-image":
      return [standardizePerImage(train), standardizePerImage(test)];
    case "center-per-image":
      return [
        standardizePerImage(train, { divideByStd: false }),
        standardizePerImage(test, { divideByStd: false }),
      ];
  }
}

/** Load the train and test splits named by the config and preprocess them. */
export async function loadExperimentData(cfg: DataConfig): Promise<ExperimentData> {
  const common = { dir: cfg.dir, download: cfg.download };
  const rawTrain = await loadDataset(cfg.dataset, { ...common, split: "train", limit: cfg.limit });
  const rawTest = await loadDataset(cfg.dataset, {
    ...common,
    split: "test",
    limit: cfg.testLimit,
  });
  const [train, test] = preprocess(rawTrain, rawTest, cfg.preprocess, cfg);
  const [, h, w, c] = train.shape;
  return {
    train,
    test,
    inputShape: [h, w, c],
    classes: train.classes,
    source: `${rawTrain.source}; preprocess ${cfg.preprocess}${
      cfg.preprocess === "zca" ? ` (${cfg.zca.images} images, ε ${cfg.zca.epsilon})` : ""
    }`,
  };
}

/** Steps per epoch when the last incomplete batch is dropped (every batch has the same shape). */
export function stepsPerEpoch(n: number, batchSize: number): number {
  const s = Math.floor(n / batchSize);
  if (s < 1) {
    throw new PlasticityError(
      `train.batchSize: ${batchSize} is larger than the training set (${n} images); lower it or raise data.limit`,
      "train.batchSize",
    );
  }
  return s;
}

/**
 * The order of one epoch: a seeded permutation, or 0..n−1 without shuffling; with
 * `replacement`, `count` indices drawn uniformly with replacement (online rounds).
 */
export function epochOrder(
  rng: Rng,
  n: number,
  shuffle: boolean,
  replacement?: { count: number },
): Int32Array {
  if (replacement) {
    const o = new Int32Array(replacement.count);
    for (let i = 0; i < o.length; i++) o[i] = rng.int(n);
    return o;
  }
  if (shuffle) return rng.permutation(n);
  const o = new Int32Array(n);
  for (let i = 0; i < n; i++) o[i] = i;
  return o;
}

/** Gather the batch of rows `order[start .. start + size)` of `ds`. */
export function gatherBatch(
  ds: Dataset,
  order: Int32Array,
  start: number,
  size: number,
): TrainBatch {
  const [, h, w, c] = ds.shape;
  const d = h * w * c;
  const x = new Float32Array(size * d);
  const y = new Int32Array(size);
  for (let r = 0; r < size; r++) {
    const i = order[start + r]!;
    x.set(ds.x.subarray(i * d, (i + 1) * d), r * d);
    y[r] = ds.y[i]!;
  }
  return { x, y, shape: [size, h, w, c] };
}

/** The first `n` images of a set (all when it has fewer). */
export function head(ds: Dataset, n: number): { x: Float32Array; y: Int32Array; n: number } {
  const m = Math.min(n, ds.shape[0]);
  const d = ds.shape[1] * ds.shape[2] * ds.shape[3];
  return { x: ds.x.subarray(0, m * d), y: ds.y.subarray(0, m), n: m };
}
