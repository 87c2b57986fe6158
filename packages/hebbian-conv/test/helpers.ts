import { loadDataset, standardizePerImage, zca } from "@plasticity/datasets";
import { type BackendName, initBackend, tf } from "@plasticity/tfjs";
import { beforeAll } from "vitest";
import type { LayerGeometry } from "../src/index.js";

/** The backends every numeric test runs on here (tfjs-node is not installed). */
export const BACKENDS = ["cpu", "wasm"] as const satisfies readonly BackendName[];

/** Switch to `backend` before the tests of the enclosing describe block. */
export function useBackend(backend: BackendName): void {
  beforeAll(async () => {
    const info = await initBackend({ backend });
    if (tf.getBackend() !== backend || info.name !== backend)
      throw new Error(`backend ${backend} not active`);
  });
}

/** max |a − b| / max |b|: the error relative to the reference's largest entry. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Naive 'valid' stride-1 conv: x [n, h, w, cin], W [cout × fanIn] ((i, j, ch) order) → [n, oh, ow, cout]. */
export function naiveConv(x: Float32Array, n: number, g: LayerGeometry, W: Float32Array) {
  const u = new Float32Array(n * g.oh * g.ow * g.cout);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++)
        for (let c = 0; c < g.cout; c++) {
          let s = 0;
          for (let i = 0; i < g.kernel; i++)
            for (let j = 0; j < g.kernel; j++)
              for (let ch = 0; ch < g.cin; ch++)
                s +=
                  W[c * g.fanIn + (i * g.kernel + j) * g.cin + ch] *
                  x[((b * g.h + oy + i) * g.w + ox + j) * g.cin + ch];
          u[((b * g.oh + oy) * g.ow + ox) * g.cout + c] = s;
        }
  return u;
}

export interface ImageData {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

const cache = new Map<string, { train: ImageData; test: ImageData }>();

/**
 * The first `nTrain` / `nTest` Fashion-MNIST images (Debian's copy), each standardised, then
 * whitened by a whole-image ZCA fitted on the first ≤ 2000 training images (Miconi's input
 * pipeline at test size). Cached per size.
 */
export async function fashion(nTrain: number, nTest = 0) {
  const key = `${nTrain}/${nTest}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const load = async (split: "train" | "test", limit: number): Promise<ImageData> => {
    const d = standardizePerImage(
      await loadDataset("fashion-mnist", { split, limit, download: false }),
    );
    return { x: d.x, y: d.y, n: d.shape[0] };
  };
  const train = await load("train", nTrain);
  const test =
    nTest > 0 ? await load("test", nTest) : { x: new Float32Array(0), y: new Int32Array(0), n: 0 };
  const model = zca.fit(train.x, Math.min(train.n, 2000), 784, { epsilon: 1e-2 });
  const out = {
    train: { ...train, x: zca.apply(model, train.x, train.n) },
    test: test.n > 0 ? { ...test, x: zca.apply(model, test.x, test.n) } : test,
  };
  cache.set(key, out);
  return out;
}

/**
 * Test accuracy of ridge regression on one-hot labels with an intercept (min ‖XW + b − T‖² +
 * alpha‖W‖², scikit-learn's Ridge), fitted by Cholesky in float64; argmax decides.
 */
export function ridgeAccuracy(
  trainX: Float32Array,
  trainY: Int32Array,
  testX: Float32Array,
  testY: Int32Array,
  d: number,
  alpha = 1,
  classes = 10,
): number {
  const n = trainY.length;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += trainX[i * d + j] / n;
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * classes);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = trainX[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) A[a * d + b] += ra * row[b];
      B[a * classes + trainY[i]] += ra;
    }
  }
  for (let a = 0; a < d; a++) {
    A[a * d + a] += alpha;
    for (let b = 0; b < a; b++) A[a * d + b] = A[b * d + a];
  }
  const W = choleskySolve(A, B, d, classes);
  let correct = 0;
  for (let i = 0; i < testY.length; i++) {
    let best = -1;
    let arg = 0;
    for (let k = 0; k < classes; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (testX[i * d + j] - mean[j]) * W[j * classes + k];
      if (s > best || k === 0) {
        best = s;
        arg = k;
      }
    }
    if (arg === testY[i]) correct++;
  }
  return correct / testY.length;
}

/** Solve A X = B for symmetric positive definite A [d × d], B [d × m] (A is overwritten). */
function choleskySolve(A: Float64Array, B: Float64Array, d: number, m: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s -= A[j * d + k] ** 2;
    const ljj = Math.sqrt(s);
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = t / ljj;
    }
  }
  const X = B.slice();
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < d; i++) {
      let t = X[i * m + c];
      for (let k = 0; k < i; k++) t -= A[i * d + k] * X[k * m + c];
      X[i * m + c] = t / A[i * d + i];
    }
    for (let i = d - 1; i >= 0; i--) {
      let t = X[i * m + c];
      for (let k = i + 1; k < d; k++) t -= A[k * d + i] * X[k * m + c];
      X[i * m + c] = t / A[i * d + i];
    }
  }
  return X;
}

/** max |a_i| (no spread: fine for arrays of any length). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
