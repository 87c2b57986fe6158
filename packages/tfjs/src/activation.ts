import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { type Activation, activationSchema, parseActivation } from "./schema.js";

/**
 * k-winners-take-all per row of u [batch × n]: the k largest entries keep their value, every
 * other entry is 0. Exactly k survive; among equal values the lower index wins (`tf.topk`'s
 * order), as core's `kWTA`.
 */
export function kwta(u: tf.Tensor2D, k: number): tf.Tensor2D {
  const [batch, n] = u.shape;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new PlasticityError(
      `activation.k: expected an integer in [1, n = ${n}], got ${String(k)}`,
      "activation.k",
    );
  }
  return tf.tidy(() => {
    if (k === n) return tf.clone(u);
    const { indices } = tf.topk(u, k);
    const rows = tf.tile(tf.expandDims(tf.range(0, batch, 1, "int32"), 1), [1, k]);
    const where = tf.reshape(tf.stack([rows, indices], 2), [batch * k, 2]);
    const mask = tf.scatterND(where, tf.ones([batch * k], "float32"), [batch, n]);
    return tf.mul(u, mask);
  });
}

/** Coates' triangle activation per row: y = max(0, u − mean_k u_k). */
export function triangle(u: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.relu(tf.sub<tf.Tensor2D>(u, tf.mean(u, 1, true))));
}

/**
 * y = f(u) for u [batch × n] (units on the last axis). For a conv layer pass u reshaped to
 * [batch·positions × channels] so the competition runs across channels at each position.
 */
export function applyActivation(u: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation.kind) {
    case "linear":
      return tf.clone(u);
    case "relu":
      return tf.relu(u);
    case "tanh":
      return tf.tanh(u);
    case "kwta":
      return kwta(u, activation.k);
    case "softmax":
      return tf.tidy(() => tf.softmax(tf.div<tf.Tensor2D>(u, activation.temperature)));
    case "triangle":
      return triangle(u);
    case "power":
      return tf.tidy(() => tf.pow<tf.Tensor2D>(tf.relu(u), activation.n));
  }
}

export { type Activation, activationSchema, parseActivation };
