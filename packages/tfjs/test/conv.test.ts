import { hebb, instar, kWTA } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import {
  conv2dFilterGrad,
  discLayout,
  discMask,
  extractPatches,
  HebbianConv2d,
  LocallyConnected2d,
  tf,
} from "../src/index.js";
import {
  BACKENDS,
  fieldOf,
  gradOf,
  naivePatches,
  normal,
  Rng,
  relErr,
  useBackend,
} from "./helpers.js";

describe.each(BACKENDS)("conv building blocks on %s", (backend) => {
  useBackend(backend);

  it.each([
    [3, 3, 1, 1],
    [5, 5, 1, 1],
    [3, 2, 2, 1],
    [2, 3, 2, 3],
    [1, 1, 1, 1],
  ])(
    "extractPatches %i×%i stride %i×%i equals naive im2col, and patches·W = conv2d",
    async (kh, kw, sh, sw) => {
      const rng = Rng.seeded(kh * 10 + kw);
      const shape = [2, 9, 8, 3] as const;
      const x = normal(rng, 2 * 9 * 8 * 3);
      const xt = tf.tensor4d(x, [...shape]);
      const p = extractPatches(xt, [kh, kw], [sh, sw]);
      const ref = naivePatches(x, shape, kh, kw, sh, sw);
      expect(p.shape).toEqual([2, ref.oh, ref.ow, kh * kw * 3]);
      expect(Array.from(await p.data())).toEqual(Array.from(ref.patches));
      const w = tf.tensor4d(normal(rng, kh * kw * 3 * 4), [kh, kw, 3, 4]);
      const conv = tf.conv2d(xt, w, [sh, sw], "valid");
      const viaPatches = tf.matMul(
        tf.reshape(p, [-1, kh * kw * 3]),
        tf.reshape(w, [kh * kw * 3, 4]),
      );
      expect(relErr(await viaPatches.data(), await conv.data())).toBeLessThan(1e-5);
      tf.dispose([xt, p, w, conv, viaPatches]);
    },
  );

  it("HebbianConv2d.learn = the core rule on (patch, position) samples", async () => {
    const rng = Rng.seeded(31);
    const [b, h, w, cin, cout, kh] = [2, 8, 7, 3, 5, 3];
    const layer = new HebbianConv2d({
      inChannels: cin,
      outChannels: cout,
      kernelSize: kh,
      stride: 2,
      rule: instar,
      params: { lr: 0.1 },
      activation: { kind: "kwta", k: 1 },
      init: "unit-norm",
      seed: 4,
    });
    const f0 = layer.weights();
    const k = kh * kh * cin;
    // unit-norm init: every filter (a column of the [K × cout] layout) has norm 1
    for (let c = 0; c < cout; c++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += f0[q * cout + c] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
    const x = normal(rng, b * h * w * cin);
    const xt = tf.tensor4d(x, [b, h, w, cin]);
    const { u, y } = layer.learn(xt);
    const { patches, oh, ow } = naivePatches(x, [b, h, w, cin], kh, kh, 2, 2);
    expect(u.shape).toEqual([b, oh, ow, cout]);
    const n = b * oh * ow;
    const wRule = new Float32Array(cout * k);
    for (let q = 0; q < k; q++) for (let c = 0; c < cout; c++) wRule[c * k + q] = f0[q * cout + c];
    const uRef = new Float32Array(n * cout);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < cout; c++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += patches[i * k + q] * wRule[c * k + q];
        uRef[i * cout + c] = s;
      }
    const yRef = kWTA(uRef, n, cout, 1);
    expect(relErr(await u.data(), uRef)).toBeLessThan(1e-5);
    expect(relErr(await y.data(), yRef)).toBeLessThan(1e-5);
    const { dw } = instar.apply(
      { pre: patches, u: uRef, post: yRef, w: wRule, batch: n, nIn: k, nOut: cout },
      { lr: 0.1 },
    );
    const f1 = layer.weights();
    const got = new Float32Array(cout * k);
    for (let q = 0; q < k; q++)
      for (let c = 0; c < cout; c++) got[c * k + q] = f1[q * cout + c] - f0[q * cout + c];
    expect(relErr(got, dw)).toBeLessThan(1e-4);
    tf.dispose([xt, u, y]);
    layer.dispose();
  });

  it("HebbianConv2d keeps memory flat, respects its mask and round-trips its state", () => {
    const rng = Rng.seeded(32);
    const mask = new Float32Array(3 * 3 * 2 * 4).map(() => (rng.uniform() < 0.3 ? 0 : 1));
    const opts = {
      inChannels: 2,
      outChannels: 4,
      kernelSize: 3,
      rule: hebb,
      activation: { kind: "relu" },
      mask,
    } as const;
    const baseline = tf.memory().numTensors;
    const a = new HebbianConv2d({ ...opts, seed: 1 });
    const x = tf.tensor4d(normal(rng, 2 * 6 * 6 * 2), [2, 6, 6, 2]);
    tf.dispose(a.learn(x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) tf.dispose(a.learn(x));
    expect(tf.memory().numTensors).toBe(before);
    expect(a.weights().every((v, i) => mask[i] === 1 || v === 0)).toBe(true);
    const b = new HebbianConv2d({ ...opts, seed: 2 });
    b.setState(structuredClone(a.getState()));
    expect(b.weights()).toEqual(a.weights());
    expect(fieldOf(() => b.learn(tf.zeros([1, 6, 6, 3]) as tf.Tensor4D))).toBe("x");
    expect(fieldOf(() => b.learn(tf.zeros([1, 2, 6, 2]) as tf.Tensor4D))).toBe("x");
    expect(fieldOf(() => new HebbianConv2d({ ...opts, kernelSize: 0, seed: 1 }))).toBe(
      "kernelSize",
    );
    expect(
      fieldOf(() => new HebbianConv2d({ ...opts, activation: { kind: "kwta", k: 9 }, seed: 1 })),
    ).toBe("activation.k");
    tf.dispose(x);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(baseline + 2); // the two zeros inputs above
  });

  it("LocallyConnected2d forward = per-position weights on the padded patches", async () => {
    const rng = Rng.seeded(33);
    const [b, h, w, cin, cout] = [2, 6, 5, 2, 3];
    const layer = new LocallyConnected2d({
      inHeight: h,
      inWidth: w,
      inChannels: cin,
      outChannels: cout,
      kernelSize: [3, 2],
      stride: [2, 1],
      padding: [
        [1, 1],
        [0, 1],
      ],
      seed: 5,
    });
    const [ph, pw] = [h + 2, w + 1];
    expect([layer.outHeight, layer.outWidth]).toEqual([Math.floor((ph - 3) / 2) + 1, pw - 2 + 1]);
    const x = normal(rng, b * h * w * cin);
    // zero-pad by hand, then the naive patches and per-position products
    const xp = new Float32Array(b * ph * pw * cin);
    for (let n = 0; n < b; n++)
      for (let r = 0; r < h; r++)
        for (let c = 0; c < w; c++)
          for (let ch = 0; ch < cin; ch++)
            xp[((n * ph + r + 1) * pw + c) * cin + ch] = x[((n * h + r) * w + c) * cin + ch];
    const { patches, oh, ow } = naivePatches(xp, [b, ph, pw, cin], 3, 2, 2, 1);
    const k = 3 * 2 * cin;
    const P = oh * ow;
    const W = layer.weights();
    const uRef = new Float32Array(b * P * cout);
    for (let n = 0; n < b; n++)
      for (let p = 0; p < P; p++)
        for (let c = 0; c < cout; c++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += W[(p * cout + c) * k + q] * patches[(n * P + p) * k + q];
          uRef[(n * P + p) * cout + c] = s;
        }
    const xt = tf.tensor4d(x, [b, h, w, cin]);
    const u = layer.forward(xt);
    expect(u.shape).toEqual([b, oh, ow, cout]);
    expect(relErr(await u.data(), uRef)).toBeLessThan(1e-5);
    const pt = layer.patches(xt);
    expect(pt.shape).toEqual([P, b, k]);
    tf.dispose([xt, u, pt]);
    layer.dispose();
  });

  it("LocallyConnected2d with the same weights at every position is a convolution", async () => {
    const rng = Rng.seeded(34);
    const layer = new LocallyConnected2d({
      inHeight: 7,
      inWidth: 7,
      inChannels: 2,
      outChannels: 3,
      kernelSize: 3,
      seed: 1,
    });
    const filt = normal(rng, 3 * 3 * 2 * 3); // [kh, kw, cin, cout]
    const k = 18;
    const tiled = new Float32Array(layer.positions * 3 * k);
    for (let p = 0; p < layer.positions; p++)
      for (let c = 0; c < 3; c++)
        for (let q = 0; q < k; q++) tiled[(p * 3 + c) * k + q] = filt[q * 3 + c];
    layer.setWeights(tiled);
    const xt = tf.tensor4d(normal(rng, 2 * 7 * 7 * 2), [2, 7, 7, 2]);
    const u = layer.forward(xt);
    const conv = tf.conv2d(xt, tf.tensor4d(filt, [3, 3, 2, 3]), 1, "valid");
    expect(relErr(await u.data(), await conv.data())).toBeLessThan(1e-5);
    tf.dispose([xt, u, conv]);
    layer.dispose();
  });

  it("LocallyConnected2d keeps masked weights at 0 through setWeights and update", () => {
    const { layout, mask } = discMask({ height: 10, width: 10, channels: 1, stride: 2, radius: 2 });
    const layer = new LocallyConnected2d({
      inHeight: 10,
      inWidth: 10,
      inChannels: 1,
      outChannels: 2,
      kernelSize: layout.kernelSize,
      stride: layout.stride,
      padding: layout.padding,
      mask,
      seed: 3,
    });
    const K = layer.patchSize;
    const on = (i: number) => mask[Math.floor(i / (2 * K)) * K + (i % K)] === 1;
    expect(layer.weights().every((v, i) => on(i) || v === 0)).toBe(true);
    layer.update(tf.ones(layer.W.shape) as tf.Tensor3D);
    expect(layer.weights().every((v, i) => (on(i) ? v !== 0 : v === 0))).toBe(true);
    layer.setWeights(new Float32Array(layer.positions * 2 * K).fill(1));
    expect(layer.weights().every((v, i) => v === (on(i) ? 1 : 0))).toBe(true);
    expect(fieldOf(() => layer.update(tf.ones([1, 2, K]) as tf.Tensor3D))).toBe("dw");
    layer.dispose();
  });

  it("conv2dFilterGrad (im2col) equals tf.grad of conv2d for valid, same and explicit padding", async () => {
    const rng = Rng.seeded(35);
    const x = tf.tensor4d(normal(rng, 2 * 9 * 8 * 3), [2, 9, 8, 3]);
    const filt = tf.tensor4d(normal(rng, 3 * 2 * 3 * 4), [3, 2, 3, 4]);
    const pads = [
      "valid",
      "same",
      [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    ] as const;
    for (const pad of pads) {
      for (const stride of [1, 2] as const) {
        const out = tf.conv2d(x, filt, stride, pad as "valid");
        const dy = tf.tensor4d(
          normal(rng, out.size),
          out.shape as [number, number, number, number],
        );
        const viaGrad = gradOf(
          (w: tf.Tensor4D) => tf.sum(tf.mul(dy, tf.conv2d(x, w, stride, pad as "valid"))),
          filt,
        );
        const direct = conv2dFilterGrad(x, dy, [3, 2, 3, 4], stride, pad as "valid");
        // the reference by loops: Σ over samples and positions of patch ⊗ dy, on the padded input
        const info = tf.backend_util.computeConv2DInfo(
          [2, 9, 8, 3],
          [3, 2, 3, 4],
          stride,
          1,
          pad as "valid",
        );
        const { top, bottom, left, right } = info.padInfo;
        const [ph, pw] = [9 + top + bottom, 8 + left + right];
        const xv = await x.data();
        const xp = new Float32Array(2 * ph * pw * 3);
        for (let n = 0; n < 2; n++)
          for (let r = 0; r < 9; r++)
            for (let c = 0; c < 8; c++)
              for (let ch = 0; ch < 3; ch++)
                xp[((n * ph + r + top) * pw + c + left) * 3 + ch] =
                  xv[((n * 9 + r) * 8 + c) * 3 + ch];
        const { patches } = naivePatches(xp, [2, ph, pw, 3], 3, 2, stride, stride);
        const [, oh, ow] = out.shape;
        const dyv = await dy.data();
        const ref = new Float32Array(18 * 4);
        for (let n = 0; n < 2; n++)
          for (let r = 0; r < oh; r++)
            for (let c = 0; c < ow; c++) {
              // 'same' may leave unused rows/columns in the padded input: index patches by its own grid
              const pOw = Math.floor((pw - 2) / stride) + 1;
              const pOh = Math.floor((ph - 3) / stride) + 1;
              const pi = (n * pOh + r) * pOw + c;
              const di = ((n * oh + r) * ow + c) * 4;
              for (let q = 0; q < 18; q++)
                for (let o = 0; o < 4; o++) ref[q * 4 + o] += patches[pi * 18 + q] * dyv[di + o];
            }
        expect(relErr(await direct.data(), ref)).toBeLessThan(1e-5);
        expect(relErr(await viaGrad.data(), ref)).toBeLessThan(1e-5);
        tf.dispose([out, dy, viaGrad, direct]);
      }
    }
    tf.dispose([x, filt]);
  });
});

describe("disc receptive fields (Obeid et al. 2019, PAPERS.md §1.4)", () => {
  it("28×28, stride 2, radius 4: 14×14 sites, 8×8 windows, 52 inputs per interior site", () => {
    const layout = discLayout({ height: 28, width: 28, stride: 2, radius: 4 });
    expect(layout).toEqual({
      kernelSize: [8, 8],
      stride: [2, 2],
      padding: [
        [3, 3],
        [3, 3],
      ],
      outHeight: 14,
      outWidth: 14,
    });
    const { mask } = discMask({ height: 28, width: 28, channels: 1, stride: 2, radius: 4 });
    const count = (i: number, j: number) =>
      mask.subarray((i * 14 + j) * 64, (i * 14 + j + 1) * 64).reduce((a, b) => a + b, 0);
    expect(count(7, 7)).toBe(52);
    expect(count(3, 10)).toBe(52);
    expect(count(0, 0)).toBeLessThan(52); // fewer at the borders, no padding pixels
    expect(count(0, 0)).toBe(
      // pixels (r, c) ≥ 0 with (r + .5 − 1)² + (c + .5 − 1)² ≤ 16
      Array.from({ length: 64 }, (_, t) => [Math.floor(t / 8), t % 8]).filter(
        ([r, c]) => (r - 0.5) ** 2 + (c - 0.5) ** 2 <= 16,
      ).length,
    );
    // channels repeat the same pattern
    const two = discMask({ height: 28, width: 28, channels: 2, stride: 2, radius: 4 }).mask;
    expect(two.reduce((a, b) => a + b, 0)).toBe(2 * mask.reduce((a, b) => a + b, 0));
  });

  it("layout and LocallyConnected2d agree on the number of sites", () => {
    for (const [size, stride, radius] of [
      [28, 2, 4],
      [28, 1, 2],
      [10, 3, 2.5],
      [9, 2, 1],
    ] as const) {
      const { layout, mask } = discMask({ height: size, width: size, channels: 1, stride, radius });
      const lc = new LocallyConnected2d({
        inHeight: size,
        inWidth: size,
        inChannels: 1,
        outChannels: 1,
        kernelSize: layout.kernelSize,
        stride: layout.stride,
        padding: layout.padding,
        mask,
        seed: 1,
      });
      expect([lc.outHeight, lc.outWidth]).toEqual([layout.outHeight, layout.outWidth]);
      lc.dispose();
    }
    expect(fieldOf(() => discLayout({ height: 28, width: 28, stride: 0, radius: 4 }))).toBe(
      "stride",
    );
    expect(fieldOf(() => discLayout({ height: 28, width: 28, stride: 2, radius: -1 }))).toBe(
      "radius",
    );
  });
});
