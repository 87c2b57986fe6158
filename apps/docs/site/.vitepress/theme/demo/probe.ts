import { CholeskyDecomposition, Matrix } from "ml-matrix";

/**
 * The demo's linear probe: ridge regression of one-hot labels on standardised features,
 *
 *   W = (ZᵀZ/n + λI)⁻¹ ZᵀY/n,   z = (x − μ)/σ,   prediction = argmax_c (zW)_c + b_c,
 *
 * with b the class frequencies (the same read-out as @plasticity/experiments' ridge probe, small
 * enough to run in the worker). `x` is [n × d] row-major.
 */
export interface Readout {
  readonly d: number;
  readonly k: number;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** [d × k] */
  readonly W: Matrix;
  readonly b: Float64Array;
}

export function fitRidge(
  x: Float32Array,
  y: ArrayLike<number>,
  n: number,
  d: number,
  k: number,
  lambda = 1e-2,
): Readout {
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  }
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const Z = new Matrix(n, d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) Z.set(i, j, (x[i * d + j] - mean[j]) / std[j]);
  }
  const Y = new Matrix(n, k);
  const b = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    Y.set(i, y[i], 1);
    b[y[i]] += 1 / n;
  }
  const Zt = Z.transpose();
  const A = Zt.mmul(Z).div(n);
  for (let j = 0; j < d; j++) A.set(j, j, A.get(j, j) + lambda);
  const W = new CholeskyDecomposition(A).solve(Zt.mmul(Y).div(n));
  return { d, k, mean, std, W, b };
}

/** Fraction of rows of x whose argmax class under the read-out equals the label. */
export function accuracy(r: Readout, x: Float32Array, y: ArrayLike<number>, n: number): number {
  let right = 0;
  const z = new Float64Array(r.d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r.d; j++) z[j] = (x[i * r.d + j] - r.mean[j]) / r.std[j];
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < r.k; c++) {
      let s = r.b[c];
      for (let j = 0; j < r.d; j++) s += z[j] * r.W.get(j, c);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best === y[i]) right++;
  }
  return right / n;
}
