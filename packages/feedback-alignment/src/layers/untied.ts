import { LocallyConnected2d, tf } from "@plasticity/tfjs";
import type { WeightOp } from "./ops.js";

/** Patch entries (positions × samples × K) one chunk may hold: 64 MB of float32. */
const CHUNK_FLOATS = 1 << 24;

/**
 * An untied convolution (Amit's "sparse" layers): the windows of a 'same', stride-1 conv with
 * separate weights at every output position, W [positions, cout, kh·kw·cin] (tfjs's
 * `LocallyConnected2d` layout). The batch is processed in chunks so that the patches of one
 * chunk stay under 32 MB: a 28×28 layer with K = 288 holds ~225k patch entries per image.
 */
export class UntiedOp implements WeightOp {
  readonly shape: readonly [number, number, number];
  readonly glorotLimit: number;
  private readonly lc: LocallyConnected2d;
  private readonly chunk: number;

  constructor(inShape: readonly number[], filters: number, kernel: readonly [number, number]) {
    const [h, w, cin] = inShape;
    this.lc = new LocallyConnected2d({
      inHeight: h,
      inWidth: w,
      inChannels: cin,
      outChannels: filters,
      kernelSize: kernel,
      padding: "same",
      init: "uniform",
      seed: 0, // the layer's own W is not used: the network passes W and R explicitly
    });
    this.shape = [this.lc.positions, filters, this.lc.patchSize];
    // the conv's Glorot bound: each unit has the conv's fan-in and fan-out
    this.glorotLimit = Math.sqrt(6 / (kernel[0] * kernel[1] * (cin + filters)));
    this.chunk = Math.max(1, Math.floor(CHUNK_FLOATS / (this.lc.positions * this.lc.patchSize)));
  }

  /** f on each chunk of the batch axis of `ts`, results concatenated (or summed: `sum`). */
  private chunked(
    ts: tf.Tensor[],
    f: (...parts: tf.Tensor[]) => tf.Tensor,
    sum = false,
  ): tf.Tensor {
    const b = ts[0]!.shape[0];
    if (b <= this.chunk) return f(...ts);
    return tf.tidy(() => {
      const outs: tf.Tensor[] = [];
      for (let s = 0; s < b; s += this.chunk) {
        const n = Math.min(this.chunk, b - s);
        outs.push(f(...ts.map((t) => tf.slice(t, s, n))));
      }
      return sum ? tf.addN(outs) : tf.concat(outs, 0);
    });
  }

  forward(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return this.chunked([x], (xc) => this.lc.forward(xc as tf.Tensor4D, w as tf.Tensor3D));
  }

  inputGrad(delta: tf.Tensor, f: tf.Tensor): tf.Tensor {
    return this.chunked([delta], (dc) => this.lc.inputGrad(dc as tf.Tensor4D, f as tf.Tensor3D));
  }

  weightGrad(x: tf.Tensor, delta: tf.Tensor): tf.Tensor {
    return this.chunked(
      [x, delta],
      (xc, dc) => this.lc.weightGrad(xc as tf.Tensor4D, dc as tf.Tensor4D),
      true,
    );
  }

  dispose(): void {
    this.lc.dispose();
  }
}
