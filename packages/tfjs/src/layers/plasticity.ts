/**
 * The parts every plastic layer shares (HebbianDense, HebbianConv2d, LocallyConnected2d), so each
 * layer file keeps only its topology: option and weight checks, masked weights with their seeded
 * initialisation, a rule bound to a weight matrix, and the `RuleLayer` base with its learning
 * step and checkpoints.
 */

import {
  checkArray,
  checkFinite,
  PlasticityError,
  type Rng,
  type Rule,
  type RuleState,
} from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { type Activation, parseActivation } from "../activation.js";
import { checkFiniteTensor, toFloat32Sync } from "../convert.js";
import {
  getRuleKernel,
  kernelRuleNames,
  type RuleKernelInputs,
  runRuleKernel,
  type TensorRuleState,
} from "../kernel-registry.js";
import { checkMask, initWeights, rngFrom, type SeedOptions, type WeightInit } from "./init.js";

/**
 * A rule bound to one weight matrix: parsed params and the rule state as tensors (owned here);
 * `delta` runs the rule's registered kernel and advances the state.
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

/** Throws unless `opts` is an object; `expected` lists the layer's fields for the message. */
export function checkOptions(opts: unknown, expected: string): void {
  if (opts === null || typeof opts !== "object") {
    throw new PlasticityError(`opts: expected ${expected}`, "opts");
  }
}

/** `v` if it is a positive integer, else a PlasticityError naming `name`. */
export function positiveInt(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) {
    throw new PlasticityError(`${name}: expected a positive integer, got ${String(v)}`, name);
  }
  return v as number;
}

/**
 * How a layer stores its weights relative to the rule's matrix W [units × fanIn] (one unit's
 * synapses per row, as core's `RuleInput.w`).
 */
export interface WeightLayout {
  /** The weight tensor's shape, e.g. [nOut, nIn] or tf.conv2d's [kh, kw, cin, cout]. */
  readonly shape: readonly number[];
  /** The shape in words for error messages, e.g. "nOut × nIn". */
  readonly dims: string;
  /** Units (rows of the rule's matrix). */
  readonly units: number;
  /** Synapses per unit (columns of the rule's matrix). */
  readonly fanIn: number;
  /** True when the tensor holds the transpose [fanIn × units] (tf.conv2d's filter layout). */
  readonly transposed?: boolean;
}

/** How the initial weights are drawn: `initWeights(rng, units, fanIn, init, scale, mask)`. */
export interface WeightDraw {
  readonly rng: Rng;
  readonly init?: WeightInit;
  /** Default 1/√fanIn. */
  readonly scale?: number;
}

/**
 * A layer's weight variable with an optional binary mask c (structured / pruned synapses):
 * seeded initialisation, copies, checked replacement, and the masked step W ← W + c ⊙ ΔW.
 * Masked weights are 0 from the start and stay 0. Owns its tensors (`dispose`).
 */
export class MaskedWeights<R extends tf.Rank> {
  /** The weights (owned here; do not dispose). */
  readonly variable: tf.Variable<R>;
  /** The mask c in the layout's order, or null. */
  readonly maskTensor: tf.Tensor<R> | null;
  private readonly maskArr: Float32Array | null;

  /** `mask` must already be checked (0/1, the layout's length); it is copied. */
  constructor(
    readonly layout: WeightLayout,
    mask: Float32Array | null,
    draw: WeightDraw,
  ) {
    const { units, fanIn, transposed } = layout;
    this.maskArr = mask ? mask.slice() : null;
    const maskRows = mask && transposed ? transposeMat(mask, fanIn, units) : mask;
    const rows = initWeights(draw.rng, units, fanIn, draw.init, draw.scale, maskRows ?? undefined);
    const w0 = transposed ? transposeMat(rows, units, fanIn) : rows;
    const shape = [...layout.shape];
    this.variable = tf.tidy(
      () => tf.variable(tf.tensor<tf.Rank>(w0, shape), false) as tf.Variable<R>,
    );
    this.maskTensor = this.maskArr
      ? tf.keep(tf.tensor<tf.Rank>(this.maskArr, shape) as tf.Tensor<R>)
      : null;
  }

  /** A copy of the weights in the layout's order. */
  values(): Float32Array {
    return toFloat32Sync(this.variable, "weights");
  }

  /** A copy of the mask, or null. */
  maskValues(): Float32Array | null {
    return this.maskArr ? this.maskArr.slice() : null;
  }

