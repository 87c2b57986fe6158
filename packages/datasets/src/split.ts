import { PlasticityError } from "@plasticity/core";
import type { LabeledSet, Shape4 } from "./types.js";
import { checkImageSet, checkInt, type RandomOptions, resolveRng } from "./util.js";

/**
 * The examples at `indices`, in that order (copied), with every other field of `ds` kept.
 * Per-example side data other than `x` and `y` is not gathered.
 */
export function subset<T extends LabeledSet>(ds: T, indices: ArrayLike<number>): T {
  const [n, h, w, c] = checkImageSet(ds, "ds");
  const d = h * w * c;
  const m = indices.length;
  const x = new Float32Array(m * d);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= n) {
      throw new PlasticityError(
        `indices[${i}]: expected an integer in [0, ${n - 1}], got ${k}`,
        `indices.${i}`,
      );
    }
    x.set(ds.x.subarray(k * d, (k + 1) * d), i * d);
    y[i] = ds.y[k];
  }
  const shape: Shape4 = [m, h, w, c];
  return { ...ds, x, y, shape };
}

/** The first `count` examples (views into `ds`, no copy); the whole set when `count ≥ n`. */
export function take<T extends LabeledSet>(ds: T, count: number): T {
  const [n, h, w, c] = checkImageSet(ds, "ds");
  checkInt("count", count, 0);
  if (count >= n) return ds;
  const d = h * w * c;
  const shape: Shape4 = [count, h, w, c];
  return { ...ds, x: ds.x.subarray(0, count * d), y: ds.y.subarray(0, count), shape };
}

/** The examples of `ds` in a seeded random order (a copy; same seed → same order). */
export function shuffleDataset<T extends LabeledSet>(ds: T, opts: RandomOptions): T {
  const [n] = checkImageSet(ds, "ds");
  return subset(ds, resolveRng(opts, "shuffleDataset").permutation(n));
}

export interface TrainValOptions extends RandomOptions {
  /** Fraction of examples put in the validation set, in (0, 1). */
  valFraction?: number;
  /** Exact number of examples put in the validation set. */
  valSize?: number;
}

/** Indices of a seeded train/validation partition of 0..n-1, each part in ascending order. */
export function trainValIndices(
  n: number,
  opts: TrainValOptions,
): { train: Int32Array; val: Int32Array } {
  const valSize = resolveValSize(n, opts);
  const perm = resolveRng(opts, "trainValSplit").permutation(n);
  const val = perm.slice(0, valSize).sort();
  const train = perm.slice(valSize).sort();
  return { train, val };
}

/**
 * Splits `ds` into a training set and a validation set drawn at random without replacement
 * (seeded): the same seed always gives the same partition. Both keep the original order of
 * their examples. When `ds` has a `split` field, the parts are labelled "train" and "val".
 */
export function trainValSplit<T extends LabeledSet>(
  ds: T,
  opts: TrainValOptions,
): { train: T; val: T } {
  const [n] = checkImageSet(ds, "ds");
  const idx = trainValIndices(n, opts);
  const train = subset(ds, idx.train);
  const val = subset(ds, idx.val);
  if ("split" in ds) {
    (train as T & { split: string }).split = "train";
    (val as T & { split: string }).split = "val";
  }
  return { train, val };
}

function resolveValSize(n: number, opts: TrainValOptions): number {
  const { valFraction, valSize } = opts;
  if ((valFraction === undefined) === (valSize === undefined)) {
    throw new PlasticityError(
      "trainValSplit: expected exactly one of valFraction (in (0, 1)) or valSize (an integer)",
      "valFraction",
    );
  }
  if (valSize !== undefined) return checkInt("valSize", valSize, 1, Math.max(1, n - 1));
  if (typeof valFraction !== "number" || !(valFraction > 0 && valFraction < 1)) {
    throw new PlasticityError(
      `valFraction: expected a number in (0, 1), got ${valFraction}`,
      "valFraction",
    );
  }
  const k = Math.round(valFraction * n);
  if (k < 1 || k > n - 1) {
    throw new PlasticityError(
      `valFraction: ${valFraction} of ${n} examples leaves an empty train or validation set`,
      "valFraction",
    );
  }
  return k;
}
