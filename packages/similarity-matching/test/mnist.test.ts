import { loadDataset } from "@plasticity/datasets";
import { describe, expect, it } from "vitest";
import { SimilarityMatchingNetwork } from "../src/index.js";
import { useBackend } from "./helpers.js";

/** The official preprocessing: pixels / 255, minus each image's own mean. */
async function mnist(
  split: "train" | "test",
  n: number,
): Promise<{ x: Float32Array; y: Int32Array }> {
  const ds = await loadDataset("mnist", { split, limit: n });
  const x = Float32Array.from(ds.x);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < 784; j++) m += x[i * 784 + j]!;
    for (let j = 0; j < 784; j++) x[i * 784 + j]! -= m / 784;
  }
  return { x, y: ds.y };
}

/** Ridge regression onto one-hot labels (float64 normal equations, Cholesky): test accuracy. */
function ridgeAccuracy(
  tr: Float32Array,
  ytr: Int32Array,
  te: Float32Array,
  yte: Int32Array,
  d: number,
  lambda = 1,
): number {
  const n = ytr.length;
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * 10);
  for (let t = 0; t < n; t++) {
    const row = tr.subarray(t * d, (t + 1) * d);
    for (let i = 0; i < d; i++) {
      const ri = row[i]!;
      if (ri === 0) continue;
      for (let j = 0; j <= i; j++) A[i * d + j]! += ri * row[j]!;
      B[i * 10 + ytr[t]!]! += ri;
    }
  }
  for (let i = 0; i < d; i++) A[i * d + i]! += lambda;
  // Cholesky A = L Lᵀ in place (lower triangle)
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j]!;
    for (let k = 0; k < j; k++) s -= A[j * d + k]! ** 2;
    const ljj = Math.sqrt(s);
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = A[i * d + j]!;
      for (let k = 0; k < j; k++) v -= A[i * d + k]! * A[j * d + k]!;
      A[i * d + j] = v / ljj;
    }
  }
  for (let c = 0; c < 10; c++) {
    for (let i = 0; i < d; i++) {
      let v = B[i * 10 + c]!;
      for (let k = 0; k < i; k++) v -= A[i * d + k]! * B[k * 10 + c]!;
      B[i * 10 + c] = v / A[i * d + i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      let v = B[i * 10 + c]!;
      for (let k = i + 1; k < d; k++) v -= A[k * d + i]! * B[k * 10 + c]!;
      B[i * 10 + c] = v / A[i * d + i]!;
    }
  }
  let right = 0;
  for (let t = 0; t < yte.length; t++) {
    let best = -1;
    let arg = 0;
    for (let c = 0; c < 10; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += te[t * d + i]! * B[i * 10 + c]!;
      if (s > best || c === 0) [best, arg] = [s, c];
    }
    if (arg === yte[t]) right++;
  }
  return right / yte.length;
}

describe("real MNIST (wasm)", () => {
  useBackend("wasm");

  it("a structured layer (NpS 4, radius 4, stride 2) trained on MNIST beats its random initialisation under a linear probe", async () => {
    const train = await mnist("train", 2000);
    const test = await mnist("test", 500);
    // 99 Euler steps: what the official code runs in practice (it keeps the tests short)
    const net = new SimilarityMatchingNetwork({
      config: { dynamics: { mode: "fixed", steps: 99 } },
      inputShape: [28, 28, 1],
      seed: 0,
    });
    const probe = async () => {
      const a = await net.fixedPoints(train.x.subarray(0, 1000 * 784), 1000);
      const b = await net.fixedPoints(test.x, 500);
      return ridgeAccuracy(a.r[0]!, train.y.subarray(0, 1000), b.r[0]!, test.y, net.outputUnits);
    };
    const atInit = await probe();
    await net.learn(train.x.subarray(0, 1000 * 784), 1000, 1);
    await net.learn(train.x.subarray(1000 * 784), 1000, 1 / 1.5);
    const trained = await probe();
    expect(trained).toBeGreaterThan(atInit + 0.02);
    await net.dispose();
  }, 120_000);
});
