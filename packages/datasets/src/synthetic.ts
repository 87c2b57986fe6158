import { PlasticityError, Rng } from "@plasticity/core";
import { Matrix, QrDecomposition } from "ml-matrix";
import type { Dataset, Shape4 } from "./types.js";
import { checkInt } from "./util.js";
import { symmetricEigen } from "./zca.js";

/** A generated dataset with the ground truth it was generated from. */
export interface SyntheticDataset<T> extends Dataset {
  truth: T;
}

interface SyntheticCommon {
  /** Number of examples. */
  n: number;
  /** Seed of the whole dataset: the structure (bars, means, components) depends only on it. */
  seed: number;
  /** Which split to sample: train and test share the structure and use independent samples. */
  split?: "train" | "test";
}

/** Independent streams for the structure and each split, all from one seed. */
function streams(
  seed: number,
  split: "train" | "test" = "train",
): { structure: Rng; samples: Rng } {
  checkInt("seed", seed, -(2 ** 31), 2 ** 31 - 1);
  const base = Rng.seeded(seed);
  const structure = base.fork(0);
  const train = base.fork(1);
  const test = base.fork(2);
  return { structure, samples: split === "test" ? test : train };
}

export interface BarsOptions extends SyntheticCommon {
  /** Side of the square image (default 8, as in Földiák 1990): 2·size possible bars. */
  size?: number;
  /** Probability that each bar is on, independently (default 1/size, i.e. 1/8 for 8×8). */
  p?: number;
  /** Standard deviation of Gaussian pixel noise added after drawing the bars (default 0). */
  noise?: number;
}

export interface BarsTruth {
  /** The 2·size bar images [2size × size²]: rows 0..size-1 horizontal bars, size..2size-1 vertical. */
  bars: Float32Array;
  /** Which bars are on in each example [n × 2size] (1 = on). */
  active: Uint8Array;
  p: number;
}

/**
 * Földiák's bars (Földiák 1990, "Forming sparse representations by local anti-Hebbian
 * learning"): size×size images where each of the size horizontal and size vertical bars is on
 * independently with probability p; a pixel is 1 where any bar covers it, else 0. The
 * independent components are the bars themselves. `y` is the number of bars that are on.
 */
export function bars(opts: BarsOptions): SyntheticDataset<BarsTruth> {
  const n = checkInt("n", opts.n, 1);
  const size = checkInt("size", opts.size ?? 8, 2, 4096);
  const p = opts.p ?? 1 / size;
  if (!(p >= 0 && p <= 1))
    throw new PlasticityError(`p: expected a probability in [0, 1], got ${p}`, "p");
  const noise = opts.noise ?? 0;
  if (!(noise >= 0))
    throw new PlasticityError(`noise: expected a number ≥ 0, got ${noise}`, "noise");
  const { samples: rng } = streams(opts.seed, opts.split);
  const nb = 2 * size;
  const d = size * size;
  const templates = new Float32Array(nb * d);
  for (let b = 0; b < size; b++) {
    for (let k = 0; k < size; k++) {
      templates[b * d + b * size + k] = 1; // horizontal bar b: row b
      templates[(size + b) * d + k * size + b] = 1; // vertical bar b: column b
    }
  }
  const active = new Uint8Array(n * nb);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let b = 0; b < nb; b++) {
      if (rng.uniform() < p) {
        active[i * nb + b] = 1;
        count++;
      }
    }
    y[i] = count;
    const o = i * d;
    for (let b = 0; b < size; b++) {
      if (active[i * nb + b]) x.fill(1, o + b * size, o + (b + 1) * size);
      if (active[i * nb + size + b]) for (let k = 0; k < size; k++) x[o + k * size + b] = 1;
    }
    if (noise > 0) for (let j = 0; j < d; j++) x[o + j] += rng.normal(0, noise);
  }
  const shape: Shape4 = [n, size, size, 1];
  return {
    name: "bars",
    split: opts.split ?? "train",
    x,
    y,
    shape,
    classes: Array.from({ length: nb + 1 }, (_, k) => `${k} bar${k === 1 ? "" : "s"}`),
    source: `synthetic: bars(seed=${opts.seed}, size=${size}, p=${p}, noise=${noise})`,
    truth: { bars: templates, active, p },
  };
}

