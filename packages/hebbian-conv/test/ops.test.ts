import { Rng } from "@plasticity/core";
import { extractPatches, tf } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import {
  accumulateStats,
  avgPool,
  competeAndPool,
  competeAndPoolWithSums,
  denseConv,
  emptyStats,
  gatherKept,
  keptSynapses,
  type LayerGeometry,
  networkGeometry,
  padImages,
  pruningMask,
  quadrantMeans,
  sparseConv,
  standardizeImages,
  toFilterLayout,
  toFilterLayoutWithSum,
  Winners,
} from "../src/index.js";
import { BACKENDS, naiveConv, relErr, useBackend } from "./helpers.js";

const rng = Rng.seeded(7);
const normal = (n: number) => rng.fillNormal(new Float32Array(n));

/** Miconi's layer 2 at a small size: 6×6×8 input, 3×3 kernel, 12 filters. */
const G: LayerGeometry = networkGeometry([6, 6, 8], {
  layers: [{ channels: 12, kernel: 3, k: 1, lr: 0, prune: 0 }],
  pool: 2,
  inputPadding: 0,
})[0]!;

describe("image ops (typed arrays) against tfjs on the cpu backend", () => {
  useBackend("cpu");

  it("standardizeImages: zero mean, Bessel-corrected unit std per image (torch.std)", () => {
    const n = 3;
    const size = 50;
    const x = normal(n * size).map((v, i) => 3 * v + i / 10);
    const out = standardizeImages(x, n, size, new Float32Array(x.length));
    const t = tf.tensor2d(x, [n, size]);
    const { mean, variance } = tf.moments(t, 1, true);
    const std = tf.sqrt(tf.mul(variance, size / (size - 1)));
    const ref = tf.div(tf.sub(t, mean), tf.add(std, 1e-10)).dataSync();
    expect(relErr(out, ref)).toBeLessThan(1e-6);
    tf.dispose([t, mean, variance, std]);
  });

  it("avgPool equals tf.avgPool(2, 2, 'valid'), odd sizes floored", () => {
    const [n, h, w, c] = [2, 5, 7, 3];
    const x = normal(n * h * w * c);
    const ours = avgPool(x, n, h, w, c, 2);
    const ref = tf.avgPool(tf.tensor4d(x, [n, h, w, c]), 2, 2, "valid").dataSync();
    expect(ours.length).toBe(ref.length);
    expect(relErr(ours, ref)).toBeLessThan(1e-6);
  });

  it("quadrantMeans averages each quarter of the map, feature (2i + j)·c + ch", () => {
    const [n, h, w, c] = [2, 6, 4, 3];
    const x = normal(n * h * w * c);
    const q = quadrantMeans(x, n, h, w, c);
    const t = tf.tensor4d(x, [n, h, w, c]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        const part = tf.mean(tf.slice(t, [0, i * 3, j * 2, 0], [n, 3, 2, c]), [1, 2]).dataSync();
        for (let b = 0; b < n; b++)
          for (let ch = 0; ch < c; ch++)
            expect(q[(b * 4 + 2 * i + j) * c + ch]).toBeCloseTo(part[b * c + ch]!, 6);
      }
    expect(() => quadrantMeans(x, n, 1, 1, c)).toThrow(/no 2×2 quadrants/);
  });

  it("padImages surrounds each image with zeros", () => {
    const x = Float32Array.from({ length: 2 * 2 * 2 }, (_, i) => i + 1);
    const p = padImages(x, 2, 2, 2, 1, 1);
    const ref = tf
      .pad(tf.tensor4d(x, [2, 2, 2, 1]), [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ])
      .dataSync();
    expect(Array.from(p)).toEqual(Array.from(ref));
  });
});

