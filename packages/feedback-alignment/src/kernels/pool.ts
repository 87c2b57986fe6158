import { samePadding1d, tf } from "@plasticity/tfjs";

/**
 * Max-pooling with its gradient, as typed-array loops. tfjs-backend-wasm 4.22's MaxPoolGrad
 * starts each window's maximum at 0, so a window whose inputs are all negative (common after the
 * clipped ramp) loses its gradient, and it is a slow loop besides; this kernel keeps the index of
 * each window's maximum from the forward pass and scatters the error back through it, on any
 * backend. Ties go to the first maximum in row-major window order, as tfjs's cpu backend does.
 */

/** 'same' pooling of an NHWC input: ⌈h/s⌉ × ⌈w/s⌉ windows of size k, TensorFlow's padding. */
export interface PoolGeometry {
  readonly batch: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly size: number;
  readonly stride: number;
  readonly oh: number;
  readonly ow: number;
  /** Padding rows above and columns to the left (padded entries never win). */
  readonly top: number;
  readonly left: number;
}

export function poolGeometry(
  [batch, h, w, c]: readonly number[],
  size: number,
  stride: number,
): PoolGeometry {
  return {
    batch,
    h,
    w,
    c,
    size,
    stride,
    oh: Math.ceil(h / stride),
    ow: Math.ceil(w / stride),
    top: samePadding1d(h, size, stride)[0],
    left: samePadding1d(w, size, stride)[0],
  };
}

/**
 * y[b, i, j, ch] = max over the window of x, and the flat index into x of that maximum. The
 * channel loop is innermost, so every read walks x contiguously.
 */
export function maxPoolArgmax(
  x: Float32Array,
  g: PoolGeometry,
): { y: Float32Array; argmax: Int32Array } {
  const { batch, h, w, c, size, stride, oh, ow, top, left } = g;
  const y = new Float32Array(batch * oh * ow * c).fill(Number.NEGATIVE_INFINITY);
  const argmax = new Int32Array(y.length).fill(-1);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(i * stride - top, 0);
      const r1 = Math.min(i * stride - top + size, h);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(j * stride - left, 0);
        const c1 = Math.min(j * stride - left + size, w);
        const o = ((b * oh + i) * ow + j) * c;
        for (let r = r0; r < r1; r++) {
          for (let q = c0; q < c1; q++) {
            const base = ((b * h + r) * w + q) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              if (v > y[o + ch]) {
                y[o + ch] = v;
                argmax[o + ch] = base + ch;
              }
            }
          }
        }
      }
    }
  }
  return { y, argmax };
}

/** dx = Σ over windows of dy routed to each window's maximum (x has `inSize` entries). */
export function maxPoolScatter(dy: Float32Array, argmax: Int32Array, inSize: number): Float32Array {
  const dx = new Float32Array(inSize);
  for (let o = 0; o < argmax.length; o++) dx[argmax[o]] += dy[o];
  return dx;
}

/** The pooled tensor and what its backward needs. */
export interface PoolResult {
  readonly y: tf.Tensor4D;
  readonly argmax: Int32Array;
  readonly inShape: readonly [number, number, number, number];
}

/** Forward max-pool of x [b, h, w, c] ('same'), keeping the argmax for `maxPoolBackward`. */
export function maxPoolForward(x: tf.Tensor4D, size: number, stride: number): PoolResult {
  const g = poolGeometry(x.shape, size, stride);
  const { y, argmax } = maxPoolArgmax(x.dataSync() as Float32Array, g);
  return {
    y: tf.tensor4d(y, [g.batch, g.oh, g.ow, g.c]),
    argmax,
    inShape: x.shape,
  };
}

/** The error at the pool's input: dy routed to each window's maximum. */
export function maxPoolBackward(dy: tf.Tensor, pool: PoolResult): tf.Tensor4D {
  const n = pool.inShape.reduce((a, b) => a * b, 1);
  const dx = maxPoolScatter(dy.dataSync() as Float32Array, pool.argmax, n);
  return tf.tensor4d(dx, [...pool.inShape]);
}
