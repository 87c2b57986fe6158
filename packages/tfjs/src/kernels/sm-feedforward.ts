import type { smFeedforward } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, stackOuterSum } from "./ops.js";

/**
 * Similarity matching, feed-forward W (core `sm-feedforward`, Obeid et al. 2019 eq. 8):
 * ΔW = lr · (⟨y xᵀ⟩ − W) = lr · (Yᵀ X / batch − W).
 *
 * Also takes a stack of independent layers with a leading axis S (the sites of a locally
 * connected layer, eq. 17 with one weight matrix per site): pre [S × batch × nIn],
 * post [S × batch × nOut], w [S × nOut × nIn] → ΔW [S × nOut × nIn], each slice exactly the
 * rank-2 rule. Masks (c^W) are applied by the caller, as for every rule.
 */
export function smFeedforwardDelta<T extends tf.Tensor2D | tf.Tensor3D>(
  pre: T,
  post: T,
  w: T,
  lr: number,
): T {
  return tf.tidy(() => tf.mul(tf.sub(tf.div(stackOuterSum(post, pre), batchOf(pre)), w), lr));
}

export const smFeedforwardKernel: RuleKernelConfig<z.output<typeof smFeedforward.params>> = {
  ruleName: "sm-feedforward",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    return { dw: smFeedforwardDelta(pre, post, w, lr), state };
  },
};
