import { tf } from "@plasticity/tfjs";
import type { ActivationName } from "../schema.js";

/**
 * The layer non-linearities x = σ(h) and the backward step δ = e ⊙ σ′(h), with σ′ read from the
 * output x (what the official code does: for the ramp σ′ is s where |x| < 1 and 0 where the unit
 * is saturated, so x carries everything; the same holds for relu and tanh). `activationGradArray`
 * is the typed-array reference of the tensor version.
 */

/** x = σ(h): ramp clip(s·h, −1, 1), relu, tanh or linear. The caller owns x. */
export function activate(h: tf.Tensor, act: ActivationName, s: number): tf.Tensor {
  switch (act) {
    case "ramp":
      return tf.tidy(() => tf.clipByValue(tf.mul(h, s), -1, 1));
    case "relu":
      return tf.relu(h);
    case "tanh":
      return tf.tanh(h);
    case "linear":
      return tf.clone(h);
  }
}

/** δ = e ⊙ σ′(h) from e and the output x = σ(h), written into `out` (typed-array reference). */
export function activationGradArray(
  e: ArrayLike<number>,
  x: ArrayLike<number>,
  act: ActivationName,
  s: number,
  out: Float32Array,
): Float32Array {
  const n = out.length;
  switch (act) {
    case "ramp":
      // σ′(h) = s·1{|s·h| < 1}; |x| < 1 exactly when the ramp is not saturated
      for (let i = 0; i < n; i++) out[i] = x[i] < 1 && x[i] > -1 ? s * e[i] : 0;
      break;
    case "relu":
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? e[i] : 0;
      break;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = e[i] * (1 - x[i] * x[i]);
      break;
    case "linear":
      for (let i = 0; i < n; i++) out[i] = e[i];
      break;
  }
  return out;
}

/**
 * δ = e ⊙ σ′(h) as a tensor of e's shape, from x = σ(h), with no comparisons (each costs ~10× an
 * arithmetic op on tfjs-wasm): the ramp's 1{|x| < 1} is ⌈1 − |x|⌉ (1 − |x| ∈ (0, 2] when the unit
 * is not saturated, 0 when it is), relu's 1{x > 0} is ⌈clip(x, 0, 1)⌉. The caller owns δ.
 */
export function activationGrad(
  e: tf.Tensor,
  x: tf.Tensor,
  act: ActivationName,
  s: number,
): tf.Tensor {
  return tf.tidy(() => {
    switch (act) {
      case "ramp":
        return tf.mul(tf.mul(e, tf.ceil(tf.sub(1, tf.abs(x)))), s);
      case "relu":
        return tf.mul(e, tf.ceil(tf.clipByValue(x, 0, 1)));
      case "tanh":
        return tf.mul(e, tf.sub(1, tf.square(x)));
      case "linear":
        return tf.clone(e);
    }
  });
}
