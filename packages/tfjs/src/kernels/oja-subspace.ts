import type { ojaSubspace } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, outerSum } from "./ops.js";

/**
 * Oja's subspace rule (core `oja-subspace`, Oja 1989): ΔW = lr · (⟨y xᵀ⟩ − ⟨y yᵀ⟩ W)
 * = (lr / batch) · (Yᵀ X − (Yᵀ Y) W).
 */
export const ojaSubspaceKernel: RuleKernelConfig<z.output<typeof ojaSubspace.params>> = {
  ruleName: "oja-subspace",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    const c = outerSum(post, post);
    return { dw: tf.mul(tf.sub(outerSum(post, pre), tf.matMul(c, w)), lr / batchOf(pre)), state };
  },
};
