import {
  checkArray,
  checkFinite,
  PlasticityError,
  type Rng,
  type Rule,
  type RuleState,
} from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { type Activation, applyActivation, parseActivation } from "../activation.js";
import { checkFiniteTensor, checkShape, toFloat32Sync } from "../convert.js";
import { checkMask, initWeights, rngFrom, type WeightInit } from "./init.js";
import { RuleBinding } from "./plasticity.js";

export interface HebbianDenseOptions {
  readonly nIn: number;
  readonly nOut: number;
  /** The plasticity rule (e.g. `oja` from @plasticity/core); its kernel must be registered. */
  readonly rule: Rule;
  /** Raw hyper-parameters of the rule (defaults filled in by `rule.parseParams`). */
  readonly params?: unknown;
  /** y = f(u); default linear. */
  readonly activation?: Activation;
  /** Seed of the initial weights (or pass `rng`). */
  readonly seed?: number;
  readonly rng?: Rng;
  /** Default "normal" with std `initScale` = 1/√nIn. */
  readonly init?: WeightInit;
  readonly initScale?: number;
  /**
   * Binary connectivity c [nOut × nIn] (structured / pruned synapses): W starts as c ⊙ W and
   * every update is c ⊙ ΔW, so absent synapses stay 0.
   */
  readonly mask?: Float32Array;
  /** Check each batch x for NaN/Infinity before learning (default true; one boolean read back). */
  readonly checkInputs?: boolean;
}

/** A checkpoint of a HebbianDense: plain values and typed arrays only. */
export interface HebbianDenseState {
  readonly kind: "plasticity.hebbian-dense";
  readonly nIn: number;
  readonly nOut: number;
  readonly rule: string;
  readonly params: Record<string, unknown>;
  readonly activation: Activation;
  /** W [nOut × nIn], row-major. */
  readonly weights: Float32Array;
  readonly ruleState: RuleState;
  readonly mask: Float32Array | null;
}

function positiveInt(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) {
    throw new PlasticityError(`${name}: expected a positive integer, got ${String(v)}`, name);
  }
  return v as number;
}

/**
 * A dense layer that learns with a local rule: u = x Wᵀ, y = f(u), and `learn` applies the rule's
 * batched kernel, W ← W + ΔW. W is [nOut × nIn] (row i = unit i's synapses), as in core's
 * `RuleInput`. The layer owns its tensors: call `dispose()` when done.
 */
export class HebbianDense {
  readonly nIn: number;
  readonly nOut: number;
  readonly rule: Rule;
  readonly activation: Activation;
  private readonly binding: RuleBinding;
  private readonly w: tf.Variable<tf.Rank.R2>;
  private readonly maskArr: Float32Array | null;
  private readonly maskT: tf.Tensor2D | null;
  private readonly checkInputs: boolean;

  constructor(opts: HebbianDenseOptions) {
    if (opts === null || typeof opts !== "object") {
      throw new PlasticityError(
        "opts: expected { nIn, nOut, rule, params?, activation?, seed | rng }",
        "opts",
      );
    }
    this.nIn = positiveInt("nIn", opts.nIn);
    this.nOut = positiveInt("nOut", opts.nOut);
    this.rule = opts.rule;
    this.binding = new RuleBinding(opts.rule, opts.params, this.nIn, this.nOut);
    this.activation = parseActivation(opts.activation ?? { kind: "linear" });
    if (this.activation.kind === "kwta" && this.activation.k > this.nOut) {
      throw new PlasticityError(
        `activation.k: expected at most nOut = ${this.nOut}, got ${this.activation.k}`,
        "activation.k",
      );
    }
    this.maskArr =
      opts.mask === undefined
        ? null
        : checkMask(opts.mask, this.nOut * this.nIn, "nOut × nIn").slice();
    const w0 = initWeights(
      rngFrom(opts),
      this.nOut,
      this.nIn,
      opts.init,
      opts.initScale,
      this.maskArr ?? undefined,
    );
    this.w = tf.tidy(() => tf.variable(tf.tensor2d(w0, [this.nOut, this.nIn]), false));
    this.maskT = this.maskArr ? tf.keep(tf.tensor2d(this.maskArr, [this.nOut, this.nIn])) : null;
    this.checkInputs = opts.checkInputs ?? true;
  }

