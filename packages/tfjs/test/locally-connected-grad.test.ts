import { describe, expect, it } from "vitest";
import { LocallyConnected2d, type Padding2d, samePadding1d, tf } from "../src/index.js";
import { BACKENDS, fieldOf, naivePatches, normal, Rng, relErr, useBackend } from "./helpers.js";

interface Geometry {
  readonly b: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number;
  readonly k: readonly [number, number];
  readonly s: readonly [number, number];
  readonly pad: Padding2d;
}

/** x zero-padded by hand: [b, h + pt + pb, w + pl + pr, c]. */
function padRef(x: Float32Array, g: Geometry): { xp: Float32Array; ph: number; pw: number } {
  const [[pt, pb], [pl, pr]] = g.pad;
  const ph = g.h + pt + pb;
  const pw = g.w + pl + pr;
  const xp = new Float32Array(g.b * ph * pw * g.cin);
  for (let n = 0; n < g.b; n++)
    for (let r = 0; r < g.h; r++)
      for (let c = 0; c < g.w; c++)
        for (let ch = 0; ch < g.cin; ch++)
          xp[((n * ph + r + pt) * pw + c + pl) * g.cin + ch] =
            x[((n * g.h + r) * g.w + c) * g.cin + ch];
  return { xp, ph, pw };
}

/**
 * Typed-array reference of both gradients of u[b, p, c] = Σ_k W[p, c, k] patch[b, p, k]:
 * dX by scattering dy · W back through each window, dW = Σ_b dy ⊗ patch.
 */
function referenceGrads(
  x: Float32Array,
  W: Float32Array,
  dy: Float32Array,
  g: Geometry,
): { dx: Float32Array; dw: Float32Array } {
  const { xp, ph, pw } = padRef(x, g);
  const [kh, kw] = g.k;
  const [sh, sw] = g.s;
  const { patches, oh, ow } = naivePatches(xp, [g.b, ph, pw, g.cin], kh, kw, sh, sw);
  const P = oh * ow;
  const K = kh * kw * g.cin;
  const dw = new Float32Array(P * g.cout * K);
  const dxp = new Float32Array(xp.length);
  for (let n = 0; n < g.b; n++)
    for (let p = 0; p < P; p++) {
      const [r, q] = [Math.floor(p / ow), p % ow];
      for (let c = 0; c < g.cout; c++) {
        const d = dy[(n * P + p) * g.cout + c];
        for (let kk = 0; kk < K; kk++) {
          dw[(p * g.cout + c) * K + kk] += d * patches[(n * P + p) * K + kk];
          const [i, j, ch] = [
            Math.floor(kk / (kw * g.cin)),
            Math.floor(kk / g.cin) % kw,
            kk % g.cin,
          ];
          dxp[((n * ph + r * sh + i) * pw + q * sw + j) * g.cin + ch] +=
            d * W[(p * g.cout + c) * K + kk];
        }
      }
    }
  const [[pt], [pl]] = g.pad;
  const dx = new Float32Array(x.length);
  for (let n = 0; n < g.b; n++)
    for (let r = 0; r < g.h; r++)
      for (let c = 0; c < g.w; c++)
        for (let ch = 0; ch < g.cin; ch++)
          dx[((n * g.h + r) * g.w + c) * g.cin + ch] =
            dxp[((n * ph + r + pt) * pw + c + pl) * g.cin + ch];
  return { dx, dw };
}

const CASES: readonly [string, Geometry][] = [
  [
    "3×3 same",
    {
      b: 2,
      h: 6,
      w: 5,
      cin: 2,
      cout: 3,
      k: [3, 3],
      s: [1, 1],
      pad: [
        [1, 1],
        [1, 1],
      ],
    },
  ],
  [
    "2×2 same (extra row at the bottom)",
    {
      b: 2,
      h: 5,
      w: 4,
      cin: 3,
      cout: 2,
      k: [2, 2],
      s: [1, 1],
      pad: [
        [0, 1],
        [0, 1],
      ],
    },
  ],
  [
    "3×2 stride 2×1 padded",
    {
      b: 3,
      h: 7,
      w: 5,
      cin: 2,
      cout: 2,
      k: [3, 2],
      s: [2, 1],
      pad: [
        [1, 1],
        [0, 1],
      ],
    },
  ],
  [
    "5×5 valid",
    {
      b: 2,
      h: 7,
      w: 6,
      cin: 1,
      cout: 4,
      k: [5, 5],
      s: [1, 1],
      pad: [
        [0, 0],
        [0, 0],
      ],
    },
  ],
];

