import { PlasticityError } from "@plasticity/core";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { ImageSet } from "./types.js";
import { checkImageSet, checkInt } from "./util.js";

export interface ZcaOptions {
  /**
   * Regulariser ε added to each eigenvalue: W = E diag(1/√(λ + ε)) Eᵀ. It damps directions
   * with variance below ε (noise) instead of blowing them up. Default 1e-3 (Miconi 2021 on
   * per-image-normalised CIFAR images; Coates et al. use 0.1 on normalised patches).
   */
  epsilon?: number;
  /** Subtract the mean before whitening (default true). */
  center?: boolean;
}

/** A fitted ZCA whitening transform for d-dimensional rows. */
export interface ZcaModel {
  d: number;
  epsilon: number;
  /** Mean μ subtracted before whitening (zeros when fitted with `center: false`). */
  mean: Float32Array;
  /** Symmetric whitening matrix W [d×d], row-major: x_white = W (x − μ). */
  W: Float32Array;
  /** Eigenvalues λ of the covariance, descending. */
  eigenvalues: Float64Array;
  /** Rows the covariance was estimated from. */
  n: number;
}

/** Rows processed together; C and W are streamed once per block, not once per row. */
const BLOCK = 32;

/**
 * Covariance C = (1/n) Σ_i (x_i − μ)(x_i − μ)ᵀ of the rows of x [n×d], in float64, accumulated
 * block by block (C += X_bᵀ X_b) so the d×d matrix is read once per block of rows.
 */
export function covariance(
  x: Float32Array,
  n: number,
  d: number,
  mean: Float64Array,
): Float64Array {
  const C = new Float64Array(d * d);
  const xt = new Float64Array(d * BLOCK); // block transposed: xt[a·B + k] = x_k[a] − μ_a
  for (let start = 0; start < n; start += BLOCK) {
    const B = Math.min(BLOCK, n - start);
    for (let k = 0; k < B; k++) {
      const o = (start + k) * d;
      for (let a = 0; a < d; a++) xt[a * BLOCK + k] = x[o + a] - mean[a];
    }
    for (let a = 0; a < d; a++) {
      const ao = a * BLOCK;
      const row = a * d;
      for (let b = a; b < d; b++) {
        const bo = b * BLOCK;
        let s = 0;
        for (let k = 0; k < B; k++) s += xt[ao + k] * xt[bo + k];
        C[row + b] += s;
      }
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = C[a * d + b] / n;
      C[a * d + b] = v;
      C[b * d + a] = v;
    }
  }
  return C;
}

/**
 * Symmetric eigendecomposition of C [d×d] (ml-matrix's EigenvalueDecomposition, Householder
 * tridiagonalisation + QL), eigenvalues sorted descending; `vectors` holds the eigenvectors as
 * columns, row-major [d×d].
 */
export function symmetricEigen(
  C: Float64Array,
  d: number,
): { values: Float64Array; vectors: Float64Array } {
  const rows: Float64Array[] = [];
  for (let i = 0; i < d; i++) rows.push(C.subarray(i * d, (i + 1) * d));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const E = evd.eigenvectorMatrix;
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => lambda[j] - lambda[i]);
  const values = Float64Array.from(order, (i) => lambda[i]);
  const vectors = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    const er = E.getRow(r);
    for (let k = 0; k < d; k++) vectors[r * d + k] = er[order[k]];
  }
  return { values, vectors };
}

/**
 * ZCA whitening ("zero-phase component analysis", Bell & Sejnowski 1997): with the covariance
 * C = E Λ Eᵀ, W = E (Λ + εI)^{-1/2} Eᵀ and x_white = W (x − μ). The whitened covariance is
 * E Λ(Λ + εI)^{-1} Eᵀ ≈ I in directions with λ ≫ ε; unlike PCA whitening, W is symmetric, so
 * whitened images stay image-like (edges).
 */