  /** The weights W [nOut × nIn] as a tensor owned by the layer (do not dispose it). */
  get W(): tf.Tensor2D {
    return this.w;
  }

  /** The rule's parsed hyper-parameters. */
  get params(): Readonly<Record<string, unknown>> {
    return this.binding.params;
  }

  private checkX(x: tf.Tensor2D): void {
    checkShape(x, [-1, this.nIn], "x", "batch × nIn");
  }

  /** u = x Wᵀ [batch × nOut] and y = f(u). The caller owns (disposes) both. */
  forward(x: tf.Tensor2D): { u: tf.Tensor2D; y: tf.Tensor2D } {
    this.checkX(x);
    return tf.tidy(() => {
      const u = tf.matMul<tf.Tensor2D>(x, tf.transpose(this.w));
      return { u, y: applyActivation(u, this.activation) };
    });
  }

  /**
   * One plasticity step on the batch x [batch × nIn]: forward, then ΔW from the rule's kernel
   * (with the rule state), W ← W + mask ⊙ ΔW. Returns u and y of the forward pass (computed with
   * W before the update); the caller owns them.
   */
  learn(x: tf.Tensor2D): { u: tf.Tensor2D; y: tf.Tensor2D } {
    this.checkX(x);
    if (this.checkInputs) checkFiniteTensor(x, "x");
    return tf.tidy(() => {
      const { u, y } = this.forward(x);
      let dw = this.binding.delta({ pre: x, u, post: y, w: this.w });
      if (this.maskT) dw = tf.mul(dw, this.maskT);
      this.w.assign(tf.add(this.w, dw));
      return { u, y };
    });
  }

  /** A copy of W [nOut × nIn], row-major. */
  weights(): Float32Array {
    return toFloat32Sync(this.w, "weights");
  }

  /** Replace W [nOut × nIn] (masked entries must be 0 when the layer has a mask). */
  setWeights(w: Float32Array): void {
    this.checkWeights(w, "weights");
    tf.tidy(() => this.w.assign(tf.tensor2d(w, [this.nOut, this.nIn])));
  }

  private checkWeights(w: Float32Array, field: string): void {
    checkFinite(field, checkArray(field, w, this.nOut * this.nIn, "nOut × nIn"));
    if (this.maskArr) {
      const bad = w.findIndex((v, i) => v !== 0 && this.maskArr![i] === 0);
      if (bad >= 0)
        throw new PlasticityError(
          `${field}: index ${bad} is masked out but holds ${w[bad]}`,
          field,
        );
    }
  }

  /** Everything needed to resume: weights, rule state, config (typed arrays are copies). */
  getState(): HebbianDenseState {
    return {
      kind: "plasticity.hebbian-dense",
      nIn: this.nIn,
      nOut: this.nOut,
      rule: this.rule.name,
      params: { ...this.binding.params },
      activation: this.activation,
      weights: this.weights(),
      ruleState: this.binding.getState(),
      mask: this.maskArr ? this.maskArr.slice() : null,
    };
  }

  /**
   * Restore weights and rule state from `getState()` of a layer with the same shape and rule.
   * Params, activation and mask stay the constructor's. Validates everything before changing
   * anything.
   */
  setState(s: HebbianDenseState): void {
    if (s === null || typeof s !== "object" || s.kind !== "plasticity.hebbian-dense") {
      throw new PlasticityError('state.kind: expected "plasticity.hebbian-dense"', "state.kind");
    }
    if (s.nIn !== this.nIn || s.nOut !== this.nOut) {
      throw new PlasticityError(
        `state: shape ${s.nIn}→${s.nOut} does not match this layer's ${this.nIn}→${this.nOut}`,
        "state.nIn",
      );
    }
    if (s.rule !== this.rule.name) {
      throw new PlasticityError(
        `state.rule: checkpoint is for rule "${s.rule}", this layer uses "${this.rule.name}"`,
        "state.rule",
      );
    }
    this.checkWeights(s.weights, "state.weights");
    this.binding.setState(s.ruleState, "state.ruleState");
    tf.tidy(() => this.w.assign(tf.tensor2d(s.weights, [this.nOut, this.nIn])));
  }

  dispose(): void {
    this.w.dispose();
    this.maskT?.dispose();
    this.binding.dispose();
  }
}
