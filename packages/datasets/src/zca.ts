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
const BLOCK = 64;

/**
 * Covariance C = (1/n) Σ_i (x_i − μ)(x_i − μ)ᵀ of the rows of x [n×d], in float64, accumulated
 * block by block (C += X_bᵀ X_b, four dot products at a time) so the d×d matrix is read once per
 * block of rows.
 */
export function covariance(
  x: Float32Array,
  n: number,
  d: number,
  mean: Float64Array,
): Float64Array {
  const C = new Float64Array(d * d);
  const B = BLOCK;
  const xt = new Float64Array(d * B); // block transposed: xt[a·B + k] = x_k[a] − μ_a (0 past the end)
  for (let start = 0; start < n; start += B) {
    const m = Math.min(B, n - start);
    if (m < B) xt.fill(0);
    for (let k = 0; k < m; k++) {
      const o = (start + k) * d;
      for (let a = 0; a < d; a++) xt[a * B + k] = x[o + a] - mean[a];
    }
    for (let a = 0; a < d; a++) {
      const ao = a * B;
      const row = a * d;
      let b = a;
      for (; b + 3 < d; b += 4) {
        const b0 = b * B;
        const b1 = b0 + B;
        const b2 = b1 + B;
        const b3 = b2 + B;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0; k < B; k++) {
          const v = xt[ao + k];
          s0 += v * xt[b0 + k];
          s1 += v * xt[b1 + k];
          s2 += v * xt[b2 + k];
          s3 += v * xt[b3 + k];
        }
        C[row + b] += s0;
        C[row + b + 1] += s1;
        C[row + b + 2] += s2;
        C[row + b + 3] += s3;
      }
      for (; b < d; b++) {
        const bo = b * B;
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
  // W = E diag(scale) Eᵀ, symmetric: fill the upper triangle (four dot products at a time) and mirror.
  const W = new Float32Array(d * d);
  const row = new Float64Array(d);
  const put = (a: number, b: number, v: number) => {
    W[a * d + b] = v;
    W[b * d + a] = v;
  };
  for (let a = 0; a < d; a++) {
    for (let k = 0; k < d; k++) row[k] = vectors[a * d + k] * scale[k];
    let b = a;
    for (; b + 3 < d; b += 4) {
      const b0 = b * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const v = row[k];
        s0 += v * vectors[b0 + k];
        s1 += v * vectors[b1 + k];
        s2 += v * vectors[b2 + k];
        s3 += v * vectors[b3 + k];
      }
      put(a, b, s0);
      put(a, b + 1, s1);
      put(a, b + 2, s2);
      put(a, b + 3, s3);
    }
    for (; b < d; b++) {
      let s = 0;
      const bo = b * d;
      for (let k = 0; k < d; k++) s += row[k] * vectors[bo + k];
      put(a, b, s);
    }
  }
  return { d, epsilon, mean: Float32Array.from(mean), W, eigenvalues: values, n };
}

/**
 * Whitens the rows of x [n×d]: out_i = W (x_i − μ). Rows are processed in blocks, each row of W
 * read once per block and dotted with four centred rows at a time. For large n·d² (CIFAR whole
 * images), apply `model.W` with a tensor library's matmul instead: out = (x − μ) W (W is symmetric).
 */
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
  const w = new Float64Array(d);
  for (let start = 0; start < n; start += BLOCK) {
    const B = Math.min(BLOCK, n - start);
    for (let k = 0; k < B; k++) {
      const xo = (start + k) * d;
      for (let a = 0; a < d; a++) r[k * d + a] = x[xo + a] - mean[a];
    }
    for (let b = 0; b < d; b++) {
      const wo = b * d;
      for (let a = 0; a < d; a++) w[a] = W[wo + a];
      let k = 0;
      for (; k + 3 < B; k += 4) {
        const r0 = k * d;
        const r1 = r0 + d;
        const r2 = r1 + d;
        const r3 = r2 + d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let a = 0; a < d; a++) {
          const v = w[a];
          s0 += v * r[r0 + a];
          s1 += v * r[r1 + a];
          s2 += v * r[r2 + a];
          s3 += v * r[r3 + a];
        }
        const oo = (start + k) * d + b;
        o[oo] = s0;
        o[oo + d] = s1;
        o[oo + 2 * d] = s2;
        o[oo + 3 * d] = s3;
      }
      for (; k < B; k++) {
        const r0 = k * d;
        let s = 0;
        for (let a = 0; a < d; a++) s += w[a] * r[r0 + a];
        o[(start + k) * d + b] = s;
      }
    }
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
