import { describe, expect, it } from "vitest";
import {
  feedforwardLr,
  lateralLr,
  type NetworkConfigInput,
  SimilarityMatchingNetwork,
} from "../src/index.js";
import { normal, Rng, relErr, SMALL, useBackend } from "./helpers.js";

/** d-dim data with variance in a k-dim subspace spanned by orthonormal rows of `basis`. */
function subspaceData(n: number, d: number, k: number, seed: number) {
  const rng = Rng.seeded(seed);
  // Gram–Schmidt on random vectors: an orthonormal basis [k × d]
  const basis = new Float64Array(k * d);
  for (let a = 0; a < k; a++) {
    const v = Float64Array.from(normal(rng, d));
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j]! * basis[b * d + j]!;
      for (let j = 0; j < d; j++) v[j]! -= dot * basis[b * d + j]!;
    }
    const norm = Math.hypot(...v);
    for (let j = 0; j < d; j++) basis[a * d + j] = v[j]! / norm;
  }
  const scales = [2, 1.5, 1.2, 1, 0.8].slice(0, k);
  const x = new Float32Array(n * d);
  for (let t = 0; t < n; t++) {
    for (let a = 0; a < k; a++) {
      const z = rng.normal() * scales[a]!;
      for (let j = 0; j < d; j++) x[t * d + j]! += z * basis[a * d + j]!;
    }
    for (let j = 0; j < d; j++) x[t * d + j]! += 0.1 * rng.normal();
  }
  return { x, basis };
}

/** √(Σ sin² θ_i) of the principal angles between the row spaces of A [k × d] and B (orthonormal). */
function subspaceDistance(A: Float32Array, basis: Float64Array, k: number, d: number): number {
  const Q = Float64Array.from(A);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += Q[a * d + j]! * Q[b * d + j]!;
      for (let j = 0; j < d; j++) Q[a * d + j]! -= dot * Q[b * d + j]!;
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += Q[a * d + j]! ** 2;
    for (let j = 0; j < d; j++) Q[a * d + j]! /= Math.sqrt(norm);
  }
  let cos2 = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += Q[a * d + j]! * basis[b * d + j]!;
      cos2 += dot * dot;
    }
  return Math.sqrt(Math.max(0, k - cos2));
}

/** Smooth random 12×12 images (sums of a few Gaussian blobs), mean-subtracted. */
function blobs(n: number, seed: number): Float32Array {
  const rng = Rng.seeded(seed);
  const x = new Float32Array(n * 144);
  for (let t = 0; t < n; t++) {
    for (let b = 0; b < 3; b++) {
      const cy = rng.uniform() * 12;
      const cx = rng.uniform() * 12;
      const a = rng.normal();
      for (let i = 0; i < 12; i++)
        for (let j = 0; j < 12; j++)
          x[t * 144 + i * 12 + j]! += a * Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / 8);
    }
    let m = 0;
    for (let j = 0; j < 144; j++) m += x[t * 144 + j]!;
    for (let j = 0; j < 144; j++) x[t * 144 + j]! -= m / 144;
  }
  return x;
}

/** ‖a − b‖ / ‖b‖. */
function frobErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

const LINEAR: NetworkConfigInput = {
  layers: [{ kind: "dense", nps: 3 }],
  activation: "bounded-linear",
  bounds: [-1e6, 1e6],
  lr: 0.01,
  dynamics: { tol: 1e-6 },
};

