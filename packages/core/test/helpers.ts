import { matmulABt } from "../src/activity.js";
import type { Rng } from "../src/rng.js";
import type { ParamsSchema, Rule, RuleInput, RuleState } from "../src/rule.js";

/** A random orthonormal basis of R^d (rows of a [d × d] matrix), Gram–Schmidt on normals. */
export function randomOrthonormal(rng: Rng, d: number): Float64Array[] {
  const basis: Float64Array[] = [];
  while (basis.length < d) {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = rng.normal();
    for (const e of basis) {
      const c = dot(v, e);
      for (let i = 0; i < d; i++) v[i] -= c * e[i];
    }
    const n = Math.sqrt(dot(v, v));
    if (n < 1e-6) continue;
    for (let i = 0; i < d; i++) v[i] /= n;
    basis.push(v);
  }
  return basis;
}

/** Zero-mean Gaussian with covariance Σ_i λ_i e_i e_iᵀ: the e_i are its principal directions. */
export function gaussianWithPCs(rng: Rng, eigenvalues: readonly number[]) {
  const d = eigenvalues.length;
  const basis = randomOrthonormal(rng, d);
  const sample = (batch: number): Float32Array => {
    const x = new Float32Array(batch * d);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < d; c++) {
        const z = rng.normal() * Math.sqrt(eigenvalues[c]);
        const e = basis[c];
        for (let i = 0; i < d; i++) x[b * d + i] += z * e[i];
      }
    }
    return x;
  };
  return { d, basis, sample };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function row(w: Float32Array, i: number, n: number): Float32Array {
  return w.subarray(i * n, (i + 1) * n);
}

export function norm(a: ArrayLike<number>, p = 2): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]) ** p;
  return s ** (1 / p);
}

/** Angle in degrees between the lines spanned by a and b (sign ignored). */
export function angleDeg(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const c = Math.abs(dot(a, b)) / (norm(a) * norm(b));
  return (Math.acos(Math.min(1, c)) * 180) / Math.PI;
}

/** One learning step: W ← W + ΔW for the given input; returns the next state. */
export function learn<St extends RuleState>(
  rule: Rule<ParamsSchema, St>,
  input: Omit<RuleInput, "w">,
  w: Float32Array,
  params: Record<string, unknown>,
  state?: St,
): St {
  const { dw, state: next } = rule.apply({ ...input, w }, params, state);
  for (let i = 0; i < w.length; i++) w[i] += dw[i];
  return next;
}

/** u = x Wᵀ for a [batch × nIn] x. */
export function forward(
  x: Float32Array,
  w: Float32Array,
  batch: number,
  nIn: number,
  nOut: number,
) {
  return matmulABt(x, w, batch, nIn, nOut);
}