/** A random d×d orthogonal matrix, Haar-distributed (QR of a Gaussian matrix, signs fixed by R's diagonal). */
export function randomOrthogonal(d: number, rng: Rng): Float64Array {
  const g = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g.set(i, j, rng.normal());
  const qr = new QrDecomposition(g);
  const Q = qr.orthogonalMatrix;
  const R = qr.upperTriangularMatrix;
  const out = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const s = R.get(j, j) < 0 ? -1 : 1;
    for (let i = 0; i < d; i++) out[i * d + j] = s * Q.get(i, j);
  }
  return out;
}

export interface KnownPCsOptions extends SyntheticCommon {
  /** Dimension of each example. */
  d: number;
  /**
   * Variances along the principal components, non-increasing, at most d of them (missing ones
   * are 0). Default λ_j = 1/(j+1), j = 0..d-1.
   */
  eigenvalues?: readonly number[];
  /** Mean of every coordinate (default 0). */
  mean?: number;
}

export interface PCTruth {
  /** Principal components as rows [d×d], row j ↔ eigenvalues[j] (unit norm, orthogonal). */
  components: Float32Array;
  /** Variances along the components, descending. */
  eigenvalues: Float64Array;
  /** Mean of the distribution [d]. */
  mean: Float32Array;
}

/**
 * Zero-mean (or `mean`) Gaussian data with a known covariance C = Qᵀ diag(λ) Q, Q a random
 * orthogonal matrix: x = μ + Σ_j √λ_j z_j q_j with z ~ N(0, I). The rows q_j are the exact
 * principal components (what Oja's and Sanger's rules should find). Shape [n, 1, 1, d].
 */
export function gaussianWithKnownPCs(opts: KnownPCsOptions): SyntheticDataset<PCTruth> {
  const n = checkInt("n", opts.n, 1);
  const d = checkInt("d", opts.d, 1, 4096);
  const lam = new Float64Array(d);
  if (opts.eigenvalues) {
    const ev = opts.eigenvalues;
    if (ev.length > d) {
      throw new PlasticityError(
        `eigenvalues: expected at most d = ${d} values, got ${ev.length}`,
        "eigenvalues",
      );
    }
    ev.forEach((v, j) => {
      if (!(v >= 0) || !Number.isFinite(v) || (j > 0 && v > ev[j - 1])) {
        throw new PlasticityError(
          `eigenvalues[${j}]: expected finite, ≥ 0 and non-increasing values, got ${v}`,
          `eigenvalues.${j}`,
        );
      }
      lam[j] = v;
    });
  } else {
    for (let j = 0; j < d; j++) lam[j] = 1 / (j + 1);
  }
  const mu = opts.mean ?? 0;
  const { structure, samples } = streams(opts.seed, opts.split);
  const Q = randomOrthogonal(d, structure); // columns orthonormal → use rows of Qᵀ
  const components = new Float32Array(d * d);
  for (let j = 0; j < d; j++) for (let a = 0; a < d; a++) components[j * d + a] = Q[a * d + j];
  const x = new Float32Array(n * d);
  const z = new Float64Array(d);
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[j] = Math.sqrt(lam[j]) * samples.normal();
    acc.fill(mu);
    for (let j = 0; j < d; j++) {
      const zj = z[j];
      if (zj === 0) continue;
      for (let a = 0; a < d; a++) acc[a] += zj * Q[a * d + j];
    }
    for (let a = 0; a < d; a++) x[i * d + a] = acc[a];
  }
  return {
    name: "gaussian-pcs",
    split: opts.split ?? "train",
    x,
    y: new Int32Array(n),
    shape: [n, 1, 1, d],
    classes: ["sample"],
    source: `synthetic: gaussian-pcs(seed=${opts.seed}, d=${d})`,
    truth: { components, eigenvalues: lam, mean: new Float32Array(d).fill(mu) },
  };
}

