import { PlasticityError, parseOrThrow } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";

/**
 * The post-synaptic non-linearity y = f(u) of a layer, applied per sample across units (the last
 * axis). Each batched form matches core's typed-array reference in `activity.ts` where there is
 * one (`kWTA`, `softmaxRows`, `relu`, `triangle`).
 */
export const activationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("linear") }).describe("y = u"),
  z.object({ kind: z.literal("relu") }).describe("y = max(0, u)"),
  z.object({ kind: z.literal("tanh") }).describe("y = tanh(u)"),
  z
    .object({ kind: z.literal("kwta"), k: z.number().int().min(1).describe("winners per sample") })
    .describe("k-winners-take-all: the k largest u keep their value, the others are 0"),
  z
    .object({
      kind: z.literal("softmax"),
      temperature: z.number().positive().describe("T in softmax(u / T)"),
    })
    .describe("y = softmax(u / T) across units"),
  z
    .object({ kind: z.literal("triangle") })
    .describe("Coates' triangle: y = max(0, u − mean_units u)"),
  z
    .object({ kind: z.literal("power"), n: z.number().positive().describe("exponent n") })
    .describe("rectified power (Krotov–Hopfield RePU): y = max(0, u)^n"),
]);

export type Activation = z.output<typeof activationSchema>;

/** Parse an activation config; throws a PlasticityError naming the field (`activation.k`, ...). */
export function parseActivation(raw: unknown, field = "activation"): Activation {
  if (raw === undefined || raw === null) {
    throw new PlasticityError(`${field}: expected an object like { kind: "relu" }`, field);
  }
  return parseOrThrow(activationSchema, raw, field);
}

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
