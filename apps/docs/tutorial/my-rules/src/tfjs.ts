import { kernelOps, type RuleKernelConfig, registerRuleKernel, tf } from "@plasticity/tfjs";
import type { z } from "zod";
import { softBoundHebb } from "./soft-bound-hebb.js";

type Params = z.output<typeof softBoundHebb.params>;

/** The batched kernel of soft-bound-hebb, on any tfjs backend ("*"). */
export const softBoundHebbKernel: RuleKernelConfig<Params> = {
  ruleName: softBoundHebb.name,
  backendName: "*",
  kernelFunc({ pre, post, w }, { lr, wMin, wMax }, state) {
    const c = tf.div(kernelOps.outerSum(post, pre), kernelOps.batchOf(pre)); // ⟨y xᵀ⟩
    const up = tf.mul(tf.relu(c), tf.sub(wMax, w));
    const down = tf.mul(tf.minimum(c, 0), tf.sub(w, wMin));
    return { dw: tf.mul(tf.add(up, down), lr), state };
  },
};

let registered = false;

/** Register the kernel with @plasticity/tfjs (the CLI calls this when it loads the plugin). */
export function registerKernels(): void {
  if (registered) return;
  registerRuleKernel(softBoundHebbKernel);
  registered = true;
}