describe("learning (wasm)", () => {
  useBackend("wasm");

  it("linear single layer: W spans the input's principal subspace (SM ≡ PCA)", async () => {
    const d = 8;
    const { x, basis } = subspaceData(4000, d, 3, 1);
    const net = new SimilarityMatchingNetwork({ config: LINEAR, inputShape: [1, d, 1], seed: 2 });
    const before = subspaceDistance(net.getState().layers[0]!.W, basis, 3, d);
    for (let e = 0; e < 4; e++)
      await net.learn(x.subarray(e * 1000 * d, (e + 1) * 1000 * d), 1000, 1 / (1 + e));
    const after = subspaceDistance(net.getState().layers[0]!.W, basis, 3, d);
    expect(before).toBeGreaterThan(0.8);
    expect(after).toBeLessThan(0.1);
    await net.dispose();
  });

  it("the dual objective falls; at convergence W ≈ c ⊙ E[r xᵀ] and M ≈ c ⊙ E[r rᵀ]", async () => {
    const x = blobs(300, 3);
    const cfg: NetworkConfigInput = { ...SMALL, lr: 5e-3, maxDrift: 0.2 };
    const net = new SimilarityMatchingNetwork({ config: cfg, inputShape: [12, 12, 1], seed: 4 });
    const costs: number[] = [];
    for (let e = 0; e < 16; e++) {
      await net.learn(x, 300, 1 / (1 + 0.5 * e));
      costs.push(net.takeObjective()[0]!.cost);
    }
    expect(costs[15]!).toBeLessThan(costs[0]! - 0.2 * Math.abs(costs[0]!));
    expect(costs[3]!).toBeLessThan(costs[1]!);
    // the fixed point of ΔW = η(r xᵀ − W) is W = E[r xᵀ] on the synapses
    const fp = await net.fixedPoints(x, 300);
    const g = net.geometry[0]!;
    const { W, M } = net.getState().layers[0]!;
    const EW = new Float32Array(W.length);
    const EM = new Float32Array(M.length);
    for (let s = 0; s < g.sites; s++)
      for (let i = 0; i < g.n; i++) {
        const row = s * g.n + i;
        for (let t = 0; t < 300; t++) {
          const ri = fp.r[0]![t * g.units + row]!;
          for (let k = 0; k < g.K; k++) {
            const j = g.ffIndex[k * g.sites + s]!;
            if (j < g.nIn && g.wMask![s * g.K + k])
              EW[row * g.K + k]! += (ri * x[t * 144 + j]!) / 300;
          }
          for (let c = 0; c < g.Q * g.n; c++) {
            const j = g.latIndex[c * g.sites + s]!;
            if (j < g.units) EM[row * g.Q * g.n + c]! += (ri * fp.r[0]![t * g.units + j]!) / 300;
          }
        }
      }
    // M's rate is η/2, so it lags W (measured: 0.8% and 6% at 16 epochs, 0.6% and 2% at 30)
    expect(frobErr(W, EW)).toBeLessThan(0.02);
    expect(frobErr(M, EM)).toBeLessThan(0.1);
    await net.dispose();
  });

  it("masked synapses (c = 0) stay exactly 0 through learning", async () => {
    const x = blobs(100, 8);
    const net = new SimilarityMatchingNetwork({
      config: { layers: [{ kind: "structured", nps: 2, radius: 2, stride: 2, lateralRadius: 2 }] },
      inputShape: [12, 12, 1],
      seed: 9,
    });
    await net.learn(x, 100);
    const g = net.geometry[0]!;
    const { W, M } = net.getState().layers[0]!;
    let zeros = 0;
    let moved = 0;
    W.forEach((v, k) => {
      const site = Math.floor(k / (g.n * g.K));
      if (g.wMask![site * g.K + (k % g.K)] === 0) {
        expect(v === 0).toBe(true); // ±0
        zeros++;
      } else if (v !== 0) moved++;
    });
    M.forEach((v, k) => {
      if (g.mMask![k] === 0) {
        expect(v === 0).toBe(true);
        zeros++;
      } else if (v !== 0 && v !== 1) moved++;
    });
    expect(zeros).toBeGreaterThan(100);
    expect(moved).toBeGreaterThan(100);
    await net.dispose();
  });

  it("micro-batches with the compounded decay give the networks of online (batch-1) learning", async () => {
    const x = blobs(400, 5);
    const run = async (maxDrift: number) => {
      const net = new SimilarityMatchingNetwork({
        config: { ...SMALL, lr: 5e-3, maxDrift },
        inputShape: [12, 12, 1],
        seed: 6,
      });
      const w0 = net.getState().layers[0]!.W;
      const st = await net.learn(x, 400);
      const s = net.getState().layers[0]!;
      await net.dispose();
      return { w0, W: s.W, M: s.M, micro: st.microBatch };
    };
    const online = await run(1e-6);
    const batched = await run(0.05);
    expect(online.micro).toBe(1);
    expect(batched.micro).toBe(10);
    const moved = relErr(online.W, online.w0);
    expect(moved).toBeGreaterThan(0.3);
    expect(relErr(batched.W, online.W)).toBeLessThan(0.05 * moved);
    expect(relErr(batched.M, online.M)).toBeLessThan(0.02);
    expect(feedforwardLr(5e-3, 10)).toBeCloseTo(1 - 0.995 ** 10, 12);
    expect(feedforwardLr(5e-3, 1)).toBe(5e-3);
    expect(lateralLr(5e-3, 1, 0.5)).toBeCloseTo(5e-3, 12);
  });
});
