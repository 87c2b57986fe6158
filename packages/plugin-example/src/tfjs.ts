/**
 * The tfjs kernel of `hebb-decay`, kept out of the main entry so the rule itself does not need
 * tfjs. Call `registerKernels()` once before training with a @plasticity/tfjs layer.
 *
 * @example
 * import { registerKernels } from "@plasticity/plugin-example/tfjs";
 * registerKernels();
 */
import {
  kernelOps,
  listRuleKernels,
  type RuleKernelConfig,
  registerRuleKernel,
  tf,
} from "@plasticity/tfjs";
import type { z } from "zod";
import { hebbDecay } from "./hebb-decay.js";

/** Batched `hebb-decay`: ΔW = (lr / batch) · Yᵀ X − decay · W, any backend. */
export const hebbDecayKernel: RuleKernelConfig<z.output<typeof hebbDecay.params>> = {
  ruleName: hebbDecay.name,
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr, decay }, state) {
    // outerSum = explicit transpose + matMul: matMul's transpose flags are ~10x slower on wasm.
    const hebb = tf.mul(kernelOps.outerSum(post, pre), lr / kernelOps.batchOf(pre));
    return { dw: tf.sub(hebb, tf.mul(w, decay)), state };
  },
};

/** Every kernel of this plugin. */
export const kernels = [hebbDecayKernel] as const;

/** Register this plugin's kernels with @plasticity/tfjs; calling it again does nothing. */
export function registerKernels(): void {
  const have = new Set(listRuleKernels().map((k) => `${k.ruleName}\u0000${k.backendName}`));
  for (const k of kernels) {
    if (!have.has(`${k.ruleName}\u0000${k.backendName}`)) registerRuleKernel(k);
  }
}
