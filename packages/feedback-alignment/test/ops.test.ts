import { samePadding1d, tf } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import { ConvOp, DenseOp, UntiedOp } from "../src/index.js";
import { BACKENDS, normal, Rng, relErr, useBackend, values } from "./helpers.js";

/**
 * Typed-array reference of a 'same', stride-1 convolution's two gradients: for
 * h[b, y, x, co] = Σ W[i, j, ci, co] x[b, y + i − top, x + j − left, ci],
 * dX = Σ F[i, j, ci, co] δ[b, y, x, co] scattered back, dW = Σ δ ⊗ x.
 */
function convGradsRef(
  x: Float32Array,
  F: Float32Array,
  d: Float32Array,
  [b, h, w, cin]: number[],
  [kh, kw, , cout]: number[],
): { dx: Float32Array; dw: Float32Array } {
  const top = samePadding1d(h, kh, 1)[0];
  const left = samePadding1d(w, kw, 1)[0];
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(F.length);
  for (let n = 0; n < b; n++)
    for (let y = 0; y < h; y++)
      for (let q = 0; q < w; q++)
        for (let co = 0; co < cout; co++) {
          const dv = d[((n * h + y) * w + q) * cout + co];
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const [r, c] = [y + i - top, q + j - left];
              if (r < 0 || r >= h || c < 0 || c >= w) continue;
              for (let ci = 0; ci < cin; ci++) {
                const xi = ((n * h + r) * w + c) * cin + ci;
                const wi = ((i * kw + j) * cin + ci) * cout + co;
                dx[xi] += F[wi] * dv;
                dw[wi] += x[xi] * dv;
              }
            }
        }
  return { dx, dw };
}

describe.each(BACKENDS)("weight ops on %s", (backend) => {
  useBackend(backend);

  it.each([
    [3, 3],
    [2, 2],
    [5, 5],
    [2, 3],
  ])(
    "conv %i×%i: the transposed conv through F and the filter gradient equal the typed-array reference and tf.grad",
    (kh, kw) => {
      const rng = Rng.seeded(kh * 10 + kw);
      const shape = [3, 7, 6, 4];
      const op = new ConvOp(shape.slice(1), 5, [kh, kw]);
      const x = normal(rng, 3 * 7 * 6 * 4);
      const W = normal(rng, kh * kw * 4 * 5);
      const F = normal(rng, kh * kw * 4 * 5);
      const d = normal(rng, 3 * 7 * 6 * 5);
      const [xt, Wt, Ft, dt] = [
        tf.tensor(x, shape),
        tf.tensor(W, [...op.shape]),
        tf.tensor(F, [...op.shape]),
        tf.tensor(d, [3, 7, 6, 5]),
      ];
      const ref = convGradsRef(x, F, d, shape, [...op.shape]);
      expect(relErr(values(op.inputGrad(dt, Ft)), ref.dx)).toBeLessThan(1e-5);
      expect(relErr(values(op.weightGrad(xt, dt)), ref.dw)).toBeLessThan(1e-5);
      // and tf.grad of the forward conv (through W itself)
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(op.forward(a, b), dt)),
      )([xt, Wt]);
      expect(relErr(values(op.inputGrad(dt, Wt)), values(gx!))).toBeLessThan(1e-5);
      expect(relErr(values(op.weightGrad(xt, dt)), values(gw!))).toBeLessThan(1e-5);
      expect(op.glorotLimit).toBeCloseTo(Math.sqrt(6 / (kh * kw * (4 + 5))), 12);
    },
  );

  it("dense and untied ops: both products equal tf.grad of their forward map", () => {
    const rng = Rng.seeded(3);
    const cases = [
      { op: new DenseOp([4, 3, 2], 6), x: [5, 4, 3, 2], out: [5, 6] },
      { op: new UntiedOp([5, 6, 2], 3, [3, 3]), x: [4, 5, 6, 2], out: [4, 5, 6, 3] },
      { op: new UntiedOp([6, 5, 3], 2, [2, 2]), x: [3, 6, 5, 3], out: [3, 6, 5, 2] },
    ];
    for (const { op, x, out } of cases) {
      const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
      const xt = tf.tensor(normal(rng, count(x)), x);
      const Wt = tf.tensor(normal(rng, count(op.shape)), [...op.shape]);
      const Ft = tf.tensor(normal(rng, count(op.shape)), [...op.shape]);
      const dt = tf.tensor(normal(rng, count(out)), out);
      const h = op.forward(xt, Wt);
      expect(h.shape).toEqual(out);
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(op.forward(a, b), dt)),
      )([xt, Wt]);
      expect(relErr(values(op.inputGrad(dt, Wt)), values(gx!))).toBeLessThan(1e-5);
      expect(relErr(values(op.weightGrad(xt, dt)), values(gw!))).toBeLessThan(1e-5);
      // through another matrix: linear in F, so (F1 + F2)ᵀδ = F1ᵀδ + F2ᵀδ
      const sum = values(op.inputGrad(dt, tf.add(Wt, Ft)));
      const parts = values(tf.add(op.inputGrad(dt, Wt), op.inputGrad(dt, Ft)));
      expect(relErr(sum, parts)).toBeLessThan(1e-5);
      op.dispose();
    }
  });

  it("an untied layer whose weights repeat one filter at every position is the tied conv", () => {
    const rng = Rng.seeded(4);
    const conv = new ConvOp([6, 5, 2], 3, [3, 3]);
    const untied = new UntiedOp([6, 5, 2], 3, [3, 3]);
    const filt = normal(rng, 3 * 3 * 2 * 3); // [kh, kw, cin, cout]
    const [P, C, K] = untied.shape;
    const tiled = new Float32Array(P * C * K);
    for (let p = 0; p < P; p++)
      for (let c = 0; c < C; c++)
        for (let k = 0; k < K; k++) tiled[(p * C + c) * K + k] = filt[k * C + c];
    const xt = tf.tensor(normal(rng, 2 * 6 * 5 * 2), [2, 6, 5, 2]);
    const dt = tf.tensor(normal(rng, 2 * 6 * 5 * 3), [2, 6, 5, 3]);
    const Wc = tf.tensor(filt, [...conv.shape]);
    const Wu = tf.tensor(tiled, [...untied.shape]);
    expect(relErr(values(untied.forward(xt, Wu)), values(conv.forward(xt, Wc)))).toBeLessThan(1e-5);
    expect(relErr(values(untied.inputGrad(dt, Wu)), values(conv.inputGrad(dt, Wc)))).toBeLessThan(
      1e-5,
    );
    // the untied gradient summed over positions is the tied one
    const gu = values(tf.sum(untied.weightGrad(xt, dt), 0)); // [C, K]
    const gc = values(conv.weightGrad(xt, dt)); // [K, C]
    const gcT = new Float32Array(C * K);
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) gcT[c * K + k] = gc[k * C + c];
    expect(relErr(gu, gcT)).toBeLessThan(1e-5);
    untied.dispose();
  });
});
