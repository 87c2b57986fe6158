import { checkArray } from "@plasticity/core";

/** Per-feature mean μ and standard deviation σ (σ of a constant feature is reported as 1). */
export interface FeatureStats {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/** μ_j = (1/n) Σ_i x_ij, σ_j = sqrt((1/n) Σ_i (x_ij − μ_j)²), over rows of `x` [n × d]. */
export function featureStats(x: Float32Array, n: number, d: number): FeatureStats {
  checkArray("x", x, n * d, "n × d");
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j]! += x[row + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const c = x[row + j]! - mean[j]!;
      m2[j]! += c * c;
    }
  }
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(m2[j]! / n);
    std[j] = s > 1e-8 ? s : 1;
  }
  return { mean, std };
}

/** z_ij = (x_ij − μ_j) / σ_j as a new Float32Array. */
export function standardize(
  x: Float32Array,
  n: number,
  d: number,
  stats: FeatureStats,
): Float32Array {
  checkArray("x", x, n * d, "n × d");
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) out[row + j] = (x[row + j]! - stats.mean[j]!) / stats.std[j]!;
  }
  return out;
}
