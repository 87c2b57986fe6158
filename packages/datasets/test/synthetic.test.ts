import { describe, expect, it } from "vitest";
import { bars, gaussianMixture, gaussianWithKnownPCs, loadDataset } from "../src/index.js";

describe("Földiák's bars", () => {
  it("each image is the union of its active bars, each on with probability p", () => {
    const ds = bars({ n: 3000, seed: 1 });
    expect(ds.shape).toEqual([3000, 8, 8, 1]);
    const { bars: tpl, active, p } = ds.truth;
    expect(p).toBe(1 / 8);
    let on = 0;
    let wrongPixels = 0;
    let wrongLabels = 0;
    for (let i = 0; i < 3000; i++) {
      let count = 0;
      for (let px = 0; px < 64; px++) {
        let v = 0;
        for (let b = 0; b < 16; b++) if (active[i * 16 + b] && tpl[b * 64 + px]) v = 1;
        if (ds.x[i * 64 + px] !== v) wrongPixels++;
      }
      for (let b = 0; b < 16; b++) count += active[i * 16 + b];
      if (ds.y[i] !== count) wrongLabels++;
      on += count;
    }
    expect(wrongPixels).toBe(0);
    expect(wrongLabels).toBe(0);
    expect(on / (3000 * 16)).toBeCloseTo(1 / 8, 2);
    // bar 2 is row 2; bar 8 + 5 is column 5
    expect(tpl[2 * 64 + 2 * 8 + 7]).toBe(1);
    expect(tpl[13 * 64 + 6 * 8 + 5]).toBe(1);
    expect(tpl.reduce((a, b) => a + b, 0)).toBe(16 * 8);
  });

  it("same seed → same images; train and test differ", () => {
    expect(bars({ n: 50, seed: 2 }).x).toEqual(bars({ n: 50, seed: 2 }).x);
    expect(bars({ n: 50, seed: 2, split: "test" }).x).not.toEqual(bars({ n: 50, seed: 2 }).x);
    expect(() => bars({ n: 5, seed: 0, p: 2 })).toThrow(/p: expected a probability/);
  });
});

/** Variance of the data along unit vector u. */
function varianceAlong(x: Float32Array, n: number, d: number, u: ArrayLike<number>): number {
  let s = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let a = 0; a < d; a++) p += x[i * d + a] * u[a];
    s += p;
    q += p * p;
  }
  return q / n - (s / n) ** 2;
}

describe("Gaussian with known principal components", () => {
  it("has variance λ_j along component j, and orthonormal components", () => {
    const d = 6;
    const eigenvalues = [4, 2, 1, 0.5, 0.25, 0.1];
    const ds = gaussianWithKnownPCs({ n: 20000, d, eigenvalues, seed: 3, mean: 1 });
    expect(ds.shape).toEqual([20000, 1, 1, d]);
    const C = ds.truth.components;
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += C[j * d + a] * C[k * d + a];
        expect(dot).toBeCloseTo(j === k ? 1 : 0, 5);
      }
      const v = varianceAlong(ds.x, 20000, d, C.subarray(j * d, (j + 1) * d));
      expect(Math.abs(v - eigenvalues[j]) / eigenvalues[j]).toBeLessThan(0.05);
    }
    // train and test share the components
    expect(
      gaussianWithKnownPCs({ n: 5, d, eigenvalues, seed: 3, split: "test" }).truth.components,
    ).toEqual(C);
    expect(() => gaussianWithKnownPCs({ n: 5, d: 2, eigenvalues: [1, 2], seed: 0 })).toThrow(
      /non-increasing/,
    );
  });
});

describe("Gaussian mixture", () => {
  it("samples around the true means; its exact top principal component matches the data", () => {
    const d = 5;
    const ds = gaussianMixture({
      n: 20000,
      d,
      k: 3,
      std: 0.5,
      separation: 3,
      seed: 4,
      weights: [1, 2, 1],
    });
    const { means, weights, components, eigenvalues } = ds.truth;
    expect([...weights]).toEqual([0.25, 0.5, 0.25]);
    const sum = new Float64Array(3 * d);
    const cnt = [0, 0, 0];
    for (let i = 0; i < 20000; i++) {
      cnt[ds.y[i]]++;
      for (let a = 0; a < d; a++) sum[ds.y[i] * d + a] += ds.x[i * d + a];
    }
    expect(cnt[1] / 20000).toBeCloseTo(0.5, 1);
    for (let j = 0; j < 3; j++)
      for (let a = 0; a < d; a++) expect(sum[j * d + a] / cnt[j]).toBeCloseTo(means[j * d + a], 1);
    const v0 = varianceAlong(ds.x, 20000, d, components.subarray(0, d));
    expect(Math.abs(v0 - eigenvalues[0]) / eigenvalues[0]).toBeLessThan(0.05);
    expect(eigenvalues[d - 1]).toBeCloseTo(0.25, 6); // σ² in the directions the means do not span
    expect(ds.classes).toEqual(["component 0", "component 1", "component 2"]);
  });
});

describe("synthetic sets through loadDataset", () => {
  it("bars with the default sizes and a seed; a validation split works too", async () => {
    const train = await loadDataset("bars");
    expect(train.shape).toEqual([10000, 8, 8, 1]);
    expect(train.source).toMatch(/^synthetic: bars\(seed=0/);
    const test = await loadDataset("bars", { split: "test", seed: 5, limit: 10 });
    expect(test.shape).toEqual([10, 8, 8, 1]);
    const val = await loadDataset("gaussian-pcs", { split: "val", valSize: 1000 });
    expect(val.shape).toEqual([1000, 1, 1, 16]);
  });
});
