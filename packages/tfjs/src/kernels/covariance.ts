import type { covariance } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig, TensorRuleState } from "../kernel-registry.js";
import { batchOf, columnMean, outerSum, stateTensor } from "./ops.js";

/**
 * Covariance rule (core `covariance`, Sejnowski 1977): ΔW = lr · ⟨(y − ȳ)(x − x̄)ᵀ⟩.
 * means "batch": x̄, ȳ are this batch's column means. means "running": the state's means are first
 * moved toward this batch's, m ← m + (⟨·⟩ − m)/t with t = min(count + 1, tau), then used.
 */
export const covarianceKernel: RuleKernelConfig<z.output<typeof covariance.params>> = {
  ruleName: "covariance",
  backendName: "*",
  kernelFunc({ pre, post }, { lr, means, tau }, state) {
    const nIn = pre.shape[1];
    const nOut = post.shape[1];
    const xBatch = columnMean(pre);
    const yBatch = columnMean(post);
    let xBar = xBatch;
    let yBar = yBatch;
    let next: TensorRuleState = state;
    if (means === "running") {
      const xMean = stateTensor(state, "xMean", nIn, "nIn");
      const yMean = stateTensor(state, "yMean", nOut, "nOut");
      const count = stateTensor(state, "count", 1, "1");
      const t = tf.minimum(tf.add(count, 1), tau);
      const rate = tf.reciprocal(t);
      xBar = tf.add(xMean, tf.mul(tf.sub(xBatch, xMean), rate));
      yBar = tf.add(yMean, tf.mul(tf.sub(yBatch, yMean), rate));
      next = { xMean: xBar, yMean: yBar, count: t };
    }
    const dx = tf.sub<tf.Tensor2D>(pre, xBar);
    const dy = tf.sub<tf.Tensor2D>(post, yBar);
    return { dw: tf.mul(outerSum(dy, dx), lr / batchOf(pre)), state: next };
  },
};