/** The code's k-WTA (torch.topk, then `realy[realy < kth] = 0`, then binarise) with tf ops. */
function competeReference(
  u: Float32Array,
  rows: number,
  c: number,
  theta: Float32Array,
  k: number,
) {
  return tf.tidy(() => {
    const z = tf.sub(tf.tensor2d(u, [rows, c]), tf.tensor1d(theta));
    const kth = tf.slice(tf.topk(z, k).values, [0, k - 1], [rows, 1]);
    const kept = tf.greaterEqual(z, kth);
    const y = tf.cast(tf.logicalAnd(kept, tf.greater(z, 0)), "float32");
    const graded = tf.where(kept, tf.minimum(z, 50), tf.zerosLike(z));
    const tri = tf.relu(tf.sub(z, tf.mean(z, 1, true)));
    return { y: y.dataSync(), graded: graded.dataSync(), tri: tri.dataSync() };
  });
}

describe("competeAndPool: thresholds, k-WTA with the code's ties, triangle/WTA output, pooling", () => {
  useBackend("cpu");
  const [n, oh, ow, c] = [2, 4, 5, 9];
  const rows = n * oh * ow;
  // values on a coarse grid, so ties for the K-th place happen
  const u = Float32Array.from(normal(rows * c), (v) => Math.round(v * 2) / 2);
  const theta = Float32Array.from({ length: c }, (_, i) => (i % 3) * 0.25 - 0.25);
  const pool = (o: Float32Array | Uint8Array | Int32Array) =>
    tf.avgPool(tf.tensor4d(Float32Array.from(o), [n, oh, ow, c]), 2, 2, "valid").dataSync();

  for (const k of [1, 3]) {
    it(`K = ${k}: winners, win counts and pooled outputs match the reference, ties all kept`, () => {
      const ref = competeReference(u, rows, c, theta, k);
      const run = (binarize: boolean, output: "triangle" | "wta") => {
        const winners = new Winners(4);
        const wins = new Float64Array(c);
        const shape = { n, oh, ow, c, pool: 2 };
        const pooled = competeAndPool(u, shape, theta, { k, binarize, output }, winners, wins);
        return { pooled, winners, wins };
      };
      const bin = run(true, "wta");
      const dense = new Float32Array(rows * c);
      for (let i = 0; i < bin.winners.count; i++)
        dense[bin.winners.pos[i]! * c + bin.winners.ch[i]!] = bin.winners.y[i]!;
      expect(Array.from(dense)).toEqual(Array.from(ref.y));
      expect(relErr(bin.pooled, pool(ref.y))).toBeLessThan(1e-6);
      for (let ch = 0; ch < c; ch++) {
        let count = 0;
        for (let r = 0; r < rows; r++) count += ref.y[r * c + ch]!;
        expect(bin.wins[ch]).toBe(count);
      }
      const graded = run(false, "wta");
      const gradedDense = new Float32Array(rows * c);
      for (let i = 0; i < graded.winners.count; i++)
        gradedDense[graded.winners.pos[i]! * c + graded.winners.ch[i]!] = graded.winners.y[i]!;
      expect(relErr(gradedDense, ref.graded)).toBeLessThan(1e-6);
      expect(relErr(run(true, "triangle").pooled, pool(ref.tri))).toBeLessThan(1e-6);
      // some position had more than K winners (a tie), as torch.topk + `<` allows
      const perRow = new Int32Array(rows);
      for (let r = 0; r < rows; r++)
        for (let ch = 0; ch < c; ch++) if (ref.graded[r * c + ch] !== 0) perRow[r]++;
      expect(Math.max(...perRow)).toBeGreaterThan(k);
    });
  }
});

