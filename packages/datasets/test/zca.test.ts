import { Rng } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { extractPatches, type ImageSet, zca } from "../src/index.js";

/** Spatially correlated 16×16 images: white noise blurred by a 3×3 box, plus a little white noise. */
function smoothImages(n: number, seed: number): ImageSet {
  const rng = Rng.seeded(seed);
  const S = 16;
  const x = new Float32Array(n * S * S);
  const noise = new Float32Array((S + 2) * (S + 2));
  for (let i = 0; i < n; i++) {
    rng.fillNormal(noise);
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++) {
        let s = 0;
        for (let dr = 0; dr < 3; dr++)
          for (let dc = 0; dc < 3; dc++) s += noise[(r + dr) * (S + 2) + c + dc];
        x[(i * S + r) * S + c] = s / 9 + 0.05 * rng.normal() + 0.5;
      }
    }
  }
  return { x, shape: [n, S, S, 1] };
}

/** Sample covariance (1/n) Σ (x − x̄)(x − x̄)ᵀ in float64, the plain way. */
function cov(x: Float32Array, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) m[a] += x[i * d + a] / n;
  const C = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = x[i * d + a] - m[a];
      for (let b = 0; b < d; b++) C[a * d + b] += (va * (x[i * d + b] - m[b])) / n;
    }
  }
  return C;
}

describe("ZCA whitening of 8×8 patches", () => {
  const patches = extractPatches(smoothImages(400, 1), { size: 8, count: 6000, seed: 2 });
  const n = patches.shape[0];
  const d = 64;

  it("gives covariance ≈ I when ε is far below the smallest variance", () => {
    const model = zca.fit(patches.x, n, d, { epsilon: 1e-6 });
    const lamMin = model.eigenvalues[d - 1];
    expect(lamMin).toBeGreaterThan(1e-3); // the added white noise keeps C well conditioned
    const Cw = cov(zca.apply(model, patches.x, n), n, d);
    let worst = 0;
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        worst = Math.max(worst, Math.abs(Cw[a * d + b] - (a === b ? 1 : 0)));
    // deviation from I is bounded by ε/(λ_min + ε) plus float32 round-off
    expect(worst).toBeLessThan(1e-6 / (lamMin + 1e-6) + 2e-3);
  });

  it("shrinks each direction by λ/(λ + ε): whitened covariance = E diag(λ/(λ+ε)) Eᵀ", () => {
    const model0 = zca.fit(patches.x, n, d, { epsilon: 0 });
    const lam = model0.eigenvalues;
    const eps = lam[Math.floor(d / 2)]; // a large ε, to see its effect
    const model = zca.fit(patches.x, n, d, { epsilon: eps });
    const white = zca.apply(model, patches.x, n);
    const Cw = cov(white, n, d);
    // trace(Cw) = Σ λ/(λ+ε) and the eigen-spectrum of Cw is λ/(λ+ε)
    let trace = 0;
    for (let a = 0; a < d; a++) trace += Cw[a * d + a];
    const expected = lam.reduce((s, l) => s + l / (l + eps), 0);
    expect(trace).toBeCloseTo(expected, 2);
    expect(trace).toBeLessThan(d * 0.8);
    const modelW = zca.fit(white, n, d, { epsilon: 0 });
    const want = Array.from(lam, (l) => l / (l + eps)).sort((a, b) => b - a);
    for (let k = 0; k < d; k++) expect(modelW.eigenvalues[k]).toBeCloseTo(want[k], 3);
  });

  it("W is symmetric, the whitened mean is 0, and the image-set forms keep the shape", () => {
    const model = zca.fitSet(patches, { epsilon: 1e-3 });
    for (let a = 0; a < d; a++)
      for (let b = 0; b < a; b++) expect(model.W[a * d + b]).toBe(model.W[b * d + a]);
    const out = zca.applySet(model, patches);
    expect(out.shape).toEqual(patches.shape);
    for (let a = 0; a < d; a += 9) {
      let s = 0;
      for (let i = 0; i < n; i++) s += out.x[i * d + a];
      expect(Math.abs(s / n)).toBeLessThan(1e-4);
    }
    expect(() => zca.applySet(model, { x: new Float32Array(2 * 49), shape: [2, 7, 7, 1] })).toThrow(
      /do not match the ZCA model's d = 64/,
    );
  });

  it("refuses a bad epsilon or too few values", () => {
    expect(() => zca.fit(patches.x, n, d, { epsilon: -1 })).toThrow(
      /epsilon: expected a finite number ≥ 0/,
    );
    expect(() => zca.fit(new Float32Array(10), 2, 6)).toThrow(
      /x: expected a Float32Array of at least n·d = 12/,
    );
  });
});