export interface MixtureOptions extends SyntheticCommon {
  /** Dimension of each example. */
  d: number;
  /** Number of mixture components (classes). */
  k: number;
  /** Standard deviation of each (isotropic) component. Default 1. */
  std?: number;
  /** Distance of each component mean from the origin (random directions). Default 4. */
  separation?: number;
  /** Mixing weights (normalised); default uniform. */
  weights?: readonly number[];
}

export interface MixtureTruth extends PCTruth {
  /** Component means [k×d]. */
  means: Float32Array;
  /** Normalised mixing weights [k]. */
  weights: Float64Array;
  std: number;
}

/**
 * A mixture of k isotropic Gaussians N(μ_j, σ²I) in d dimensions, with y the component of each
 * example. Its covariance is known in closed form, Σ = Σ_j w_j (μ_j − μ̄)(μ_j − μ̄)ᵀ + σ² I, so
 * `truth` also holds its exact principal components and variances. Shape [n, 1, 1, d].
 */
export function gaussianMixture(opts: MixtureOptions): SyntheticDataset<MixtureTruth> {
  const n = checkInt("n", opts.n, 1);
  const d = checkInt("d", opts.d, 1, 4096);
  const k = checkInt("k", opts.k, 1, 1 << 20);
  const std = opts.std ?? 1;
  const sep = opts.separation ?? 4;
  if (!(std >= 0)) throw new PlasticityError(`std: expected a number ≥ 0, got ${std}`, "std");
  if (!(sep >= 0))
    throw new PlasticityError(`separation: expected a number ≥ 0, got ${sep}`, "separation");
  const weights = new Float64Array(k).fill(1 / k);
  if (opts.weights) {
    const wts = opts.weights;
    const total = wts.reduce((a, b) => a + b, 0);
    if (wts.length !== k || wts.some((v) => !(v >= 0)) || !(total > 0)) {
      throw new PlasticityError(
        `weights: expected ${k} non-negative numbers with a positive sum`,
        "weights",
      );
    }
    wts.forEach((v, j) => {
      weights[j] = v / total;
    });
  }
  const { structure, samples } = streams(opts.seed, opts.split);
  const means = new Float32Array(k * d);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    const u = new Float64Array(d);
    while (norm === 0) {
      norm = 0;
      for (let a = 0; a < d; a++) {
        u[a] = structure.normal();
        norm += u[a] * u[a];
      }
    }
    norm = Math.sqrt(norm);
    for (let a = 0; a < d; a++) means[j * d + a] = (sep * u[a]) / norm;
  }
  const cdf = new Float64Array(k);
  let cum = 0;
  for (let j = 0; j < k; j++) {
    cum += weights[j];
    cdf[j] = cum;
  }
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = samples.uniform() * cum;
    let j = 0;
    while (j < k - 1 && u >= cdf[j]) j++;
    y[i] = j;
    for (let a = 0; a < d; a++) x[i * d + a] = means[j * d + a] + std * samples.normal();
  }
  // closed-form covariance and its principal components
  const mbar = new Float64Array(d);
  for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) mbar[a] += weights[j] * means[j * d + a];
  const C = new Float64Array(d * d);
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < d; a++) {
      const da = weights[j] * (means[j * d + a] - mbar[a]);
      for (let b = 0; b < d; b++) C[a * d + b] += da * (means[j * d + b] - mbar[b]);
    }
  }
  for (let a = 0; a < d; a++) C[a * d + a] += std * std;
  const { values, vectors } = symmetricEigen(C, d);
  const components = new Float32Array(d * d);
  for (let j = 0; j < d; j++)
    for (let a = 0; a < d; a++) components[j * d + a] = vectors[a * d + j];
  return {
    name: "gaussian-mixture",
    split: opts.split ?? "train",
    x,
    y,
    shape: [n, 1, 1, d],
    classes: Array.from({ length: k }, (_, j) => `component ${j}`),
    source: `synthetic: gaussian-mixture(seed=${opts.seed}, d=${d}, k=${k}, std=${std}, separation=${sep})`,
    truth: { components, eigenvalues: values, mean: Float32Array.from(mbar), means, weights, std },
  };
}
