import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { applyActivation } from "../activation.js";
import { checkShape } from "../convert.js";
import type { WeightInit } from "./init.js";
import { extractPatches, pair, validOutSize } from "./patches.js";
import {
  checkOptions,
  positiveInt,
  type RuleActivity,
  RuleLayer,
  type RuleLayerOptions,
  type RuleLayerState,
} from "./plasticity.js";

export interface HebbianConv2dOptions extends RuleLayerOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** kh, or [kh, kw]. */
  readonly kernelSize: number | readonly [number, number];
  /** Default 1. Padding is always 'valid' (Miconi 2021). */
  readonly stride?: number | readonly [number, number];
  /** Default "normal" with std `initScale` = 1/√(kh·kw·cin); Miconi uses "unit-norm". */
  readonly init?: WeightInit;
  /** Binary mask in the filter layout [kh, kw, cin, cout] (pruned connections stay 0). */
  readonly mask?: Float32Array;
}

export interface HebbianConv2dState extends RuleLayerState<"plasticity.hebbian-conv2d"> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Filters [kh, kw, cin, cout], row-major (tf.conv2d's layout). */
  readonly weights: Float32Array;
}

/**
 * A convolution ('valid', no bias) whose filters learn with a local rule, shared over positions.
 * Forward: u = conv2d(x, W) [b, oh, ow, cout], y = f(u) across channels at each position.
 * Learning: every (sample, position) is one rule sample: pre = the patch under the filter
 * [b·oh·ow × K] (K = kh·kw·cin, `extractPatches` order), post = y and u reshaped
 * [b·oh·ow × cout], w = the filters as a [cout × K] matrix. So the core rules' batch means are
 * means over samples AND positions.
 */
export class HebbianConv2d extends RuleLayer<tf.Tensor4D, tf.Rank.R4, HebbianConv2dState> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];

  constructor(opts: HebbianConv2dOptions) {
    checkOptions(opts, "{ inChannels, outChannels, kernelSize, rule, ... }");
    const inChannels = positiveInt("inChannels", opts.inChannels);
    const outChannels = positiveInt("outChannels", opts.outChannels);
    const kernelSize = pair(opts.kernelSize, "kernelSize");
    const stride = pair(opts.stride ?? 1, "stride");
    const [kh, kw] = kernelSize;
    // the rule's matrix is [cout × K] (one filter per row, so "unit-norm" normalises each
    // filter); tf.conv2d keeps its transpose [kh, kw, cin, cout] = [K × cout]
    const layout = {
      shape: [kh, kw, inChannels, outChannels],
      dims: "kh × kw × cin × cout",
      units: outChannels,
      fanIn: kh * kw * inChannels,
      transposed: true,
    };
    super(opts, "plasticity.hebbian-conv2d", layout, "outChannels");
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
  }

  /** K = kh · kw · cin, the length of one patch / one filter. */
  get patchSize(): number {
    return this.kernelSize[0] * this.kernelSize[1] * this.inChannels;
  }

  /** [oh, ow] for an input of height h and width w. */
  outputSize(h: number, w: number): [number, number] {
    return [
      validOutSize(h, this.kernelSize[0], this.stride[0]),
      validOutSize(w, this.kernelSize[1], this.stride[1]),
    ];
  }

  protected override checkX(x: tf.Tensor4D): void {
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
  override forward(x: tf.Tensor4D): { u: tf.Tensor4D; y: tf.Tensor4D } {
    this.checkX(x);
    return tf.tidy(() => {
      const u = tf.conv2d(x, this.W, [...this.stride], "valid");
      const [b, oh, ow, c] = u.shape;
      const y = applyActivation(tf.reshape(u, [b * oh * ow, c]), this.activation);
      return { u, y: tf.reshape(y, [b, oh, ow, c]) };
    });
  }

  /**
   * One rule sample per (batch row, position): pre = the patches [b·oh·ow × K], u and post = u
   * and y reshaped [b·oh·ow × cout].
   */
  protected override ruleActivity(x: tf.Tensor4D, u: tf.Tensor4D, y: tf.Tensor4D): RuleActivity {
    const [b, oh, ow, cout] = u.shape;
    const n = b * oh * ow;
    return {
      pre: tf.reshape(extractPatches(x, this.kernelSize, this.stride), [n, this.patchSize]),
      u: tf.reshape(u, [n, cout]),
      post: tf.reshape(y, [n, cout]),
    };
  }

  /** Everything needed to resume: filters, rule state, config (typed arrays are copies). */
  override getState(): HebbianConv2dState {
    return {
      kind: "plasticity.hebbian-conv2d",
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: [...this.kernelSize] as [number, number],
      stride: [...this.stride] as [number, number],
      ...this.ruleLayerState(),
    };
  }

  protected override checkGeometry(s: HebbianConv2dState): void {
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
  }
}
