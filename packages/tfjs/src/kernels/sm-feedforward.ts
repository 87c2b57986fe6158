import type { smFeedforward } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, outerSum } from "./ops.js";

/**
 * Similarity matching, feed-forward W (core `sm-feedforward`, Obeid et al. 2019 eq. 8):
 * ΔW = lr · (⟨y xᵀ⟩ − W) = lr · (Yᵀ X / batch − W).
 */
export const smFeedforwardKernel: RuleKernelConfig<z.output<typeof smFeedforward.params>> = {
  ruleName: "sm-feedforward",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    return { dw: tf.mul(tf.sub(tf.div(outerSum(post, pre), batchOf(pre)), w), lr), state };
  },
};
