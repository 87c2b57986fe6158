import type { Rule, RuleState } from "@plasticity/core";
import {
  hasRuleKernel,
  type RuleKernelFunc,
  registerRuleKernel,
  type TensorRuleState,
  tf,
} from "@plasticity/tfjs";

/**
 * A tfjs kernel that runs a rule's typed-array reference `delta` (read back, compute, upload).
 * Slower than a batched kernel, but exact, and it lets any plugin rule train a tfjs layer.
 */
export function referenceKernel(rule: Rule): RuleKernelFunc {
  return ({ pre, u, post, w }, params, state) => {
    const [batch, nIn] = pre.shape;
    const nOut = w.shape[0];
    const st: RuleState = {};
    for (const [k, v] of Object.entries(state)) st[k] = new Float32Array(v.dataSync());
    const dw = new Float32Array(nOut * nIn);
    const next = rule.delta(
      {
        pre: new Float32Array(pre.dataSync()),
        u: new Float32Array(u.dataSync()),
        post: new Float32Array(post.dataSync()),
        w: new Float32Array(w.dataSync()),
        batch,
        nIn,
        nOut,
      },
      params,
      dw,
      st,
    );
    const out: TensorRuleState = {};
    for (const [k, v] of Object.entries(next)) out[k] = tf.tensor1d(v, "float32");
    return { dw: tf.tensor2d(dw, [nOut, nIn]), state: out };
  };
}

/**
 * Make sure `rule` has a tfjs kernel: when none is registered (a plugin that ships only the
 * typed-array rule), register its reference as the kernel for every backend. Returns true when
 * the fallback was registered.
 */
export function ensureKernel(rule: Rule): boolean {
  if (hasRuleKernel(rule.name)) return false;
  registerRuleKernel({ ruleName: rule.name, backendName: "*", kernelFunc: referenceKernel(rule) });
  return true;
}
