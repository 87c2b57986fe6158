import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { TensorRuleState } from "../kernel-registry.js";

/**
 * Tensor building blocks of the batched rules. All are written in the form that is fast on the
 * wasm backend: an explicit `tf.transpose` then a plain `tf.matMul` (matMul's transposeA/B flags
 * are ~10× slower there), and sqrt(sum(square)) instead of `tf.norm`.
 */

/** Σ_b a_b ⊗ b_b = aᵀ b for a [batch × m], b [batch × n]: the batch-summed outer product [m × n]. */
export function outerSum(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(tf.transpose(a), b);
}

/**
 * The same for a stack of independent layers (the sites of a locally connected layer):
 * a [S × batch × m], b [S × batch × n] → Σ_b a_sb ⊗ b_sb [S × m × n]. Rank 2 falls back to
 * `outerSum`.
 */
export function stackOuterSum<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  if (a.rank === 2) return outerSum(a as tf.Tensor2D, b as tf.Tensor2D) as T;
  return tf.matMul(tf.transpose(a as tf.Tensor3D, [0, 2, 1]), b as tf.Tensor3D) as T;
}

/** c · W with one coefficient per row: c [nOut], W [nOut × nIn] → c_i W_i. */
export function scaleRows(c: tf.Tensor1D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.expandDims(c, 1), w);
}

/** Σ_b a_b per column of a [batch × n] → [n]. */
export function columnSum(a: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(a, 0);
}

/** ⟨a_b⟩ per column of a [batch × n] → [n]. */
export function columnMean(a: tf.Tensor2D): tf.Tensor1D {
  return tf.mean(a, 0);
}

/** The batch size of a [batch × n] tensor (or of a stack [S × batch × n]). */
export function batchOf(a: tf.Tensor2D | tf.Tensor3D): number {
  return a.shape[a.rank - 2]!;
}

/** ‖W_i‖₂ per row, as sqrt(Σ_j W_ij²). */
export function rowNorms(w: tf.Tensor2D): tf.Tensor1D {
  return tf.sqrt(tf.sum<tf.Tensor1D>(tf.square(w), 1));
}

/**
 * `state[key]` as a 1-D float tensor of length `len`; throws a PlasticityError naming
 * `state.<key>` otherwise (as core's `checkState`).
 */
export function stateTensor(
  state: TensorRuleState,
  key: string,
  len: number,
  dims: string,
): tf.Tensor1D {
  const t = state?.[key];
  if (!(t instanceof tf.Tensor)) {
    throw new PlasticityError(
      `state.${key}: expected a tensor [${dims}] = [${len}], got ${t === undefined ? "nothing" : typeof t}`,
      `state.${key}`,
    );
  }
  if (t.size !== len) {
    throw new PlasticityError(
      `state.${key}: expected ${len} values ([${dims}]), got shape [${t.shape.join(", ")}]`,
      `state.${key}`,
    );
  }
  return tf.reshape<tf.Rank.R1>(t, [len]);
}
