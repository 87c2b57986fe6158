// A user's own rule, written against the installed packages only (no workspace).
import { defineRule, linalg } from "@plasticity/core";
import { kernelOps, type RuleKernelConfig, registerRuleKernel, tf } from "@plasticity/tfjs";
import { z } from "zod";

/** Oja's rule with a learning-rate floor: ΔW = lr · ⟨y (x − y W)⟩ summed per unit. */
export const ojaUser = defineRule({
  name: "oja-user",
  description: "Oja's rule, defined in a user's project",
  equation: "ΔW_i = lr · ⟨y_i (x − y_i W_i)⟩",
  reference: "Oja (1982)",
  params: z.object({ lr: z.number().positive().default(1e-2) }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr }, out, state) {
    linalg.addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    for (let i = 0; i < nOut; i++) {
      let yy = 0;
      for (let b = 0; b < batch; b++) yy += post[b * nOut + i]! * post[b * nOut + i]!;
      for (let j = 0; j < nIn; j++) out[i * nIn + j]! -= (lr / batch) * yy * w[i * nIn + j]!;
    }
    return state;
  },
});

/** Its batched tfjs kernel: lr/B · (Yᵀ X − diag(Σ_b y²) W). */
export const ojaUserKernel: RuleKernelConfig<z.output<typeof ojaUser.params>> = {
  ruleName: "oja-user",
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr }, state) {
    const B = kernelOps.batchOf(pre);
    const hebb = kernelOps.outerSum(post, pre);
    const decay = tf.mul(tf.sum(tf.square(post), 0).reshape([-1, 1]), w);
    return { dw: tf.mul(tf.sub(hebb, decay), lr / B), state };
  },
};

export function register(): void {
  registerRuleKernel(ojaUserKernel);
}