describe("competeAndPoolWithSums: the one-pass K = 1 competition", () => {
  const [n, oh, ow, c] = [2, 6, 6, 9];
  const rows = n * oh * ow;
  const u = Float32Array.from(normal(rows * c), (v) => Math.round(v * 2) / 2);
  const theta = Float32Array.from({ length: c }, (_, i) => (i % 3) * 0.25 - 0.25);
  // u with Σ_c u_c appended to every position, as the augmented conv computes it
  const withSums = new Float32Array(rows * (c + 1));
  for (let p = 0; p < rows; p++) {
    let s = 0;
    for (let ch = 0; ch < c; ch++) {
      withSums[p * (c + 1) + ch] = u[p * c + ch]!;
      s += u[p * c + ch]!;
    }
    withSums[p * (c + 1) + c] = s;
  }
  for (const binarize of [true, false]) {
    for (const output of ["triangle", "wta"] as const) {
      it(`equals the two-pass competition (${binarize ? "binarised" : "graded"}, ${output}), ties included`, () => {
        const shape = { n, oh, ow, c, pool: 2 };
        const a = { w: new Winners(4), wins: new Float64Array(c) };
        const b = { w: new Winners(4), wins: new Float64Array(c) };
        const two = competeAndPool(u, shape, theta, { k: 1, binarize, output }, a.w, a.wins);
        const one = competeAndPoolWithSums(
          withSums,
          shape,
          theta,
          { binarize, output },
          b.w,
          b.wins,
        );
        expect(relErr(one, two)).toBeLessThan(1e-6);
        expect(Array.from(b.wins)).toEqual(Array.from(a.wins));
        const key = (w: Winners) =>
          Array.from({ length: w.count }, (_, i) => `${w.pos[i]}:${w.ch[i]}:${w.y[i]}`).sort();
        expect(key(b.w)).toEqual(key(a.w));
        expect(new Set(Array.from(a.w.pos.subarray(0, a.w.count))).size).toBeLessThan(a.w.count);
      });
    }
  }
});

for (const backend of BACKENDS) {
  describe(`convolutions on ${backend}`, () => {
    useBackend(backend);
    const n = 3;
    const x = normal(n * G.h * G.w * G.cin);
    const mask = pruningMask(Rng.seeded(3), G.cout, G.fanIn, 0.8);
    const W = normal(G.cout * G.fanIn).map((v, i) => v * mask[i]!);
    const ref = naiveConv(x, n, G, W);

    it("denseConv (tf.conv2d) equals the typed-array reference, also with Σ_c w_c appended", () => {
      expect(relErr(denseConv(x, n, G, toFilterLayout(W, G)), ref)).toBeLessThan(1e-5);
      const aug = denseConv(x, n, G, toFilterLayoutWithSum(W, G), G.cout + 1);
      const positions = n * G.oh * G.ow;
      const main = new Float32Array(positions * G.cout);
      const sums = new Float32Array(positions);
      const refSums = new Float32Array(positions);
      for (let p = 0; p < positions; p++) {
        main.set(aug.subarray(p * (G.cout + 1), p * (G.cout + 1) + G.cout), p * G.cout);
        sums[p] = aug[p * (G.cout + 1) + G.cout]!;
        for (let c = 0; c < G.cout; c++) refSums[p] += ref[p * G.cout + c]!;
      }
      expect(relErr(main, ref)).toBeLessThan(1e-5);
      expect(relErr(sums, refSums)).toBeLessThan(1e-5);
    });

    it("sparseConv over the kept synapses equals the dense reference (4 positions at a time and the rest)", () => {
      const kept = keptSynapses(mask, G);
      expect(kept.index.length).toBe(mask.reduce((a, b) => a + b, 0));
      expect(relErr(sparseConv(x, n, G, kept, gatherKept(W, kept, G)), ref)).toBeLessThan(1e-5);
      // 7×7 input: 25 positions per image, so one goes through the one-position path
      const g7 = networkGeometry([7, 7, 8], {
        layers: [{ channels: 12, kernel: 3, k: 1, lr: 0, prune: 0 }],
        pool: 2,
        inputPadding: 0,
      })[0]!;
      const x7 = normal(n * 7 * 7 * 8);
      const kept7 = keptSynapses(mask, g7);
      const u7 = sparseConv(x7, n, g7, kept7, gatherKept(W, kept7, g7));
      const ref7 = naiveConv(x7, n, g7, W);
      expect(relErr(u7, ref7)).toBeLessThan(1e-5);
      // withSum: channel cout holds Σ_c u_c
      const s7 = sparseConv(x7, n, g7, kept7, gatherKept(W, kept7, g7), true);
      const c = g7.cout;
      for (let p = 0; p < n * g7.oh * g7.ow; p++) {
        let sum = 0;
        for (let ch = 0; ch < c; ch++) {
          expect(s7[p * (c + 1) + ch]).toBe(u7[p * c + ch]);
          sum += ref7[p * c + ch]!;
        }
        expect(s7[p * (c + 1) + c]).toBeCloseTo(sum, 4);
      }
    });
  });
}

