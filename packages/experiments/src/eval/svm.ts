import { checkArray, PlasticityError, Rng } from "@plasticity/core";
import { checkLabels } from "./metrics.js";
import { type LinearReadout, type ProbeData, type ProbeResult, scoreReadout } from "./ridge.js";
import { type FeatureStats, featureStats, standardize } from "./standardize.js";

export interface SvmOptions {
  /** Inverse L2 penalty (scikit-learn's LinearSVC C). */
  readonly C: number;
  /** Stopping tolerance ε on the projected gradient's spread (LinearSVC's tol). */
  readonly tol: number;
  /** At most this many passes per class. */
  readonly maxIter: number;
  /** Standardise each feature first (default false: raw features, as LinearSVC is usually used). */
  readonly standardize?: boolean;
  /** Seeds the coordinate order. */
  readonly seed: number;
}

/**
 * The training rows as the solver reads them: w·x_i and w += a·x_i. Sparse features (k-WTA,
 * ReLU, raw MNIST pixels: ~80 % zeros) are stored as CSR, so each touch costs nnz(x_i), as in
 * liblinear; dense features are read in place.
 */
interface Rows {
  dot(i: number, w: Float64Array): number;
  axpy(i: number, a: number, w: Float64Array): void;
  sqNorm(i: number): number;
}

function denseRows(x: Float32Array, d: number): Rows {
  return {
    dot(i, w) {
      const row = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += w[k]! * x[row + k]!;
      return s;
    },
    axpy(i, a, w) {
      const row = i * d;
      for (let k = 0; k < d; k++) w[k]! += a * x[row + k]!;
    },
    sqNorm(i) {
      let s = 0;
      for (let k = i * d; k < (i + 1) * d; k++) s += x[k]! * x[k]!;
      return s;
    },
  };
}

function sparseRows(x: Float32Array, n: number, d: number, nnz: number): Rows {
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const v = x[i * d + k]!;
      if (v !== 0) {
        idx[p] = k;
        val[p++] = v;
      }
    }
    ptr[i + 1] = p;
  }
  return {
    dot(i, w) {
      let s = 0;
      for (let q = ptr[i]!; q < ptr[i + 1]!; q++) s += w[idx[q]!]! * val[q]!;
      return s;
    },
    axpy(i, a, w) {
      for (let q = ptr[i]!; q < ptr[i + 1]!; q++) w[idx[q]!]! += a * val[q]!;
    },
    sqNorm(i) {
      let s = 0;
      for (let q = ptr[i]!; q < ptr[i + 1]!; q++) s += val[q]! * val[q]!;
      return s;
    },
  };
}

/** CSR when at most half the entries are non-zero, else the dense rows themselves. */
function rowsOf(x: Float32Array, n: number, d: number): Rows {
  let nnz = 0;
  for (let i = 0; i < n * d; i++) if (x[i] !== 0) nnz++;
  return nnz <= (n * d) / 2 ? sparseRows(x, n, d, nnz) : denseRows(x, d);
}

