import type { instar } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, columnMean, outerSum, scaleRows } from "./ops.js";

/**
 * Grossberg instar (core `instar`): ΔW_i = lr · ⟨y_i (x − W_i)⟩ = lr · (⟨y_i x⟩ − ⟨y_i⟩ W_i),
 * i.e. (lr / batch) · Yᵀ X − lr · diag(⟨y⟩) W.
 */
export const instarKernel: RuleKernelConfig<z.output<typeof instar.params>> = {
  ruleName: "instar",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    const hebbian = tf.div(outerSum(post, pre), batchOf(pre));
    const decay = scaleRows(columnMean(post), w);
    return { dw: tf.mul(tf.sub(hebbian, decay), lr), state };
  },
};
