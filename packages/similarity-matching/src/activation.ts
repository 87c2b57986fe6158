/**
 * The neurons' non-linearity r = f(u) and the regulariser F it implies (PAPERS.md §1.2, eq. 5:
 * F'(r) = u − r where r = f(u)), as tensors for the dynamics and as plain numbers for the
 * typed-array reference and the objective.
 */
import { tf } from "@plasticity/tfjs";
import type { ActivationName } from "./schema.js";

export interface Activation {
  readonly name: ActivationName;
  /** [lo, hi] of bounded-linear. */
  readonly bounds: readonly [number, number];
}

/**
 * f(u) on a tensor. tanh is computed as 2σ(2u) − 1: tfjs-wasm's Tanh is a scalar loop
 * (~20 ns/value here) while its Sigmoid is XNNPACK's vectorised kernel (~1 ns/value), so the
 * identity tanh(u) = 2σ(2u) − 1 makes the step several times faster; the two agree to float32
 * rounding (≤ 2e-7 absolute, checked in the tests).
 */
export function activate(u: tf.Tensor, f: Activation): tf.Tensor {
  switch (f.name) {
    case "tanh":
      return tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(u, 2)), 2), 1));
    case "rectified":
      return tf.relu(u);
    case "bounded-linear":
      return tf.clipByValue(u, f.bounds[0], f.bounds[1]);
  }
}

/** f(u) for one value (the typed-array reference). */
export function activateScalar(u: number, f: Activation): number {
  switch (f.name) {
    case "tanh":
      return Math.tanh(u);
    case "rectified":
      return Math.max(u, 0);
    case "bounded-linear":
      return Math.min(f.bounds[1], Math.max(f.bounds[0], u));
  }
}

/**
 * Σ_i F(r_i) over a vector. For tanh, F(r) = r·artanh(r) + ½ log(1 − r²) − ½ r² (the code's
 * `return_integral`), written as ½[(1 + r) log(1 + r) + (1 − r) log(1 − r)] − ½ r², which is
 * finite up to |r| = 1. For rectified and bounded-linear, F'(r) = u − r = 0 inside the bounds,
 * so F is 0 there (the bounds are the constraint a ≤ r ≤ b of eq. 1).
 */
export function regulariser(r: ArrayLike<number>, f: Activation, from = 0, to = r.length): number {
  if (f.name !== "tanh") return 0;
  let s = 0;
  for (let i = from; i < to; i++) {
    const x = Math.min(1, Math.max(-1, r[i]!));
    const p = 1 + x;
    const m = 1 - x;
    s += 0.5 * ((p > 0 ? p * Math.log(p) : 0) + (m > 0 ? m * Math.log(m) : 0)) - 0.5 * x * x;
  }
  return s;
}