  /**
   * Throws unless `w` is a finite Float32Array of the layout's length, naming `field`; unless
   * `allowMasked`, a non-zero value at a masked position is refused too.
   */
  check(w: unknown, field: string, allowMasked = false): Float32Array {
    const len = this.layout.units * this.layout.fanIn;
    const a = checkArray(field, w, len, this.layout.dims);
    checkFinite(field, a);
    const mask = this.maskArr;
    if (mask && !allowMasked) {
      const bad = a.findIndex((v, i) => v !== 0 && mask[i] === 0);
      if (bad >= 0)
        throw new PlasticityError(
          `${field}: index ${bad} is masked out but holds ${a[bad]}`,
          field,
        );
    }
    return a;
  }

  /** W ← c ⊙ w for a checked `w` (masked positions become 0). */
  assign(w: Float32Array): void {
    tf.tidy(() => {
      const t = tf.tensor(w, this.variable.shape) as tf.Tensor<R>;
      this.variable.assign(this.maskTensor ? tf.mul(t, this.maskTensor) : t);
    });
  }

  /** W ← W + c ⊙ ΔW for ΔW in the layout's shape. */
  add(dw: tf.Tensor<R>): void {
    tf.tidy(() => {
      const step = this.maskTensor ? tf.mul<tf.Tensor<R>>(dw, this.maskTensor) : dw;
      this.variable.assign(tf.add<tf.Tensor<R>>(this.variable, step));
    });
  }

  /** W as the rule's matrix [units × fanIn] (a new tensor). */
  ruleMatrix(): tf.Tensor2D {
    const { units, fanIn, transposed } = this.layout;
    return transposed
      ? tf.transpose(tf.reshape<tf.Rank.R2>(this.variable, [fanIn, units]))
      : tf.reshape<tf.Rank.R2>(this.variable, [units, fanIn]);
  }

  /** W ← W + c ⊙ ΔW for ΔW given as the rule's matrix [units × fanIn]. */
  addRuleDelta(dw: tf.Tensor2D): void {
    tf.tidy(() => {
      const inLayout = this.layout.transposed ? tf.transpose(dw) : dw;
      this.add(tf.reshape(inLayout, this.variable.shape) as tf.Tensor<R>);
    });
  }

  dispose(): void {
    this.variable.dispose();
    this.maskTensor?.dispose();
  }
}

/** Options every rule-driven layer takes besides its geometry. */
export interface RuleLayerOptions extends SeedOptions {
  /** The plasticity rule (e.g. `oja` from @plasticity/core); its kernel must be registered. */
  readonly rule: Rule;
  /** Raw hyper-parameters of the rule (defaults filled in by `rule.parseParams`). */
  readonly params?: unknown;
  /** y = f(u) (across units at each position for convolutions); default linear. */
  readonly activation?: Activation;
  /** Default "normal" with std `initScale` = 1/√fanIn. */
  readonly init?: WeightInit;
  readonly initScale?: number;
  /** Binary mask in the weights' layout: W starts as c ⊙ W and every update is c ⊙ ΔW. */
  readonly mask?: Float32Array;
  /** Check each batch x for NaN/Infinity before learning (default true; one boolean read back). */
  readonly checkInputs?: boolean;
}

/** The part of a rule-driven layer's checkpoint every layer has: plain values and typed arrays. */
export interface RuleLayerState<K extends string = string> {
  readonly kind: K;
  readonly rule: string;
  readonly params: Record<string, unknown>;
  readonly activation: Activation;
  /** The weights in the layer's layout, row-major. */
  readonly weights: Float32Array;
  readonly ruleState: RuleState;
  readonly mask: Float32Array | null;
}

/** What a topology feeds the rule: `pre`, `u` and `post` as [samples × ·] matrices. */
export type RuleActivity = Omit<RuleKernelInputs, "w">;

/**
 * The shared part of a layer that learns with a local rule: the rule bound to its weights
 * (params, state), the activation, the (masked) weights, checkpoints, input checks and the
 * step W ← W + c ⊙ ΔW. A subclass is a topology: its forward pass and how it presents its
 * activity to the rule as (pre, u, post) samples (`ruleActivity`), e.g. dense: one sample per
 * batch row; convolution: one per (batch row, position). `A` is the input and activity tensor
 * type, `R` the weights' rank, `S` the checkpoint type.
 */
export abstract class RuleLayer<
  A extends tf.Tensor,
  R extends tf.Rank,
  S extends RuleLayerState = RuleLayerState,
