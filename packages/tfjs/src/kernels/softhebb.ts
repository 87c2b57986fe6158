import type { softhebb } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, columnSum, outerSum, scaleRows } from "./ops.js";

/**
 * SoftHebb (core `softhebb`, Moraitis et al. 2022): y = softmax(u / t) per sample,
 * ΔW_i = lr · ⟨y_i (x − u_i W_i)⟩ = (lr / batch) · (Yᵀ X − diag(Σ_b y_bi u_bi) W).
 * With `antiHebbian`, every unit but the per-sample winner (argmax u, ties to the lower index)
 * uses −y_i. `post` is not used.
 */
export const softhebbKernel: RuleKernelConfig<z.output<typeof softhebb.params>> = {
  ruleName: "softhebb",
  backendName: "*",
  kernelFunc({ pre, u, w }, { lr, temperature, antiHebbian }, state) {
    let y = tf.softmax(tf.div<tf.Tensor2D>(u, temperature));
    if (antiHebbian) {
      const winner = tf.cast(tf.oneHot(tf.argMax<tf.Tensor1D>(u, 1), u.shape[1]), "float32");
      y = tf.mul<tf.Tensor2D>(y, tf.sub(tf.mul(winner, 2), 1));
    }
    const decay = scaleRows(columnSum(tf.mul(y, u)), w);
    return { dw: tf.mul(tf.sub(outerSum(y, pre), decay), lr / batchOf(pre)), state };
  },
};
