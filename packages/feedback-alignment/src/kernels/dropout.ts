import { tf } from "@plasticity/tfjs";

/**
 * Dropout masks from a seed: each unit is dropped with probability p (the code's `drop`) and a
 * kept unit is scaled by 1/(1 − p). The units come from a small counter-free generator
 * (mulberry32) seeded by one draw of the model's Rng per mask, so masks for millions of units
 * cost one pass and the model's stream advances by one draw per dropout layer and step.
 */
export function dropoutMaskArray(n: number, p: number, seed: number): Float32Array {
  const mask = new Float32Array(n);
  const keep = 1 / (1 - p);
  const threshold = p * 4294967296;
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = (t ^ (t >>> 14)) >>> 0;
    mask[i] = u < threshold ? 0 : keep;
  }
  return mask;
}

/** The mask as a tensor of `shape`. */
export function dropoutMask(shape: readonly number[], p: number, seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(dropoutMaskArray(n, p, seed), [...shape]);
}