/** One binary problem's solution: w [d], the intercept, passes used, whether it met `tol`. */
interface BinarySvm {
  readonly w: Float64Array;
  readonly b: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Dual coordinate descent for the L2-regularised squared-hinge SVM (Hsieh et al. 2008, liblinear's
 * solver 1, what scikit-learn's LinearSVC runs):
 *
 *   min_w ½‖w‖² + C Σ_i max(0, 1 − y_i wᵀx̃_i)²,   x̃_i = [x_i, 1] (the intercept is a weight too)
 *
 * through its dual min_α ½ αᵀQ̄α − Σα_i, α ≥ 0, Q̄ = Q + I/(2C), one α_i at a time:
 * G = y_i wᵀx̃_i − 1 + α_i/(2C), α_i ← max(α_i − G/Q̄_ii, 0), w ← w + Δα_i y_i x̃_i, with
 * liblinear's shrinking of coordinates stuck at α = 0 (there is no upper bound for the squared
 * hinge), until max PG − min PG ≤ tol.
 */
function solveBinary(
  x: Rows,
  sign: Int8Array,
  n: number,
  d: number,
  opts: SvmOptions,
  rng: Rng,
  sqNorm: Float64Array,
): BinarySvm {
  const diag = 0.5 / opts.C;
  const alpha = new Float64Array(n);
  const w = new Float64Array(d);
  let b = 0;
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  let active = n;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  let iter = 0;
  let converged = false;
  while (iter < opts.maxIter) {
    iter++;
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let s = active - 1; s > 0; s--) {
      const j = rng.int(s + 1);
      const t = index[s]!;
      index[s] = index[j]!;
      index[j] = t;
    }
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const yi = sign[i]!;
      const G = yi * (x.dot(i, w) + b) - 1 + diag * alpha[i]!;
      let pg = G;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          // shrink: this coordinate sits at its bound and wants to stay there
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (G > 0) pg = 0;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i]!;
        const next = Math.max(old - G / (sqNorm[i]! + 1 + diag), 0);
        alpha[i] = next;
        const step = (next - old) * yi;
        x.axpy(i, step, w);
        b += step;
      }
    }
    if (pgMax - pgMin <= opts.tol) {
      if (active === n) {
        converged = true;
        break;
      }
      active = n; // check the shrunk coordinates once more before stopping
      pgMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Number.POSITIVE_INFINITY : pgMax;
  }
  return { w, b, iterations: iter, converged };
}

function checkSvmOptions(opts: SvmOptions): void {
  if (!(opts.C > 0) || !Number.isFinite(opts.C)) {
    throw new PlasticityError(`C: expected a positive number, got ${opts.C}`, "C");
  }
  if (!(opts.tol > 0))
    throw new PlasticityError(`tol: expected a positive number, got ${opts.tol}`, "tol");
  if (!Number.isInteger(opts.maxIter) || opts.maxIter <= 0) {
    throw new PlasticityError(
      `maxIter: expected a positive integer, got ${opts.maxIter}`,
      "maxIter",
    );
  }
}

/** Identity statistics: the read-out scores raw features. */
function rawStats(d: number): FeatureStats {
  return { mean: new Float64Array(d), std: new Float64Array(d).fill(1) };
}

/**
 * A linear SVM read-out, one-vs-rest over `k` classes (each class against the rest, squared hinge,
 * L2, C), solved in the dual as liblinear does. Returns the read-out and, per class, whether the
 * solver met `tol` within `maxIter` passes.
 */
export function fitLinearSvm(
  x: Float32Array,
  labels: Int32Array,
  n: number,
  d: number,
  k: number,
  opts: SvmOptions,
): LinearReadout & { readonly iterations: number[]; readonly converged: boolean[] } {
  checkArray("x", x, n * d, "n × d");
  checkLabels("labels", labels, n, k);
  checkSvmOptions(opts);
  const stats = opts.standardize ? featureStats(x, n, d) : rawStats(d);
  const z = opts.standardize ? standardize(x, n, d, stats) : x;
  const rows = rowsOf(z, n, d);
  const sqNorm = new Float64Array(n);
  for (let i = 0; i < n; i++) sqNorm[i] = rows.sqNorm(i);
  const W = new Float64Array(d * k);
  const b = new Float64Array(k);
  const iterations: number[] = [];
  const converged: boolean[] = [];
  const sign = new Int8Array(n);
  const rng = Rng.seeded(opts.seed);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) sign[i] = labels[i] === c ? 1 : -1;
    const sol = solveBinary(rows, sign, n, d, opts, rng.fork(c), sqNorm);
    for (let j = 0; j < d; j++) W[j * k + c] = sol.w[j]!;
    b[c] = sol.b;
    iterations.push(sol.iterations);
    converged.push(sol.converged);
  }
  return { d, k, stats, W, b, iterations, converged };
}

/** Fit the linear SVM probe on `train`; accuracy on both splits and the test confusion matrix. */
export function svmProbe(
  train: ProbeData,
  test: ProbeData,
  d: number,
  k: number,
  opts: SvmOptions,
): ProbeResult {
  return scoreReadout("svm", fitLinearSvm(train.x, train.y, train.n, d, k, opts), train, test);
}
