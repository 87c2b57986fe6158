import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { applyActivation } from "../activation.js";
import { checkShape } from "../convert.js";
import type { WeightInit } from "./init.js";
import {
  checkOptions,
  positiveInt,
  type RuleActivity,
  RuleLayer,
  type RuleLayerOptions,
  type RuleLayerState,
} from "./plasticity.js";

export interface HebbianDenseOptions extends RuleLayerOptions {
  readonly nIn: number;
  readonly nOut: number;
  /** Default "normal" with std `initScale` = 1/√nIn. */
  readonly init?: WeightInit;
  /**
   * Binary connectivity c [nOut × nIn] (structured / pruned synapses): W starts as c ⊙ W and
   * every update is c ⊙ ΔW, so absent synapses stay 0.
   */
  readonly mask?: Float32Array;
}

/** A checkpoint of a HebbianDense: plain values and typed arrays only. */
export interface HebbianDenseState extends RuleLayerState<"plasticity.hebbian-dense"> {
  readonly nIn: number;
  readonly nOut: number;
  /** W [nOut × nIn], row-major. */
  readonly weights: Float32Array;
}

/**
 * A dense layer that learns with a local rule: u = x Wᵀ, y = f(u), and `learn` applies the rule's
 * batched kernel, W ← W + ΔW. W is [nOut × nIn] (row i = unit i's synapses), as in core's
 * `RuleInput`; each batch row is one rule sample. The layer owns its tensors: call `dispose()`
 * when done.
 */
export class HebbianDense extends RuleLayer<tf.Tensor2D, tf.Rank.R2, HebbianDenseState> {
  readonly nIn: number;
  readonly nOut: number;

  constructor(opts: HebbianDenseOptions) {
    checkOptions(opts, "{ nIn, nOut, rule, params?, activation?, seed | rng }");
    const nIn = positiveInt("nIn", opts.nIn);
    const nOut = positiveInt("nOut", opts.nOut);
    const layout = { shape: [nOut, nIn], dims: "nOut × nIn", units: nOut, fanIn: nIn };
    super(opts, "plasticity.hebbian-dense", layout, "nOut");
    this.nIn = nIn;
    this.nOut = nOut;
  }

  protected override checkX(x: tf.Tensor2D): void {
    checkShape(x, [-1, this.nIn], "x", "batch × nIn");
  }

  /** u = x Wᵀ [batch × nOut] and y = f(u). The caller owns (disposes) both. */
  override forward(x: tf.Tensor2D): { u: tf.Tensor2D; y: tf.Tensor2D } {
    this.checkX(x);
    return tf.tidy(() => {
      const u = tf.matMul<tf.Tensor2D>(x, tf.transpose(this.W));
      return { u, y: applyActivation(u, this.activation) };
    });
  }

  /** One rule sample per batch row: pre = x, u, post = y. */
  protected override ruleActivity(x: tf.Tensor2D, u: tf.Tensor2D, y: tf.Tensor2D): RuleActivity {
    return { pre: x, u, post: y };
  }

  /** Everything needed to resume: weights, rule state, config (typed arrays are copies). */
  override getState(): HebbianDenseState {
    return {
      kind: "plasticity.hebbian-dense",
      nIn: this.nIn,
      nOut: this.nOut,
      ...this.ruleLayerState(),
    };
  }

  protected override checkGeometry(s: HebbianDenseState): void {
    if (s.nIn !== this.nIn || s.nOut !== this.nOut) {
      throw new PlasticityError(
        `state: shape ${s.nIn}→${s.nOut} does not match this layer's ${this.nIn}→${this.nOut}`,
        "state.nIn",
      );
    }
  }
}
