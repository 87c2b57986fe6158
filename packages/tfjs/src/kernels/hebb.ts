import type { hebb } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, outerSum } from "./ops.js";

/** Plain Hebb (core `hebb`): ΔW = lr · ⟨y xᵀ⟩ = (lr / batch) · Yᵀ X. */
export const hebbKernel: RuleKernelConfig<z.output<typeof hebb.params>> = {
  ruleName: "hebb",
  backendName: "*",
  kernelFunc({ pre, post }, { lr }, state) {
    return { dw: tf.mul(outerSum(post, pre), lr / batchOf(pre)), state };
  },
};
