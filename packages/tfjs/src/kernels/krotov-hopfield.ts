import type { krotovHopfield } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, columnSum, outerSum, scaleRows } from "./ops.js";

/**
 * Krotov–Hopfield competing hidden units (core `krotov-hopfield`, PNAS 2019):
 * currents I = X wpᵀ with wp = sgn(W)|W|^(p−1), ranks by Q_μ = I_μ / ‖W_μ‖_p^(p−1) per sample,
 * g = 1 for the top unit, −Δ for the k-th (when nOut ≥ k), 0 otherwise;
 * ΔW_μ = Σ_b g_bμ (x_b − I_bμ W_μ), scaled by lr / max|ΔW| (normalize) or lr / batch.
 * `u` and `post` are not used (the rule ranks units itself).
 */
export const krotovHopfieldKernel: RuleKernelConfig<z.output<typeof krotovHopfield.params>> = {
  ruleName: "krotov-hopfield",
  backendName: "*",
  kernelFunc({ pre, w }, { lr, p, k, delta, normalize }, state) {
    const nOut = w.shape[0];
    const absW = tf.abs(w);
    const wp = p === 2 ? w : tf.mul<tf.Tensor2D>(tf.sign(w), tf.pow(absW, p - 1));
    const normP = tf.pow(tf.sum(tf.pow(absW, p), 1), (p - 1) / p);
    const current = tf.matMul<tf.Tensor2D>(pre, tf.transpose(wp));
    // Q = I / norm; a zero weight row has I = 0, so dividing it by 1 instead of 0 gives Q = 0.
    // tf.topk breaks ties toward the lower index, as the reference does.
    const safeNorm = tf.where(tf.greater(normP, 0), normP, tf.onesLike(normP));
    const q = tf.div<tf.Tensor2D>(current, safeNorm);
    const ranks = tf.topk(q, Math.min(k, nOut)).indices;
    const unitAtRank = (r: number) =>
      tf.cast(
        tf.oneHot(tf.reshape<tf.Rank.R1>(tf.slice(ranks, [0, r], [-1, 1]), [-1]), nOut),
        "float32",
      ) as tf.Tensor2D;
    let g: tf.Tensor2D = unitAtRank(0);
    if (nOut >= k) {
      const kth = unitAtRank(k - 1);
      g = tf.sub(g, tf.mul(kth, delta));
    }
    const raw = tf.sub(outerSum(g, pre), scaleRows(columnSum(tf.mul(g, current)), w));
    let scale: tf.Scalar | number = lr / batchOf(pre);
    if (normalize) {
      const maxAbs = tf.max(tf.abs(raw));
      scale = tf.where(tf.greater(maxAbs, 0), tf.div(lr, maxAbs), tf.scalar(0)) as tf.Scalar;
    }
    return { dw: tf.mul(raw, scale), state };
  },
};
