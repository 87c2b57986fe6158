import { Rng } from "@plasticity/core";
import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { fitRidge } from "../src/eval/ridge.js";
import { fitLinearSvm, svmProbe } from "../src/eval/svm.js";

/** n points in d dims from k Gaussian blobs; labels 0..k−1. */
function blobs(n: number, d: number, k: number, spread: number, seed: number) {
  const rng = Rng.seeded(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()));
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[y[i]!]![j]! + spread * rng.normal();
  }
  return { x, y };
}

/**
 * The primal of one binary problem, minimised independently by gradient descent:
 * f(w̃) = ½‖w̃‖² + C Σ max(0, 1 − y_i w̃ᵀx̃_i)², x̃ = [x, 1]; smooth and strongly convex.
 */
function primalGd(x: Float32Array, s: number[], n: number, d: number, C: number): number[] {
  let lmax = 0;
  for (let i = 0; i < n; i++) {
    let q = 1;
    for (let j = 0; j < d; j++) q += x[i * d + j]! ** 2;
    lmax += q;
  }
  const step = 1 / (1 + 2 * C * lmax);
  const w = new Array(d + 1).fill(0);
  for (let it = 0; it < 40000; it++) {
    const g = w.slice();
    for (let i = 0; i < n; i++) {
      let m = w[d];
      for (let j = 0; j < d; j++) m += w[j] * x[i * d + j]!;
      const slack = 1 - s[i]! * m;
      if (slack <= 0) continue;
      const c = -2 * C * slack * s[i]!;
      for (let j = 0; j < d; j++) g[j] += c * x[i * d + j]!;
      g[d] += c;
    }
    for (let j = 0; j <= d; j++) w[j] -= step * g[j];
  }
  return w;
}

describe("linear SVM probe (liblinear's dual coordinate descent)", () => {
  it.each([
    ["dense", false],
    ["sparse (CSR)", true],
  ])(
    "each one-vs-rest problem reaches the primal minimiser found independently: %s rows",
    (_, sparse) => {
      const n = 90;
      const d = 4;
      const k = 3;
      const { x, y } = blobs(n, d, k, 1.2, 3); // overlapping: many margin violations
      if (sparse) for (let i = 0; i < x.length; i++) x[i] = Math.max(0, x[i]! - 0.5); // ReLU: > half zeros
      const C = 0.5;
      const fit = fitLinearSvm(x, y, n, d, k, { C, tol: 1e-9, maxIter: 20000, seed: 1 });
      expect(fit.converged).toEqual([true, true, true]);
      for (let c = 0; c < k; c++) {
        const s = Array.from(y, (l) => (l === c ? 1 : -1));
        const ref = primalGd(x, s, n, d, C);
        const ours = [...Array.from({ length: d }, (_, j) => fit.W[j * k + c]!), fit.b[c]!];
        for (let j = 0; j <= d; j++) expect(ours[j]).toBeCloseTo(ref[j]!, 4);
      }
    },
  );

  it("separates separable data perfectly and scores held-out blobs", () => {
    const tr = blobs(300, 20, 5, 0.3, 7);
    const te = blobs(200, 20, 5, 0.3, 7);
    const r = svmProbe({ x: tr.x, y: tr.y, n: 300 }, { x: te.x, y: te.y, n: 200 }, 20, 5, {
      C: 1,
      tol: 1e-4,
      maxIter: 1000,
      seed: 0,
    });
    expect(r.probe).toBe("svm");
    expect(r.trainAccuracy).toBe(1);
    expect(r.testAccuracy).toBeGreaterThan(0.95);
  });

  it("is deterministic for a seed, and a loose tolerance stops early", () => {
    const { x, y } = blobs(200, 10, 4, 1.5, 11);
    const opts = { C: 1, tol: 1e-3, maxIter: 500, seed: 5 };
    const a = fitLinearSvm(x, y, 200, 10, 4, opts);
    const b = fitLinearSvm(x, y, 200, 10, 4, opts);
    expect(Array.from(a.W)).toEqual(Array.from(b.W));
    const loose = fitLinearSvm(x, y, 200, 10, 4, { ...opts, tol: 1 });
    expect(Math.max(...loose.iterations)).toBeLessThan(Math.max(...a.iterations));
  });

  it("refuses bad options, naming them", () => {
    const { x, y } = blobs(10, 2, 2, 1, 1);
    expect(() => fitLinearSvm(x, y, 10, 2, 2, { C: 0, tol: 1e-3, maxIter: 10, seed: 0 })).toThrow(
      /C:/,
    );
    expect(() => fitLinearSvm(x, y, 10, 2, 2, { C: 1, tol: 1e-3, maxIter: 0, seed: 0 })).toThrow(
      /maxIter/,
    );
  });
});

describe("ridge probe, scikit-learn's convention", () => {
  it("standardize: false with λ = α/n is Ridge(alpha) with an intercept on the raw features", () => {
    const n = 80;
    const d = 6;
    const k = 3;
    const { x, y } = blobs(n, d, k, 2, 4);
    for (let i = 0; i < n * d; i++) x[i] = x[i]! * (1 + (i % d)); // features on different scales
    const alpha = 3;
    const fit = fitRidge(x, y, n, d, k, alpha / n, { standardize: false });
    // independent: centre X and one-hot Y, solve (XcᵀXc + αI) W = XcᵀYc
    const X = new Matrix(n, d);
    const Y = new Matrix(n, k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) X.set(i, j, x[i * d + j]!);
      Y.set(i, y[i]!, 1);
    }
    const Xc = X.clone().subRowVector(X.mean("column"));
    const Yc = Y.clone().subRowVector(Y.mean("column"));
    const A = Xc.transpose().mmul(Xc).add(Matrix.eye(d).mul(alpha));
    const W = solve(A, Xc.transpose().mmul(Yc));
    for (let j = 0; j < d; j++) {
      expect(fit.stats.std[j]).toBe(1);
      for (let c = 0; c < k; c++) expect(fit.W[j * k + c]).toBeCloseTo(W.get(j, c), 8);
    }
  });
});