function zcaFit(x: Float32Array, n: number, d: number, opts: ZcaOptions = {}): ZcaModel {
  checkInt("n", n, 1);
  checkInt("d", d, 1);
  if (!(x instanceof Float32Array) || x.length < n * d) {
    throw new PlasticityError(
      `x: expected a Float32Array of at least n·d = ${n * d} values [n×d]`,
      "x",
    );
  }
  const epsilon = opts.epsilon ?? 1e-3;
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new PlasticityError(`epsilon: expected a finite number ≥ 0, got ${epsilon}`, "epsilon");
  }
  const mean = new Float64Array(d);
  if (opts.center ?? true) {
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let a = 0; a < d; a++) mean[a] += x[o + a];
    }
    for (let a = 0; a < d; a++) mean[a] /= n;
  }
  const C = covariance(x, n, d, mean);
  const { values, vectors } = symmetricEigen(C, d);
  const scale = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const lam = Math.max(values[k], 0); // round-off can make tiny eigenvalues negative
    const v = lam + epsilon;
    if (!(v > 0)) {
      throw new PlasticityError(
        `epsilon: the covariance is singular (eigenvalue ${values[k]}); pass epsilon > 0`,
        "epsilon",
      );
    }
    scale[k] = 1 / Math.sqrt(v);
  }
  // W = E diag(scale) Eᵀ, symmetric: fill the upper triangle and mirror.
  const W = new Float32Array(d * d);
  const row = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    for (let k = 0; k < d; k++) row[k] = vectors[a * d + k] * scale[k];
    for (let b = a; b < d; b++) {
      let s = 0;
      const bo = b * d;
      for (let k = 0; k < d; k++) s += row[k] * vectors[bo + k];
      W[a * d + b] = s;
      W[b * d + a] = s;
    }
  }
  return { d, epsilon, mean: Float32Array.from(mean), W, eigenvalues: values, n };
}

/** Whitens the rows of x [n×d]: out_i = W (x_i − μ). Processes rows in blocks so W is read once per block. */
function zcaApply(model: ZcaModel, x: Float32Array, n: number, out?: Float32Array): Float32Array {
  const d = model.d;
  checkInt("n", n, 0);
  if (!(x instanceof Float32Array) || x.length < n * d) {
    throw new PlasticityError(
      `x: expected a Float32Array of at least n·d = ${n * d} values [n×${d}]`,
      "x",
    );
  }
  const o = out ?? new Float32Array(n * d);
  if (o.length < n * d) throw new PlasticityError(`out: expected at least ${n * d} values`, "out");
  const { W, mean } = model;
  const r = new Float64Array(BLOCK * d);
  const acc = new Float64Array(BLOCK * d);
  for (let start = 0; start < n; start += BLOCK) {
    const B = Math.min(BLOCK, n - start);
    for (let k = 0; k < B; k++) {
      const xo = (start + k) * d;
      for (let a = 0; a < d; a++) r[k * d + a] = x[xo + a] - mean[a];
    }
    acc.fill(0, 0, B * d);
    for (let a = 0; a < d; a++) {
      const wo = a * d;
      for (let k = 0; k < B; k++) {
        const ra = r[k * d + a];
        if (ra === 0) continue;
        const ko = k * d;
        for (let b = 0; b < d; b++) acc[ko + b] += ra * W[wo + b];
      }
    }
    for (let k = 0; k < B * d; k++) o[start * d + k] = acc[k];
  }
  return o;
}

/** Fits ZCA on whole images (rows of h·w·c values) of a set. */
function zcaFitSet(set: ImageSet, opts: ZcaOptions = {}): ZcaModel {
  const [n, h, w, c] = checkImageSet(set, "set");
  return zcaFit(set.x, n, h * w * c, opts);
}

/** Whitens every image of a set with a model fitted on images (or patches) of the same size. */
function zcaApplySet<T extends ImageSet>(model: ZcaModel, set: T): T {
  const [n, h, w, c] = checkImageSet(set, "set");
  if (h * w * c !== model.d) {
    throw new PlasticityError(
      `set.shape: images of ${h}×${w}×${c} = ${h * w * c} values do not match the ZCA model's d = ${model.d}`,
      "set.shape",
    );
  }
  return { ...set, x: zcaApply(model, set.x, n) };
}

/** ZCA whitening: `zca.fit(x, n, d, { epsilon })`, `zca.apply(model, x, n)`, and image-set forms. */
export const zca = {
  fit: zcaFit,
  apply: zcaApply,
  fitSet: zcaFitSet,
  applySet: zcaApplySet,
} as const;
