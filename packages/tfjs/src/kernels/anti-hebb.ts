import type { antiHebb } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, outerSum } from "./ops.js";

/** Anti-Hebb (core `anti-hebb`, Földiák 1990): ΔW = −lr · ⟨y xᵀ⟩ = −(lr / batch) · Yᵀ X. */
export const antiHebbKernel: RuleKernelConfig<z.output<typeof antiHebb.params>> = {
  ruleName: "anti-hebb",
  backendName: "*",
  kernelFunc({ pre, post }, { lr }, state) {
    return { dw: tf.mul(outerSum(post, pre), -lr / batchOf(pre)), state };
  },
};
