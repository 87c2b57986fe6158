import type { sanger } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, outerSum } from "./ops.js";

/** The [n × n] lower-triangular mask (diagonal included) of Sanger's LT(·). */
function lowerTriangle(n: number): tf.Tensor2D {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m.fill(1, i * n, i * n + i + 1);
  return tf.tensor2d(m, [n, n]);
}

/**
 * Sanger's generalized Hebbian algorithm (core `sanger`, Sanger 1989):
 * ΔW = lr · (⟨y xᵀ⟩ − LT(⟨y yᵀ⟩) W) = (lr / batch) · (Yᵀ X − LT(Yᵀ Y) W).
 */
export const sangerKernel: RuleKernelConfig<z.output<typeof sanger.params>> = {
  ruleName: "sanger",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    const c = tf.mul(outerSum(post, post), lowerTriangle(post.shape[1]));
    return { dw: tf.mul(tf.sub(outerSum(post, pre), tf.matMul(c, w)), lr / batchOf(pre)), state };
  },
};