describe("denseConv: wasm and cpu agree", () => {
  it("on Miconi's layer-1 shape (32×32×3 → 28×28×100)", async () => {
    const g = networkGeometry([32, 32, 3], {
      layers: [{ channels: 100, kernel: 5, k: 1, lr: 0, prune: 0 }],
      pool: 2,
      inputPadding: 0,
    })[0]!;
    const x = normal(4 * 32 * 32 * 3);
    const f = toFilterLayout(normal(100 * 75), g);
    const { initBackend } = await import("@plasticity/tfjs");
    await initBackend({ backend: "cpu" });
    const cpu = denseConv(x, 4, g, f);
    await initBackend({ backend: "wasm" });
    const wasm = denseConv(x, 4, g, f);
    expect(relErr(wasm, cpu)).toBeLessThan(1e-5);
  });
});

describe("accumulateStats: the gather-add over winners equals the dense Σ y ⊗ patch", () => {
  useBackend("cpu");
  it("dense and pruned layers, graded y", () => {
    const n = 2;
    const x = normal(n * G.h * G.w * G.cin);
    const positions = n * G.oh * G.ow;
    const y = new Float32Array(positions * G.cout);
    const winners = new Winners(2);
    for (let p = 0; p < positions; p++) {
      const c = rng.int(G.cout);
      const v = 0.5 + rng.uniform();
      y[p * G.cout + c] = v;
      winners.push(p, c, v);
    }
    // reference: S = yᵀ · patches [cout × fanIn] with tfjs's own im2col
    const S = tf.tidy(() => {
      const patches = tf.reshape(extractPatches(tf.tensor4d(x, [n, G.h, G.w, G.cin]), 3), [
        positions,
        G.fanIn,
      ]);
      return tf.matMul(tf.tensor2d(y, [positions, G.cout]), patches, true, false).dataSync();
    });
    const dense = emptyStats(G, null);
    accumulateStats(dense, x, G, winners, null);
    expect(relErr(dense.S, S)).toBeLessThan(1e-5);
    const mask = pruningMask(Rng.seeded(5), G.cout, G.fanIn, 0.9);
    const kept = keptSynapses(mask, G);
    const sparse = emptyStats(G, kept);
    accumulateStats(sparse, x, G, winners, kept);
    const picked = new Float64Array(kept.index.length);
    for (let c = 0; c < G.cout; c++)
      for (let e = kept.start[c]!; e < kept.start[c + 1]!; e++)
        picked[e] = S[c * G.fanIn + kept.index[e]!]!;
    expect(relErr(sparse.S, picked)).toBeLessThan(1e-5);
    for (let c = 0; c < G.cout; c++) {
      let s = 0;
      let s2 = 0;
      for (let p = 0; p < positions; p++) {
        s += y[p * G.cout + c]!;
        s2 += y[p * G.cout + c]! ** 2;
      }
      expect(dense.ySum[c]).toBeCloseTo(s, 5);
      expect(dense.y2Sum[c]).toBeCloseTo(s2, 5);
    }
  });
});
