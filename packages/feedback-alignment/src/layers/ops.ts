import { samePadding1d, tf } from "@plasticity/tfjs";

/**
 * The linear map of a weight layer, h = W * x, with the two products its learning needs. Each
 * takes the weights as an argument, so the same op serves W (forward, BP's backward) and the
 * feedback weights R of the same shape (eˡ⁻¹ = Rᵀ δˡ).
 */
export interface WeightOp {
  /** The weights' shape (W and R alike). */
  readonly shape: readonly number[];
  /** Glorot's bound √(6 / (fanIn + fanOut)) for this layer's weights. */
  readonly glorotLimit: number;
  /** h [batch, ...out] = W * x [batch, ...in]. */
  forward(x: tf.Tensor, w: tf.Tensor): tf.Tensor;
  /** e [batch, ...in] = Fᵀ δ, the transposed map through F (W for BP, R otherwise). */
  inputGrad(delta: tf.Tensor, f: tf.Tensor): tf.Tensor;
  /** G = Σ_batch δ ⊗ x in W's shape (∂/∂W of Σ δ ⊙ (W * x)). */
  weightGrad(x: tf.Tensor, delta: tf.Tensor): tf.Tensor;
  dispose(): void;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Dense: W [nIn, nOut] on the flattened input; h = x W (tfjs's fast, flag-free matMul form). */
export class DenseOp implements WeightOp {
  readonly shape: readonly [number, number];
  readonly glorotLimit: number;
  private readonly nIn: number;

  constructor(
    private readonly inShape: readonly number[],
    nOut: number,
  ) {
    this.nIn = size(inShape);
    this.shape = [this.nIn, nOut];
    this.glorotLimit = Math.sqrt(6 / (this.nIn + nOut));
  }

  private flat(x: tf.Tensor): tf.Tensor2D {
    return tf.reshape(x, [x.shape[0], this.nIn]);
  }

  forward(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.matMul(this.flat(x), w as tf.Tensor2D));
  }

  inputGrad(delta: tf.Tensor, f: tf.Tensor): tf.Tensor {
    // an explicit transpose: matMul's transpose flags are ~10× slower on tfjs-wasm
    return tf.tidy(() =>
      tf.reshape(tf.matMul(delta as tf.Tensor2D, tf.transpose(f as tf.Tensor2D)), [
        delta.shape[0],
        ...this.inShape,
      ]),
    );
  }

  weightGrad(x: tf.Tensor, delta: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.matMul(tf.transpose(this.flat(x)), delta as tf.Tensor2D));
  }

  dispose(): void {}
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Convolution, 'same' padding, stride 1: W [kh, kw, cin, cout] (tf.conv2d's layout). Both backward
 * products are forward convolutions, the fast path of tfjs-wasm (XNNPACK):
 * - the input gradient is the convolution of δ by the flipped, in/out-transposed filters (not
 *   conv2dBackpropInput, ~8× slower there);
 * - the filter gradient is the convolution of the padded input, batch moved to the channel axis,
 *   by δ with the batch as its input channels: G[i, j, ci, co] = Σ_{b,y,x} xp[b, y+i, x+j, ci] ·
 *   δ[b, y, x, co] (not the im2col product, 3–9 GFLOP/s and out of memory at batch 500).
 */
export class ConvOp implements WeightOp {
  readonly shape: readonly [number, number, number, number];
  readonly glorotLimit: number;
  /** 'same' padding of the forward conv, [[top, bottom], [left, right]]. */
  private readonly pad: [[number, number], [number, number]];

  constructor(inShape: readonly number[], filters: number, kernel: readonly [number, number]) {
    const [h, w, cin] = inShape;
    const [kh, kw] = kernel;
    this.shape = [kh, kw, cin, filters];
    this.glorotLimit = Math.sqrt(6 / (kh * kw * (cin + filters)));
    this.pad = [samePadding1d(h, kh, 1), samePadding1d(w, kw, 1)];
  }

  forward(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, this.explicitPad(false));
  }

  inputGrad(delta: tf.Tensor, f: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flipped = tf.transpose(tf.reverse(f as tf.Tensor4D, [0, 1]), [0, 1, 3, 2]);
      return tf.conv2d(delta as tf.Tensor4D, flipped as tf.Tensor4D, 1, this.explicitPad(true));
    });
  }

  weightGrad(x: tf.Tensor, delta: tf.Tensor): tf.Tensor {
    const [[pt, pb], [pl, pr]] = this.pad;
    return tf.tidy(() => {
      const xp = tf.pad(x as tf.Tensor4D, [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ]);
      const xT = tf.transpose(xp, [3, 1, 2, 0]); // [cin, Hp, Wp, batch]
      const dT = tf.transpose(delta as tf.Tensor4D, [1, 2, 0, 3]); // [H, W, batch, cout]
      const g = tf.conv2d(xT as tf.Tensor4D, dT as tf.Tensor4D, 1, "valid"); // [cin, kh, kw, cout]
      return tf.transpose(g, [1, 2, 0, 3]);
    });
  }

  /**
   * The forward conv's padding, or (`transposed`) the transposed conv's, which puts the extra row
   * of an even window on the other side: [k − 1 − top, k − 1 − bottom]. Odd windows: "same".
   */
  private explicitPad(transposed: boolean): "same" | Pad4 {
    const [kh, kw] = this.shape;
    if (kh % 2 === 1 && kw % 2 === 1) return "same";
    const [[pt, pb], [pl, pr]] = this.pad;
    return transposed
      ? [
          [0, 0],
          [kh - 1 - pt, kh - 1 - pb],
          [kw - 1 - pl, kw - 1 - pr],
          [0, 0],
        ]
      : [
          [0, 0],
          [pt, pb],
          [pl, pr],
          [0, 0],
        ];
  }

  dispose(): void {}
}
