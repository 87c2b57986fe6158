import { Rng } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import {
  accuracy,
  confusionMatrix,
  featureStats,
  fitRidge,
  fitSoftmax,
  gramMatrix,
  readoutPredict,
  ridgeProbe,
  softmaxProbe,
  standardize,
} from "../src/index.js";

/** k Gaussian blobs in d dimensions, some features sparse (zero) like ReLU outputs. */
function blobs(n: number, d: number, k: number, seed: number, spread = 0.5) {
  const rng = Rng.seeded(seed);
  const centers = Array.from({ length: k }, () => rng.fillNormal(new Float32Array(d), 0, 2));
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = Math.max(0, centers[c]![j]! + rng.normal(0, spread));
  }
  return { x, y, n };
}

describe("gramMatrix", () => {
  it("equals XᵀX computed naively", () => {
    const { x } = blobs(37, 6, 3, 1);
    const G = gramMatrix(x, 37, 6);
    for (let a = 0; a < 6; a++) {
      for (let b = 0; b < 6; b++) {
        let s = 0;
        for (let i = 0; i < 37; i++) s += x[i * 6 + a]! * x[i * 6 + b]!;
        expect(G[a * 6 + b]).toBeCloseTo(s, 9);
      }
    }
  });
});

describe("ridge probe", () => {
  it("solves the regularised normal equations (ZᵀZ/n + λI) W = ZᵀY/n", () => {
    const n = 200;
    const d = 5;
    const k = 3;
    const lambda = 0.1;
    const { x, y } = blobs(n, d, k, 2, 2);
    const r = fitRidge(x, y, n, d, k, lambda);
    const z = standardize(x, n, d, featureStats(x, n, d));
    for (let a = 0; a < d; a++) {
      for (let c = 0; c < k; c++) {
        let lhs = lambda * r.W[a * k + c]!;
        for (let b = 0; b < d; b++) {
          let zz = 0;
          for (let i = 0; i < n; i++) zz += z[i * d + a]! * z[i * d + b]!;
          lhs += (zz / n) * r.W[b * k + c]!;
        }
        let rhs = 0;
        for (let i = 0; i < n; i++) rhs += (z[i * d + a]! * (y[i] === c ? 1 : 0)) / n;
        expect(lhs).toBeCloseTo(rhs, 4);
      }
    }
  });

  it("separates separable classes and reports a consistent confusion matrix", () => {
    const train = blobs(300, 20, 4, 3);
    const test = blobs(200, 20, 4, 3);
    const res = ridgeProbe(train, test, 20, 4, 1e-2);
    expect(res.testAccuracy).toBeGreaterThan(0.95);
    const total = res.confusion.flat().reduce((a, b) => a + b, 0);
    const diag = res.confusion.reduce((a, row, i) => a + row[i]!, 0);
    expect(total).toBe(200);
    expect(diag / total).toBeCloseTo(res.testAccuracy, 12);
  });

  it("does no better than chance on labels independent of the features", () => {
    const { x, n } = blobs(400, 10, 4, 4);
    const rng = Rng.seeded(9);
    const y = new Int32Array(n).map(() => rng.int(4));
    const yTest = new Int32Array(n).map(() => rng.int(4));
    const res = ridgeProbe({ x, y, n }, { x, y: yTest, n }, 10, 4, 1e-2);
    expect(res.testAccuracy).toBeLessThan(0.4);
  });

  it("refuses a non-positive lambda and labels out of range", () => {
    const { x, y } = blobs(20, 3, 2, 5);
    expect(() => fitRidge(x, y, 20, 3, 2, 0)).toThrow(/lambda/);
    expect(() => fitRidge(x, y, 20, 3, 1, 0.1)).toThrow(/labels\[\d+\]/);
  });
});

describe("softmax probe", () => {
  it("learns separable classes, deterministically for a seed", () => {
    const train = blobs(300, 20, 4, 6);
    const test = blobs(200, 20, 4, 6);
    const opts = { epochs: 5, lr: 0.1, batchSize: 32, weightDecay: 1e-4, seed: 1 };
    const a = softmaxProbe(train, test, 20, 4, opts);
    const b = softmaxProbe(train, test, 20, 4, opts);
    expect(a.testAccuracy).toBeGreaterThan(0.95);
    expect(a).toEqual(b);
    const r1 = fitSoftmax(train.x, train.y, 300, 20, 4, opts);
    const r2 = fitSoftmax(train.x, train.y, 300, 20, 4, { ...opts, seed: 2 });
    expect(r1.W).not.toEqual(r2.W);
  });

  it("names a diverging learning rate", () => {
    const { x, y } = blobs(100, 5, 2, 7);
    expect(() =>
      fitSoftmax(x, y, 100, 5, 2, {
        epochs: 3,
        lr: Number.MAX_VALUE,
        batchSize: 10,
        weightDecay: 0,
        seed: 0,
      }),
    ).toThrow(/lr/);
  });
});

describe("accuracy and confusion", () => {
  it("count predictions", () => {
    const pred = Int32Array.from([0, 1, 1, 2]);
    const y = Int32Array.from([0, 1, 2, 2]);
    expect(accuracy(pred, y)).toBe(0.75);
    expect(confusionMatrix(pred, y, 3)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 1],
    ]);
  });

  it("predict with a readout", () => {
    const train = blobs(100, 4, 2, 8);
    const r = fitRidge(train.x, train.y, 100, 4, 2, 1e-3);
    expect(readoutPredict(r, train.x, 100)).toHaveLength(100);
  });
});