> {
  readonly rule: Rule;
  readonly activation: Activation;
  protected readonly store: MaskedWeights<R>;
  private readonly binding: RuleBinding;
  private readonly checkInputs: boolean;

  /**
   * Validates in this order: the rule and its params, the activation (k-WTA's k at most
   * `layout.units`, called `unitsName` in the message), the mask, the seed and init.
   */
  protected constructor(
    opts: RuleLayerOptions,
    private readonly kind: S["kind"],
    layout: WeightLayout,
    unitsName: string,
  ) {
    this.rule = opts.rule;
    this.binding = new RuleBinding(opts.rule, opts.params, layout.fanIn, layout.units);
    this.activation = parseActivation(opts.activation ?? { kind: "linear" });
    if (this.activation.kind === "kwta" && this.activation.k > layout.units) {
      throw new PlasticityError(
        `activation.k: expected at most ${unitsName} = ${layout.units}, got ${this.activation.k}`,
        "activation.k",
      );
    }
    const len = layout.units * layout.fanIn;
    const mask =
      opts.mask === undefined
        ? null
        : checkMask(opts.mask, len, `${layout.dims} = ${layout.shape.join(" × ")}`);
    this.store = new MaskedWeights<R>(layout, mask, {
      rng: rngFrom(opts),
      init: opts.init,
      scale: opts.initScale,
    });
    this.checkInputs = opts.checkInputs ?? true;
  }

  /** The weights in the layer's layout (owned by the layer; do not dispose). */
  get W(): tf.Tensor<R> {
    return this.store.variable;
  }

  /** The rule's parsed hyper-parameters. */
  get params(): Readonly<Record<string, unknown>> {
    return this.binding.params;
  }

  /** u (pre-activation) and y = f(u) for the batch x; the caller owns (disposes) both. */
  abstract forward(x: A): { u: A; y: A };

  /** Throws a PlasticityError naming "x" unless x has the shape the layer takes. */
  protected abstract checkX(x: A): void;

  /**
   * The topology: the rule's samples from x and the forward pass, pre [samples × fanIn] and
   * u, post [samples × units], with u = (rule matrix) · pre before any activation.
   */
  protected abstract ruleActivity(x: A, u: A, y: A): RuleActivity;

  /** Throws unless the checkpoint's geometry matches this layer's. */
  protected abstract checkGeometry(s: S): void;

  /** A checkpoint (typed arrays are copies); see `ruleLayerState`. */
  abstract getState(): S;

  /**
   * One plasticity step on the batch x: forward, then ΔW from the rule's registered kernel on
   * the active backend (with the rule state, which advances), W ← W + lrScale · c ⊙ ΔW, where
   * `lrScale` (default 1) is a learning-rate schedule's factor. Returns u and y of the forward
   * pass (computed with W before the update); the caller owns them.
   */
  learn(x: A, opts: { lrScale?: number } = {}): { u: A; y: A } {
    this.checkX(x);
    if (this.checkInputs) checkFiniteTensor(x, "x");
    const scale = opts.lrScale ?? 1;
    if (!(scale >= 0) || !Number.isFinite(scale)) {
      throw new PlasticityError(`lrScale: expected a finite number ≥ 0, got ${scale}`, "lrScale");
    }
    return tf.tidy(() => {
      const { u, y } = this.forward(x);
      const dw = this.binding.delta({ ...this.ruleActivity(x, u, y), w: this.store.ruleMatrix() });
      this.store.addRuleDelta(scale === 1 ? dw : tf.mul(dw, scale));
      return { u, y };
    });
  }

  /** A copy of the weights in the layer's layout, row-major. */
  weights(): Float32Array {
    return this.store.values();
  }

  /** Replace the weights (same layout; masked entries must be 0 when the layer has a mask). */
  setWeights(w: Float32Array): void {
    this.store.assign(this.store.check(w, "weights"));
  }

  /**
   * Restore weights and rule state from `getState()` of a layer with the same geometry and rule.
   * Params, activation and mask stay the constructor's. Validates everything before changing
   * anything.
   */
  setState(s: S): void {
    if (s === null || typeof s !== "object" || s.kind !== this.kind) {
      throw new PlasticityError(`state.kind: expected "${this.kind}"`, "state.kind");
    }
    this.checkGeometry(s);
    if (s.rule !== this.rule.name) {
      throw new PlasticityError(
        `state.rule: checkpoint is for rule "${s.rule}", this layer uses "${this.rule.name}"`,
        "state.rule",
      );
    }
    const w = this.store.check(s.weights, "state.weights");
    this.binding.setState(s.ruleState, "state.ruleState");
    this.store.assign(w);
  }

  /** Frees the weights, the mask and the rule state. */
  dispose(): void {
    this.store.dispose();
    this.binding.dispose();
  }

  /** The checkpoint fields every rule layer has, after `kind` and the subclass's geometry. */
  protected ruleLayerState(): Omit<RuleLayerState, "kind"> {
    return {
      rule: this.rule.name,
      params: { ...this.binding.params },
      activation: this.activation,
      weights: this.weights(),
      ruleState: this.binding.getState(),
      mask: this.store.maskValues(),
    };
  }
}

/** The transpose of a row-major [rows × cols] matrix. */
function transposeMat(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}
