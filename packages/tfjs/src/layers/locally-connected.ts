import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { checkShape } from "../convert.js";
import { checkMask, rngFrom, type SeedOptions, type WeightInit } from "./init.js";
import { extractPatches, type Padding2d, padSpatial, pair, validOutSize } from "./patches.js";
import { checkOptions, MaskedWeights, positiveInt } from "./plasticity.js";

export interface LocallyConnected2dOptions extends SeedOptions {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  /** Units per position (Obeid's "neurons per site", NpS). */
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number, number];
  readonly stride?: number | readonly [number, number];
  /** "valid" (default) or explicit zero padding [[top, bottom], [left, right]]. */
  readonly padding?: "valid" | Padding2d;
  /**
   * Binary connectivity, either per position [positions × K] (shared by the outChannels units of
   * a position, e.g. `discMask(...)`) or per unit [positions × outChannels × K].
   */
  readonly mask?: Float32Array;
  /** Default "normal" with std `initScale` = 1/√(mean connections per unit). */
  readonly init?: WeightInit;
  readonly initScale?: number;
}

/**
 * A locally connected ("untied" convolution) layer: the same windows as a convolution, but each
 * output position p has its own weights W_p [outChannels × K], K = kh·kw·cin (`extractPatches`
 * order). u[b, p, c] = Σ_k (M ⊙ W)[p, c, k] · patch[b, p, k], no bias. Weights are [positions,
 * outChannels, K] with positions = oh·ow in row-major (row, column) order. Used by Obeid et al.
 * (2019) with disc receptive fields and by Amit (2019) as untied conv layers.
 */
export class LocallyConnected2d {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: Padding2d;
  readonly outHeight: number;
  readonly outWidth: number;
  private readonly store: MaskedWeights<tf.Rank.R3>;

  constructor(opts: LocallyConnected2dOptions) {
    checkOptions(opts, "{ inHeight, inWidth, inChannels, outChannels, kernelSize, ... }");
    this.inHeight = positiveInt("inHeight", opts.inHeight);
    this.inWidth = positiveInt("inWidth", opts.inWidth);
    this.inChannels = positiveInt("inChannels", opts.inChannels);
    this.outChannels = positiveInt("outChannels", opts.outChannels);
    this.kernelSize = pair(opts.kernelSize, "kernelSize");
    this.stride = pair(opts.stride ?? 1, "stride");
    this.padding = checkPadding(opts.padding ?? "valid");
    const [[pt, pb], [pl, pr]] = this.padding;
    const h = this.inHeight + pt + pb;
    const w = this.inWidth + pl + pr;
    if (h < this.kernelSize[0] || w < this.kernelSize[1]) {
      throw new PlasticityError(
        `kernelSize: ${this.kernelSize.join("×")} is larger than the padded input ${h}×${w}`,
        "kernelSize",
      );
    }
    this.outHeight = validOutSize(h, this.kernelSize[0], this.stride[0]);
    this.outWidth = validOutSize(w, this.kernelSize[1], this.stride[1]);
    const p = this.positions;
    const k = this.patchSize;
    const c = this.outChannels;
    let full: Float32Array | null = null;
    if (opts.mask !== undefined) {
      const m = opts.mask;
      if (m instanceof Float32Array && m.length === p * k) {
        checkMask(m, p * k, "positions × K");
        full = new Float32Array(p * c * k);
        for (let i = 0; i < p; i++)
          for (let j = 0; j < c; j++) full.set(m.subarray(i * k, (i + 1) * k), (i * c + j) * k);
      } else {
        full = checkMask(
          m,
          p * c * k,
          `positions × outChannels × K = ${p} × ${c} × ${k} (or positions × K)`,
        );
      }
    }
    let fanIn = k;
    if (full) {
      let on = 0;
      for (let i = 0; i < full.length; i++) on += full[i];
      fanIn = Math.max(1, on / (p * c));
    }
    const layout = {
      shape: [p, c, k],
      dims: "positions × outChannels × K",
      units: p * c,
      fanIn: k,
    };
    this.store = new MaskedWeights(layout, full, {
      rng: rngFrom(opts),
      init: opts.init,
      scale: opts.initScale ?? 1 / Math.sqrt(fanIn),
    });
  }

  /** oh · ow output positions. */
  get positions(): number {
    return this.outHeight * this.outWidth;
  }

  /** K = kh · kw · cin. */
  get patchSize(): number {
    return this.kernelSize[0] * this.kernelSize[1] * this.inChannels;
  }

  /** The weights [positions, outChannels, K] (owned by the layer; masked entries are 0). */
  get W(): tf.Tensor3D {
    return this.store.variable;
  }

  /** The mask [positions, outChannels, K], or null. */
  get mask(): tf.Tensor3D | null {
    return this.store.maskTensor;
  }

  private checkX(x: tf.Tensor4D): void {
    checkShape(
      x,
      [-1, this.inHeight, this.inWidth, this.inChannels],
      "x",
      "batch × inHeight × inWidth × inChannels",
    );
  }

  /**
   * The padded input's patches, position-major: [positions, batch, K]. This is the `pre` of each
   * position's weights (what a local rule per position needs).
   */
  patches(x: tf.Tensor4D): tf.Tensor3D {
    this.checkX(x);
    return tf.tidy(() => {
      const pt = extractPatches(padSpatial(x, this.padding), this.kernelSize, this.stride);
      const b = x.shape[0];
      return tf.transpose(tf.reshape(pt, [b, this.positions, this.patchSize]), [1, 0, 2]);
    });
  }

  /** u [b, oh, ow, outChannels] = per-position (M ⊙ W_p) · patch. The caller owns it. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    this.checkX(x);
    return tf.tidy(() => {
      const b = x.shape[0];
      const patches = this.patches(x); // [P, b, K]
      // W is kept masked (init and setWeights), so no mask multiply is needed here.
      const u = tf.matMul(patches, tf.transpose(this.W, [0, 2, 1])); // [P, b, c]
      return tf.reshape(tf.transpose(u, [1, 0, 2]), [
        b,
        this.outHeight,
        this.outWidth,
        this.outChannels,
      ]);
    });
  }

  /** A copy of W [positions, outChannels, K]. */
  weights(): Float32Array {
    return this.store.values();
  }

  /** Replace W [positions, outChannels, K]; with a mask, masked entries are set to 0. */
  setWeights(w: Float32Array): void {
    this.store.assign(this.store.check(w, "weights", true));
  }

  /**
   * W ← mask ⊙ (W + ΔW) for ΔW [positions, outChannels, K] (e.g. a per-position local rule
   * computed from `patches(x)` and the layer's activity). W is kept masked, so this is
   * W + mask ⊙ ΔW.
   */
  update(dw: tf.Tensor3D): void {
    checkShape(dw, [...this.W.shape], "dw", "positions × outChannels × K");
    this.store.add(dw);
  }

  /** A copy of the mask [positions, outChannels, K], or null. */
  maskValues(): Float32Array | null {
    return this.store.maskValues();
  }

  dispose(): void {
    this.store.dispose();
  }
}

function checkPadding(p: unknown): Padding2d {
  if (p === "valid")
    return [
      [0, 0],
      [0, 0],
    ];
  const ok =
    Array.isArray(p) &&
    p.length === 2 &&
    p.every(
      (q) => Array.isArray(q) && q.length === 2 && q.every((v) => Number.isInteger(v) && v >= 0),
    );
  if (!ok) {
    throw new PlasticityError(
      `padding: expected "valid" or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(p)}`,
      "padding",
    );
  }
  return p as unknown as Padding2d;
}
