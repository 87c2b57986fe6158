import type { bcm } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, columnMean, outerSum, stateTensor } from "./ops.js";

/**
 * BCM with a sliding threshold (core `bcm`, Bienenstock, Cooper, Munro 1982):
 * ΔW = lr · ⟨y (y − θ) xᵀ⟩ with θ from before the batch; then θ ← θ + (⟨y²⟩ − θ) / tau.
 */
export const bcmKernel: RuleKernelConfig<z.output<typeof bcm.params>> = {
  ruleName: "bcm",
  backendName: "*",
  kernelFunc({ pre, post }, { lr, tau }, state) {
    const theta = stateTensor(state, "theta", post.shape[1], "nOut");
    const phi = tf.mul<tf.Tensor2D>(post, tf.sub(post, theta));
    const dw = tf.mul<tf.Tensor2D>(outerSum(phi, pre), lr / batchOf(pre));
    const next = tf.add(theta, tf.div(tf.sub(columnMean(tf.square(post)), theta), tau));
    return { dw, state: { theta: next } };
  },
};
