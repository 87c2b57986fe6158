import {
  checkRuleInput,
  PlasticityError,
  type Rule,
  type RuleInput,
  type RuleState,
} from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { toFloat32 } from "./convert.js";
import { getRuleKernel, runRuleKernel, type TensorRuleState } from "./kernel-registry.js";

/**
 * The signature of core's conformance kit (`@plasticity/core/testing`): a kernel on typed arrays.
 * `params` are the rule's parsed hyper-parameters.
 */
export type RuleKernelRunner = (
  input: RuleInput,
  params: object,
  state: RuleState,
) => Promise<{ dw: Float32Array; state: RuleState }>;

/** Typed-array rule state → 1-D tensors (the caller disposes them). */
export function stateToTensors(state: RuleState, name = "state"): TensorRuleState {
  if (state === null || typeof state !== "object") {
    throw new PlasticityError(`${name}: expected an object of Float32Arrays`, name);
  }
  const out: TensorRuleState = {};
  for (const [k, v] of Object.entries(state)) {
    if (!(v instanceof Float32Array)) {
      throw new PlasticityError(
        `${name}.${k}: expected a Float32Array, got ${typeof v}`,
        `${name}.${k}`,
      );
    }
    out[k] = tf.tensor1d(v, "float32");
  }
  return out;
}

/** Tensor rule state → typed arrays the caller owns. */
export async function stateFromTensors(state: TensorRuleState): Promise<RuleState> {
  const out: RuleState = {};
  for (const [k, v] of Object.entries(state)) out[k] = await toFloat32(v, `state.${k}`);
  return out;
}

/**
 * Adapt the registered kernel of a rule (on the active backend) to the conformance kit's
 * `RuleKernelRunner`: typed arrays in, tensors through the kernel, typed arrays out. Validates
 * the input like `rule.apply` (shapes, finiteness; errors name the argument) and frees every
 * tensor it makes. Given a rule name, `params` must already be parsed (the kit does that); given
 * the rule itself, raw params are parsed with `rule.parseParams` (defaults filled in).
 *
 * @example
 * await assertRuleConformance(myRule, { kernel: kernelRunner("my-rule") });
 */
export function kernelRunner(rule: string | Rule): RuleKernelRunner {
  const ruleName = typeof rule === "string" ? rule : rule?.name;
  getRuleKernel(ruleName); // fail now, naming the rule, rather than at the first call
  const parse =
    typeof rule === "string" ? (p: object) => p : (p: object) => rule.parseParams(p) as object;
  return async (input, rawParams, state) => {
    checkRuleInput(input);
    const params = parse(rawParams);
    const { batch, nIn, nOut } = input;
    const inputs = {
      pre: tf.tensor2d(input.pre, [batch, nIn], "float32"),
      u: tf.tensor2d(input.u, [batch, nOut], "float32"),
      post: tf.tensor2d(input.post, [batch, nOut], "float32"),
      w: tf.tensor2d(input.w, [nOut, nIn], "float32"),
    };
    const stateT = stateToTensors(state ?? {});
    let out: ReturnType<typeof runRuleKernel> | null = null;
    try {
      out = runRuleKernel(ruleName, inputs, params, stateT);
      return { dw: await toFloat32(out.dw, "dw"), state: await stateFromTensors(out.state) };
    } finally {
      const all: tf.Tensor[] = [...Object.values(inputs), ...Object.values(stateT)];
      if (out) all.push(out.dw, ...Object.values(out.state));
      for (const t of new Set(all)) if (!t.isDisposed) t.dispose();
    }
  };
}
