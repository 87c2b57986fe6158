import type { oja } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, columnSum, outerSum, scaleRows } from "./ops.js";

/**
 * Oja's rule per unit (core `oja`, Oja 1982): ΔW_i = lr · ⟨y_i (x − y_i W_i)⟩
 * = (lr / batch) · (Yᵀ X − diag(Σ_b y_b²) W).
 */
export const ojaKernel: RuleKernelConfig<z.output<typeof oja.params>> = {
  ruleName: "oja",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    const decay = scaleRows(columnSum(tf.square(post)), w);
    return { dw: tf.mul(tf.sub(outerSum(post, pre), decay), lr / batchOf(pre)), state };
  },
};
