import { checkArray, PlasticityError } from "@plasticity/core";
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { accuracy, argmaxRows, checkLabels, confusionMatrix } from "./metrics.js";
import { type FeatureStats, featureStats } from "./standardize.js";

/** A fitted linear read-out on standardised features: scores = ((x − μ)/σ) W + b. */
export interface LinearReadout {
  readonly d: number;
  readonly k: number;
  readonly stats: FeatureStats;
  /** [d × k] row-major. */
  readonly W: Float64Array;
  readonly b: Float64Array;
}

/**
 * Σ_i x_i x_iᵀ [d × d] in float64, skipping zero entries (ReLU / k-WTA features are sparse, so
 * this costs Σ_i nnz(x_i)² / 2 instead of n d² / 2).
 */
export function gramMatrix(x: Float32Array, n: number, d: number): Float64Array {
  const G = new Float64Array(d * d);
  const idx = new Int32Array(d);
  const val = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let m = 0;
    for (let j = 0; j < d; j++) {
      const v = x[row + j]!;
      if (v !== 0) {
        idx[m] = j;
        val[m] = v;
        m++;
      }
    }
    for (let p = 0; p < m; p++) {
      const a = idx[p]! * d;
      const va = val[p]!;
      for (let q = p; q < m; q++) G[a + idx[q]!]! += va * val[q]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) G[b * d + a] = G[a * d + b]!;
  return G;
}

/**
 * Ridge regression onto one-hot targets, closed form on standardised features z = (x − μ)/σ
 * (or only centred, z = x − μ, with `standardize: false`):
 *
 *   W = (ZᵀZ/n + λ I)⁻¹ ZᵀY/n,   b = mean of Y (class frequencies),
 *
 * i.e. the minimiser of (1/n)‖ZW + b − Y‖² + λ‖W‖². ZᵀZ is formed from the raw Gram matrix,
 * ZᵀZ = D⁻¹(XᵀX − n μμᵀ)D⁻¹ with D = diag(σ), and solved by Cholesky (ml-matrix).
 */
export function fitRidge(
  x: Float32Array,
  labels: Int32Array,
  n: number,
  d: number,
  k: number,
  lambda: number,
  opts: { readonly standardize?: boolean } = {},
): LinearReadout {
  checkArray("x", x, n * d, "n × d");
  checkLabels("labels", labels, n, k);
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw new PlasticityError(`lambda: expected a positive number, got ${lambda}`, "lambda");
  }
  const stats = featureStats(x, n, d);
  // Unstandardised: centre only (the intercept), σ = 1, as scikit-learn's Ridge.
  if (opts.standardize === false) stats.std.fill(1);
  const { mean, std } = stats;
  const G = gramMatrix(x, n, d);
  const A = new Matrix(d, d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const c = (G[a * d + b]! - n * mean[a]! * mean[b]!) / (n * std[a]! * std[b]!);
      A.set(a, b, a === b ? c + lambda : c);
      A.set(b, a, a === b ? c + lambda : c);
    }
  }
  // ZᵀY/n: per class, the mean standardised feature over its members times their share.
  const sums = new Float64Array(d * k);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]! += 1;
    const row = i * d;
    for (let j = 0; j < d; j++) sums[j * k + c]! += x[row + j]!;
  }
  const B = new Matrix(d, k);
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      B.set(j, c, (sums[j * k + c]! - counts[c]! * mean[j]!) / (n * std[j]!));
    }
  }
  const chol = new CholeskyDecomposition(A);
  if (!chol.isPositiveDefinite()) {
    throw new PlasticityError(
      `ridge: the regularised Gram matrix is not positive definite; increase lambda (${lambda})`,
      "lambda",
    );
  }
  const Wm = chol.solve(B);
  const W = new Float64Array(d * k);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) W[j * k + c] = Wm.get(j, c);
  const b = new Float64Array(k);
  for (let c = 0; c < k; c++) b[c] = counts[c]! / n;
  return { d, k, stats, W, b };
}

/** Scores [n × k] of a linear read-out. */
export function readoutScores(r: LinearReadout, x: Float32Array, n: number): Float64Array {
  const { d, k, W, b, stats } = r;
  checkArray("x", x, n * d, "n × d");
  const out = new Float64Array(n * k);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) z[j] = (x[row + j]! - stats.mean[j]!) / stats.std[j]!;
    const o = i * k;
    for (let c = 0; c < k; c++) out[o + c] = b[c]!;
    for (let j = 0; j < d; j++) {
      const zj = z[j]!;
      if (zj === 0) continue;
      const wr = j * k;
      for (let c = 0; c < k; c++) out[o + c]! += zj * W[wr + c]!;
    }
  }
  return out;
}

/** Predicted classes of a linear read-out. */
export function readoutPredict(r: LinearReadout, x: Float32Array, n: number): Int32Array {
  return argmaxRows(readoutScores(r, x, n), n, r.k);
}

/** The result of one probe on one layer. */
export interface ProbeResult {
  readonly probe: "ridge" | "softmax" | "svm";
  readonly dim: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Test-set confusion counts C[true][predicted]. */
  readonly confusion: number[][];
  readonly nTrain: number;
  readonly nTest: number;
}

/** Features and labels of one split. */
export interface ProbeData {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

/** Fit the ridge probe on `train`, report accuracy on both splits and the test confusion matrix. */
export function ridgeProbe(
  train: ProbeData,
  test: ProbeData,
  d: number,
  k: number,
  lambda: number,
  opts: { readonly standardize?: boolean } = {},
): ProbeResult {
  return scoreReadout(
    "ridge",
    fitRidge(train.x, train.y, train.n, d, k, lambda, opts),
    train,
    test,
  );
}

/** A fitted read-out's accuracy on both splits and its test confusion matrix. */
export function scoreReadout(
  probe: ProbeResult["probe"],
  r: LinearReadout,
  train: ProbeData,
  test: ProbeData,
): ProbeResult {
  const predTest = readoutPredict(r, test.x, test.n);
  return {
    probe,
    dim: r.d,
    trainAccuracy: accuracy(readoutPredict(r, train.x, train.n), train.y),
    testAccuracy: accuracy(predTest, test.y),
    confusion: confusionMatrix(predTest, test.y, r.k),
    nTrain: train.n,
    nTest: test.n,
  };
}
