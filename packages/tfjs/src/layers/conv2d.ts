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
import { extractPatches, pair, validOutSize } from "./patches.js";
import { RuleBinding } from "./plasticity.js";

export interface HebbianConv2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** kh, or [kh, kw]. */
  readonly kernelSize: number | readonly [number, number];
  /** Default 1. Padding is always 'valid' (Miconi 2021). */
  readonly stride?: number | readonly [number, number];
  readonly rule: Rule;
  readonly params?: unknown;
  /** f applied across channels at each position; default linear. */
  readonly activation?: Activation;
  readonly seed?: number;
  readonly rng?: Rng;
  /** Default "normal" with std `initScale` = 1/√(kh·kw·cin); Miconi uses "unit-norm". */
  readonly init?: WeightInit;
  readonly initScale?: number;
  /** Binary mask in the filter layout [kh, kw, cin, cout] (pruned connections stay 0). */
  readonly mask?: Float32Array;
  /** Check each batch for NaN/Infinity before learning (default true). */
  readonly checkInputs?: boolean;
}

export interface HebbianConv2dState {
  readonly kind: "plasticity.hebbian-conv2d";
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly rule: string;
  readonly params: Record<string, unknown>;
  readonly activation: Activation;
  /** Filters [kh, kw, cin, cout], row-major (tf.conv2d's layout). */
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
 * A convolution ('valid', no bias) whose filters learn with a local rule, shared over positions.
 * Forward: u = conv2d(x, W) [b, oh, ow, cout], y = f(u) across channels at each position.
 * Learning: every (sample, position) is one rule sample: pre = the patch under the filter
 * [b·oh·ow × K] (K = kh·kw·cin, `extractPatches` order), post = y and u reshaped
 * [b·oh·ow × cout], w = the filters as a [cout × K] matrix. So the core rules' batch means are
 * means over samples AND positions.
 */
export class HebbianConv2d {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly rule: Rule;
  readonly activation: Activation;
  private readonly binding: RuleBinding;
  private readonly filters: tf.Variable<tf.Rank.R4>;
  private readonly maskArr: Float32Array | null;
  private readonly maskT: tf.Tensor4D | null;
  private readonly checkInputs: boolean;

  constructor(opts: HebbianConv2dOptions) {
    if (opts === null || typeof opts !== "object") {
      throw new PlasticityError(
        "opts: expected { inChannels, outChannels, kernelSize, rule, ... }",
        "opts",
      );
    }
    this.inChannels = positiveInt("inChannels", opts.inChannels);
    this.outChannels = positiveInt("outChannels", opts.outChannels);
    this.kernelSize = pair(opts.kernelSize, "kernelSize");
    this.stride = pair(opts.stride ?? 1, "stride");
    this.rule = opts.rule;
    this.binding = new RuleBinding(opts.rule, opts.params, this.patchSize, this.outChannels);
    this.activation = parseActivation(opts.activation ?? { kind: "linear" });
    if (this.activation.kind === "kwta" && this.activation.k > this.outChannels) {
      throw new PlasticityError(
        `activation.k: expected at most outChannels = ${this.outChannels}, got ${this.activation.k}`,
        "activation.k",
      );
    }
    const [kh, kw] = this.kernelSize;
    const shape = [kh, kw, this.inChannels, this.outChannels] as const;
    const len = this.patchSize * this.outChannels;
    this.maskArr =
      opts.mask === undefined ? null : checkMask(opts.mask, len, shape.join(" × ")).slice();
    // Draw [cout × K] (one filter per row, so "unit-norm" normalises each filter), then lay out.
    const rows = initWeights(
      rngFrom(opts),
      this.outChannels,
      this.patchSize,
      opts.init,
      opts.initScale,
      this.maskArr ? transposeMat(this.maskArr, this.patchSize, this.outChannels) : undefined,
    );
    const w0 = transposeMat(rows, this.outChannels, this.patchSize);
    this.filters = tf.tidy(() => tf.variable(tf.tensor4d(w0, [...shape]), false));
    this.maskT = this.maskArr ? tf.keep(tf.tensor4d(this.maskArr, [...shape])) : null;
    this.checkInputs = opts.checkInputs ?? true;
  }

  /** K = kh · kw · cin, the length of one patch / one filter. */
  get patchSize(): number {
    return this.kernelSize[0] * this.kernelSize[1] * this.inChannels;
  }

  /** The filters [kh, kw, cin, cout] (owned by the layer; do not dispose). */
  get W(): tf.Tensor4D {
    return this.filters;
  }

  get params(): Readonly<Record<string, unknown>> {
    return this.binding.params;
  }

  /** [oh, ow] for an input of height h and width w. */
  outputSize(h: number, w: number): [number, number] {
    return [
      validOutSize(h, this.kernelSize[0], this.stride[0]),
      validOutSize(w, this.kernelSize[1], this.stride[1]),
    ];
  }