describe.each(BACKENDS)("LocallyConnected2d gradients on %s", (backend) => {
  useBackend(backend);

  it.each(CASES)(
    "%s: inputGrad and weightGrad equal the typed-array reference and tf.grad",
    async (_, g) => {
      const rng = Rng.seeded(71);
      const layer = new LocallyConnected2d({
        inHeight: g.h,
        inWidth: g.w,
        inChannels: g.cin,
        outChannels: g.cout,
        kernelSize: g.k,
        stride: g.s,
        padding: g.pad,
        seed: 9,
      });
      const x = normal(rng, g.b * g.h * g.w * g.cin);
      const dy = normal(rng, g.b * layer.positions * g.cout);
      const R = normal(rng, layer.positions * g.cout * layer.patchSize);
      const xt = tf.tensor4d(x, [g.b, g.h, g.w, g.cin]);
      const dyt = tf.tensor4d(dy, [g.b, layer.outHeight, layer.outWidth, g.cout]);
      const Rt = tf.tensor3d(R, layer.W.shape);
      // feedback through another matrix of the same shape (R), and through W itself
      const ref = referenceGrads(x, R, dy, g);
      const dx = layer.inputGrad(dyt, Rt);
      expect(dx.shape).toEqual([g.b, g.h, g.w, g.cin]);
      expect(relErr(await dx.data(), ref.dx)).toBeLessThan(1e-5);
      const dw = layer.weightGrad(xt, dyt);
      expect(relErr(await dw.data(), ref.dw)).toBeLessThan(1e-5);
      const dxW = layer.inputGrad(dyt);
      tf.dispose([xt, dyt, Rt, dx]);
      // tf.grad of the forward map (by x for dx, by W for dW) agrees; tfjs has no gradient for the
      // strided slices of a strided layer's patches, so those are checked against the reference only
      if (g.s[0] > 1 || g.s[1] > 1) {
        tf.dispose([dw, dxW]);
        layer.dispose();
        return;
      }
      const xt2 = tf.tensor4d(x, [g.b, g.h, g.w, g.cin]);
      const dyt2 = tf.tensor4d(dy, [g.b, layer.outHeight, layer.outWidth, g.cout]);
      const [gx, gw] = tf.grads((xv: tf.Tensor, wv: tf.Tensor) =>
        tf.sum(tf.mul(layer.forward(xv as tf.Tensor4D, wv as tf.Tensor3D), dyt2)),
      )([xt2, layer.W]);
      expect(relErr(await dxW.data(), await gx!.data())).toBeLessThan(1e-5);
      expect(relErr(await dw.data(), await gw!.data())).toBeLessThan(1e-5);
      tf.dispose([xt2, dyt2, dw, gx!, gw!, dxW]);
      layer.dispose();
    },
  );

  it('"same" padding is TensorFlow\'s: ⌈size/stride⌉ positions, the odd pad row last', () => {
    expect(samePadding1d(28, 3, 1)).toEqual([1, 1]);
    expect(samePadding1d(8, 2, 1)).toEqual([0, 1]);
    expect(samePadding1d(28, 3, 3)).toEqual([1, 1]);
    expect(samePadding1d(32, 3, 2)).toEqual([0, 1]);
    const layer = new LocallyConnected2d({
      inHeight: 8,
      inWidth: 7,
      inChannels: 1,
      outChannels: 2,
      kernelSize: 2,
      padding: "same",
      seed: 1,
    });
    expect([layer.outHeight, layer.outWidth]).toEqual([8, 7]);
    expect(layer.padding).toEqual([
      [0, 1],
      [0, 1],
    ]);
    layer.dispose();
  });

  it("refuses feedback weights and errors of the wrong shape, naming the field", () => {
    const layer = new LocallyConnected2d({
      inHeight: 5,
      inWidth: 5,
      inChannels: 1,
      outChannels: 2,
      kernelSize: 3,
      padding: "same",
      seed: 1,
    });
    const dy = tf.zeros([1, 5, 5, 2]) as tf.Tensor4D;
    expect(fieldOf(() => layer.inputGrad(dy, tf.zeros([25, 2, 8]) as tf.Tensor3D))).toBe("w");
    expect(fieldOf(() => layer.inputGrad(tf.zeros([1, 4, 5, 2]) as tf.Tensor4D))).toBe("dy");
    expect(fieldOf(() => layer.weightGrad(tf.zeros([2, 5, 5, 1]) as tf.Tensor4D, dy))).toBe("dy");
    layer.dispose();
  });
});
