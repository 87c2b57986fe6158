import { PlasticityError } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import { checkShape } from "../convert.js";
import { checkMask, rngFrom, type SeedOptions, type WeightInit } from "./init.js";
import {
  extractPatches,
  type Padding2d,
  padSpatial,
  pair,
  samePadding1d,
  validOutSize,
} from "./patches.js";
import { checkOptions, MaskedWeights, positiveInt } from "./plasticity.js";

export interface LocallyConnected2dOptions extends SeedOptions {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  /** Units per position (Obeid's "neurons per site", NpS). */
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number, number];
  readonly stride?: number | readonly [number, number];
  /**
   * "valid" (default), "same" (TensorFlow's rule: ⌈size / stride⌉ positions per axis, the extra
   * row of an even window at the bottom/right) or explicit zero padding [[top, bottom], [left, right]].
   */
  readonly padding?: "valid" | "same" | Padding2d;
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
    this.padding =
      opts.padding === "same"
        ? [
            samePadding1d(this.inHeight, this.kernelSize[0], this.stride[0]),
            samePadding1d(this.inWidth, this.kernelSize[1], this.stride[1]),
          ]
        : checkPadding(opts.padding ?? "valid");
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

  /**
   * The patches with the window axis before the positions: [b, K, positions], K in
   * `extractPatches` order (i, j, channel). Built from the channels-first input by kh·kw (strided)
   * slices and one concat, with no transpose of the patches themselves.
   */
  private patchesKP(x: tf.Tensor4D): tf.Tensor3D {
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.stride;
    const [oh, ow] = [this.outHeight, this.outWidth];
    const b = x.shape[0];
    const cin = this.inChannels;
    return tf.tidy(() => {
      const xc = tf.transpose<tf.Tensor4D>(padSpatial(x, this.padding), [0, 3, 1, 2]); // [b, cin, hp, wp]
      const parts: tf.Tensor4D[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          parts.push(
            sh === 1 && sw === 1
              ? tf.slice(xc, [0, 0, i, j], [b, cin, oh, ow])
              : (tf.stridedSlice(
                  xc,
                  [0, 0, i, j],
                  [b, cin, i + sh * (oh - 1) + 1, j + sw * (ow - 1) + 1],
                  [1, 1, sh, sw],
                ) as tf.Tensor4D),
          );
        }
      }
      const cat = parts.length === 1 ? parts[0]! : tf.concat(parts, 1); // [b, kh·kw·cin, oh, ow]
      return tf.reshape(cat, [b, this.patchSize, this.positions]);
    });
  }

  /*
   * The three products of the layer are depthwise convolutions with the positions as channels
   * (a 1×n "image" per position, one filter per position): on tfjs-wasm this runs at 4–5
   * GFLOP/s, where a batched matMul over the positions runs at ~1.
   */

  /**
   * u [b, oh, ow, outChannels] = per-position (M ⊙ W_p) · patch. `w` [positions, outChannels, K]
   * replaces the layer's own W (e.g. a feedback matrix of the same shape). The caller owns u.
   */
  forward(x: tf.Tensor4D, w: tf.Tensor3D = this.W): tf.Tensor4D {
    this.checkX(x);
    this.checkWeights(w, "w");
    // differentiable on every backend through the layer's own gradients (tfjs-wasm has no
    // gradient kernels for depthwise convolutions)
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xv, wv, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      save([xv, wv]);
      return {
        value: this.product(xv as tf.Tensor4D, wv as tf.Tensor3D),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
          this.inputGrad(dy as tf.Tensor4D, saved[1] as tf.Tensor3D),
          this.weightGrad(saved[0] as tf.Tensor4D, dy as tf.Tensor4D),
        ],
      };
    });
    return f(x, w) as tf.Tensor4D;
  }

  private product(x: tf.Tensor4D, w: tf.Tensor3D): tf.Tensor4D {
    const [P, c, K] = [this.positions, this.outChannels, this.patchSize];
    return tf.tidy(() => {
      const b = x.shape[0];
      const pk = tf.reshape<tf.Rank.R4>(this.patchesKP(x), [b, 1, K, P]);
      // W is kept masked (init and setWeights), so no mask multiply is needed here.
      const f = tf.reshape(tf.transpose(w, [2, 0, 1]), [1, K, P, c]);
      const u = tf.depthwiseConv2d(pk, f as tf.Tensor4D, 1, "valid"); // [b, 1, 1, P·c]
      return tf.reshape(u, [b, this.outHeight, this.outWidth, c]);
    });
  }

  /**
   * The transposed map: ∂/∂x of Σ dy ⊙ forward(x, w), i.e. e[b, y, x, ch] = Σ over the windows p
   * covering (y, x) of Σ_c w[p, c, k(y, x, ch)] · dy[b, p, c] ("col2im" of dy · w). With w = R
   * this is the feedback pass eˡ⁻¹ = Rᵀ δˡ of an untied layer. dy [b, oh, ow, outChannels] →
   * [b, inHeight, inWidth, inChannels]; the caller owns it.
   */
  inputGrad(dy: tf.Tensor4D, w: tf.Tensor3D = this.W): tf.Tensor4D {
    this.checkDy(dy);
    this.checkWeights(w, "w");
    const [P, c, K] = [this.positions, this.outChannels, this.patchSize];
    return tf.tidy(() => {
      const b = dy.shape[0];
      const d = tf.reshape<tf.Rank.R4>(tf.transpose(tf.reshape(dy, [b, P, c]), [0, 2, 1]), [
        b,
        1,
        c,
        P,
      ]);
      const f = tf.reshape(tf.transpose(w, [1, 0, 2]), [1, c, P, K]);
      const g = tf.depthwiseConv2d(d, f as tf.Tensor4D, 1, "valid"); // [b, 1, 1, P·K]
      return this.col2im(tf.reshape(g, [b, this.outHeight, this.outWidth, K]));
    });
  }

  /**
   * ∂/∂W of Σ dy ⊙ forward(x): G[p, c, k] = Σ_b dy[b, p, c] · patch[p, b, k], summed over the
   * batch (a masked layer's G is not masked; `update` masks it). [positions, outChannels, K].
   */
  weightGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor3D {
    this.checkX(x);
    this.checkDy(dy);
    if (dy.shape[0] !== x.shape[0]) {
      throw new PlasticityError(
        `dy: batch ${dy.shape[0]} differs from x's batch ${x.shape[0]}`,
        "dy",
      );
    }
    const [P, c, K] = [this.positions, this.outChannels, this.patchSize];
    return tf.tidy(() => {
      const b = x.shape[0];
      // the batch is the window: a b×1 filter per position slides along K
      const pk = tf.reshape<tf.Rank.R4>(this.patchesKP(x), [1, b, K, P]);
      const f = tf.reshape<tf.Rank.R4>(dy, [b, 1, P, c]);
      const g = tf.depthwiseConv2d(pk, f as tf.Tensor4D, 1, "valid"); // [1, 1, K, P·c]
      return tf.transpose(tf.reshape(g, [K, P, c]), [1, 2, 0]);
    });
  }

  /**
   * Sum each window's patch gradient back onto the input ("col2im"): cols [b, oh, ow, K] in
   * `extractPatches` order; offset (i, j) of every window lands on padded rows i + s·r, columns
   * j + s·q. Then the padding is cropped.
   */
  private col2im(cols: tf.Tensor4D): tf.Tensor4D {
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.stride;
    const [[pt, pb], [pl, pr]] = this.padding;
    const [b, oh, ow] = cols.shape;
    const cin = this.inChannels;
    const hp = this.inHeight + pt + pb;
    const wp = this.inWidth + pl + pr;
    const spread = dilate(cols, sh, sw); // [b, (oh−1)·sh + 1, (ow−1)·sw + 1, K]
    const [lh, lw] = [(oh - 1) * sh + 1, (ow - 1) * sw + 1];
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const part = tf.slice(spread, [0, 0, 0, (i * kw + j) * cin], [b, lh, lw, cin]);
        parts.push(
          tf.pad(part, [
            [0, 0],
            [i, hp - i - lh],
            [j, wp - j - lw],
            [0, 0],
          ]),
        );
      }
    }
    const full = parts.length === 1 ? parts[0]! : tf.addN(parts);
    return tf.slice(full, [0, pt, pl, 0], [b, this.inHeight, this.inWidth, cin]);
  }

  private checkDy(dy: tf.Tensor4D): void {
    checkShape(
      dy,
      [-1, this.outHeight, this.outWidth, this.outChannels],
      "dy",
      "batch × outHeight × outWidth × outChannels",
    );
  }

  private checkWeights(w: tf.Tensor3D, field: string): void {
    if (w !== this.W) checkShape(w, [...this.W.shape], field, "positions × outChannels × K");
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

/** Rows and columns of `t` [b, h, w, c] spread out by the strides (zeros between): [b, (h−1)·sh + 1, (w−1)·sw + 1, c]. */
function dilate(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape;
  const grid = tf.pad(tf.reshape(t, [b, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const flat = tf.reshape<tf.Rank.R4>(grid, [b, h * sh, w * sw, c]);
  return tf.slice(flat, [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
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
      `padding: expected "valid", "same" or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(p)}`,
      "padding",
    );
  }
  return p as unknown as Padding2d;
}
