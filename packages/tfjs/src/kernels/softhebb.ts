import type { softhebb } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, columnSum, outerSum, rowNorms, scaleRows } from "./ops.js";

/**
 * SoftHebb (core `softhebb`, Moraitis et al. 2022): y = softmax(u / t) per sample,
 * ΔW_i = lr · ⟨y_i (x − u_i W_i)⟩ = (lr / batch) · (Yᵀ X − diag(Σ_b y_bi u_bi) W).
 * With `antiHebbian`, every unit but the per-sample winner (argmax u, ties to the lower index)
 * uses −y_i. `post` is not used. Options of the official code: `normalize` divides ΔW by its
 * largest |ΔW| (then the step is lr), `adaptivePower` scales row i by |‖W_i‖ − 1|^power.
 */
export const softhebbKernel: RuleKernelConfig<z.output<typeof softhebb.params>> = {
  ruleName: "softhebb",
  backendName: "*",
  kernelFunc({ pre, u, w }, { lr, temperature, antiHebbian, normalize, adaptivePower }, state) {
    let y = tf.softmax(tf.div<tf.Tensor2D>(u, temperature));
    if (antiHebbian) {
      const winner = tf.cast(tf.oneHot(tf.argMax<tf.Tensor1D>(u, 1), u.shape[1]), "float32");
      y = tf.mul<tf.Tensor2D>(y, tf.sub(tf.mul(winner, 2), 1));
    }
    const decay = scaleRows(columnSum(tf.mul(y, u)), w);
    const D = tf.sub(outerSum(y, pre), decay);
    // normalize: lr · D / max|D| (an all-zero D stays zero)
    let dw: tf.Tensor2D = normalize
      ? tf.mul(D, tf.div(lr, tf.maximum(tf.max(tf.abs(D)), 1e-30)))
      : tf.mul(D, lr / batchOf(pre));
    if (adaptivePower > 0) {
      const f = tf.pow(tf.abs(tf.sub(rowNorms(w), 1)), adaptivePower);
      dw = scaleRows(f as tf.Tensor1D, dw);
    }
    return { dw, state };
  },
};
