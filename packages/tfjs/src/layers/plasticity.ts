import { PlasticityError, type Rule, type RuleState } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { toFloat32Sync } from "../convert.js";
import {
  getRuleKernel,
  kernelRuleNames,
  type RuleKernelInputs,
  runRuleKernel,
  type TensorRuleState,
} from "../kernel-registry.js";

/**
 * A rule bound to one weight matrix: parsed params, the rule state as tensors, and the step
 * W ← W + mask ⊙ ΔW. Shared by the layers; the state tensors are owned here.
 */
export class RuleBinding {
  readonly params: Record<string, unknown>;
  private state: TensorRuleState;

  constructor(
    readonly rule: Rule,
    rawParams: unknown,
    readonly nIn: number,
    readonly nOut: number,
  ) {
    if (typeof rule?.parseParams !== "function" || typeof rule?.name !== "string") {
      throw new PlasticityError(
        "rule: expected a rule made with defineRule() (e.g. `oja` from @plasticity/core)",
        "rule",
      );
    }
    if (rule.square && nIn !== nOut) {
      throw new PlasticityError(
        `rule: "${rule.name}" learns a square (lateral) matrix and needs nIn === nOut, got nIn ${nIn}, nOut ${nOut}`,
        "rule",
      );
    }
    if (!kernelRuleNames().includes(rule.name)) {
      // fail at construction, not at the first learn(); the error lists the known kernels
      getRuleKernel(rule.name);
    }
    this.params = rule.parseParams(rawParams) as Record<string, unknown>;
    this.state = toTensors(rule.initState({ nIn, nOut }, this.params));
  }

  /**
   * ΔW from the registered kernel of the rule on the active backend; the rule state advances.
   * Returns ΔW [nOut × nIn] (the caller disposes it).
   */
  delta(inputs: RuleKernelInputs): tf.Tensor2D {
    const out = runRuleKernel(this.rule.name, inputs, this.params, this.state);
    this.replaceState(out.state);
    return out.dw;
  }

  /** The rule state as typed arrays (copies). */
  getState(): RuleState {
    const out: RuleState = {};
    for (const [k, v] of Object.entries(this.state)) out[k] = toFloat32Sync(v, `ruleState.${k}`);
    return out;
  }

  /** Replace the rule state; keys and lengths must match `rule.initState`'s. */
  setState(state: RuleState, field = "ruleState"): void {
    const want = this.rule.initState({ nIn: this.nIn, nOut: this.nOut }, this.params);
    if (state === null || typeof state !== "object") {
      throw new PlasticityError(`${field}: expected an object of Float32Arrays`, field);
    }
    const keys = Object.keys(want).sort();
    const got = Object.keys(state).sort();
    if (keys.join(",") !== got.join(",")) {
      throw new PlasticityError(
        `${field}: rule "${this.rule.name}" keeps state {${keys.join(", ")}}, got {${got.join(", ")}}`,
        field,
      );
    }
    for (const k of keys) {
      const v = state[k];
      if (!(v instanceof Float32Array) || v.length !== want[k]!.length) {
        throw new PlasticityError(
          `${field}.${k}: expected a Float32Array of length ${want[k]!.length}`,
          `${field}.${k}`,
        );
      }
      const bad = v.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0)
        throw new PlasticityError(
          `${field}.${k}: non-finite value ${v[bad]} at index ${bad}`,
          `${field}.${k}`,
        );
    }
    this.replaceState(toTensors(state));
  }

  dispose(): void {
    for (const t of Object.values(this.state)) t.dispose();
    this.state = {};
  }

  private replaceState(next: TensorRuleState): void {
    const keep = new Set(Object.values(next));
    for (const t of keep) tf.keep(t);
    for (const t of Object.values(this.state)) if (!keep.has(t)) t.dispose();
    this.state = { ...next };
  }
}

function toTensors(state: RuleState): TensorRuleState {
  const out: TensorRuleState = {};
  for (const [k, v] of Object.entries(state)) out[k] = tf.keep(tf.tensor1d(v, "float32"));
  return out;
}