  private checkX(x: tf.Tensor4D): void {
    checkShape(x, [-1, -1, -1, this.inChannels], "x", "batch × height × width × inChannels");
    const [, h, w] = x.shape;
    if (h < this.kernelSize[0] || w < this.kernelSize[1]) {
      throw new PlasticityError(
        `x: input ${h}×${w} is smaller than the ${this.kernelSize.join("×")} kernel`,
        "x",
      );
    }
  }

  /** u = conv2d(x, W) and y = f(u), both [b, oh, ow, cout]; the caller owns them. */
  forward(x: tf.Tensor4D): { u: tf.Tensor4D; y: tf.Tensor4D } {
    this.checkX(x);
    return tf.tidy(() => {
      const u = tf.conv2d(x, this.filters, [...this.stride], "valid");
      const [b, oh, ow, c] = u.shape;
      const y = applyActivation(tf.reshape(u, [b * oh * ow, c]), this.activation);
      return { u, y: tf.reshape(y, [b, oh, ow, c]) };
    });
  }

  /** Forward, then one rule step on all (sample, position) pairs; returns u, y (pre-update W). */
  learn(x: tf.Tensor4D): { u: tf.Tensor4D; y: tf.Tensor4D } {
    this.checkX(x);
    if (this.checkInputs) checkFiniteTensor(x, "x");
    return tf.tidy(() => {
      const { u, y } = this.forward(x);
      const [b, oh, ow, cout] = u.shape;
      const n = b * oh * ow;
      const k = this.patchSize;
      const pre = tf.reshape<tf.Rank.R2>(extractPatches(x, this.kernelSize, this.stride), [n, k]);
      const wMat = tf.transpose(tf.reshape<tf.Rank.R2>(this.filters, [k, cout]));
      const dw = this.binding.delta({
        pre,
        u: tf.reshape<tf.Rank.R2>(u, [n, cout]),
        post: tf.reshape<tf.Rank.R2>(y, [n, cout]),
        w: wMat,
      });
      let dFilters = tf.reshape(tf.transpose(dw), this.filters.shape);
      if (this.maskT) dFilters = tf.mul(dFilters, this.maskT);
      this.filters.assign(tf.add(this.filters, dFilters));
      return { u, y };
    });
  }

  /** A copy of the filters [kh, kw, cin, cout]. */
  weights(): Float32Array {
    return toFloat32Sync(this.filters, "weights");
  }

  setWeights(w: Float32Array): void {
    this.checkWeights(w, "weights");
    tf.tidy(() => this.filters.assign(tf.tensor4d(w, this.filters.shape)));
  }

  private checkWeights(w: Float32Array, field: string): void {
    checkFinite(
      field,
      checkArray(field, w, this.patchSize * this.outChannels, "kh × kw × cin × cout"),
    );
    if (this.maskArr) {
      const bad = w.findIndex((v, i) => v !== 0 && this.maskArr![i] === 0);
      if (bad >= 0)
        throw new PlasticityError(
          `${field}: index ${bad} is masked out but holds ${w[bad]}`,
          field,
        );
    }
  }

  getState(): HebbianConv2dState {
    return {
      kind: "plasticity.hebbian-conv2d",
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: [...this.kernelSize] as [number, number],
      stride: [...this.stride] as [number, number],
      rule: this.rule.name,
      params: { ...this.binding.params },
      activation: this.activation,
      weights: this.weights(),
      ruleState: this.binding.getState(),
      mask: this.maskArr ? this.maskArr.slice() : null,
    };
  }

  /** Restore filters and rule state from `getState()` of a layer with the same geometry and rule. */
  setState(s: HebbianConv2dState): void {
    if (s === null || typeof s !== "object" || s.kind !== "plasticity.hebbian-conv2d") {
      throw new PlasticityError('state.kind: expected "plasticity.hebbian-conv2d"', "state.kind");
    }
    const same =
      s.inChannels === this.inChannels &&
      s.outChannels === this.outChannels &&
      s.kernelSize?.[0] === this.kernelSize[0] &&
      s.kernelSize?.[1] === this.kernelSize[1];
    if (!same) {
      throw new PlasticityError(
        `state: geometry ${s.kernelSize?.join("×")}×${s.inChannels}→${s.outChannels} does not match this layer's ` +
          `${this.kernelSize.join("×")}×${this.inChannels}→${this.outChannels}`,
        "state.kernelSize",
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
    tf.tidy(() => this.filters.assign(tf.tensor4d(s.weights, this.filters.shape)));
  }

  dispose(): void {
    this.filters.dispose();
    this.maskT?.dispose();
    this.binding.dispose();
  }
}

/** The transpose of a row-major [rows × cols] matrix. */
function transposeMat(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}
