import { PlasticityError, Rng } from "@plasticity/core";

/**
 * Amit's linear case, as plain typed-array math: a two-layer linear network ŷ = W₂ W₁ x fitted to
 * a random linear teacher y = T x by full-batch gradient steps on E = ½⟨‖ŷ − y‖²⟩. The error
 * reaches the hidden layer as δ₁ = F ẽ with F = W₂ᵀ (bp), a fixed random R₂ᵀ (fa), or R₂ᵀ with
 * R₂ receiving the same increments as W₂ (urfb). The paper's claim: updating R speeds the error's
 * convergence to zero compared with fixed R.
 */
export interface LinearExperimentOptions {
  readonly method: "bp" | "fa" | "urfb";
  readonly seed: number;
  readonly nIn?: number;
  readonly nHidden?: number;
  readonly nOut?: number;
  readonly samples?: number;
  readonly steps?: number;
  readonly lr?: number;
}

export interface LinearExperimentResult {
  /** E after each step (index 0: before training). */
  readonly error: Float64Array;
  /** Angle between W₂ and R₂ in degrees after each step. */
  readonly angle: Float64Array;
}

/** C = A B for A [n×k], B [k×m], row-major. */
function matmul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p]!;
      if (v !== 0) for (let j = 0; j < m; j++) c[i * m + j]! += v * b[p * m + j]!;
    }
  return c;
}

function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const t = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = a[i * m + j]!;
  return t;
}

function uniform(rng: Rng, n: number, lim: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformIn(-lim, lim);
  return a;
}

function angle(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return (Math.acos(Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)))) * 180) / Math.PI;
}

/** Train the linear network with one method; the same seed gives the same data, T, W₀ and R₀. */
export function linearFeedbackExperiment(o: LinearExperimentOptions): LinearExperimentResult {
  const { nIn = 20, nHidden = 20, nOut = 10, samples = 200, steps = 300, lr = 0.05 } = o;
  if (!["bp", "fa", "urfb"].includes(o.method)) {
    throw new PlasticityError(
      `method: expected bp, fa or urfb, got ${JSON.stringify(o.method)}`,
      "method",
    );
  }
  const rng = Rng.seeded(o.seed);
  // data X [samples × nIn] ~ N(0, 1), teacher T [nOut × nIn] with unit-variance outputs
  const X = new Float64Array(samples * nIn);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const T = new Float64Array(nOut * nIn);
  for (let i = 0; i < T.length; i++) T[i] = rng.normal(0, 1 / Math.sqrt(nIn));
  const Y = matmul(X, transpose(T, nOut, nIn), samples, nIn, nOut); // [samples × nOut]
  let W1 = uniform(rng, nHidden * nIn, Math.sqrt(6 / (nIn + nHidden))); // [nHidden × nIn]
  let W2 = uniform(rng, nOut * nHidden, Math.sqrt(6 / (nHidden + nOut))); // [nOut × nHidden]
  let R2 = uniform(rng, nOut * nHidden, Math.sqrt(6 / (nHidden + nOut)));
  const error = new Float64Array(steps + 1);
  const ang = new Float64Array(steps + 1);
  for (let s = 0; s <= steps; s++) {
    const H = matmul(X, transpose(W1, nHidden, nIn), samples, nIn, nHidden); // [samples × nHidden]
    const P = matmul(H, transpose(W2, nOut, nHidden), samples, nHidden, nOut);
    const E = P.map((v, i) => (v - Y[i]!) / samples); // ẽ = (ŷ − y)/N
    let err = 0;
    for (let i = 0; i < P.length; i++) err += 0.5 * (P[i]! - Y[i]!) ** 2;
    error[s] = err / samples;
    ang[s] = angle(W2, R2);
    if (s === steps) break;
    const G2 = matmul(transpose(E, samples, nOut), H, nOut, samples, nHidden); // Σ ẽ ⊗ h
    const F = o.method === "bp" ? W2 : R2;
    const D1 = matmul(E, F, samples, nOut, nHidden); // δ₁ = Fᵀ ẽ per sample
    const G1 = matmul(transpose(D1, samples, nHidden), X, nHidden, samples, nIn);
    W2 = W2.map((w, i) => w - lr * G2[i]!);
    if (o.method === "urfb") R2 = R2.map((r, i) => r - lr * G2[i]!);
    W1 = W1.map((w, i) => w - lr * G1[i]!);
  }
  return { error, angle: ang };
}
