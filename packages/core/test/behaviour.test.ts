import { describe, expect, it } from "vitest";
import { kWTA } from "../src/activity.js";
import {
  bcm,
  instar,
  krotovHopfield,
  oja,
  ojaSubspace,
  Rng,
  sanger,
  smFeedforward,
  smLateral,
  softhebb,
} from "../src/index.js";
import { angleDeg, dot, forward, gaussianWithPCs, learn, norm, row } from "./helpers.js";

/**
 * What the math promises, on synthetic data drawn with Rng. Linear units y = u = W x unless
 * stated; learning rates decay as lr0 / (1 + t / t0) so the final weights settle.
 */

describe("principal components", () => {
  const eigen = [6, 3, 1.5, 0.6, 0.3, 0.2, 0.1, 0.05];

  it("oja: a single linear unit converges to the first principal component (< 2°)", () => {
    const rng = Rng.seeded(11);
    const data = gaussianWithPCs(rng, eigen);
    const d = data.d;
    const w = rng.fillNormal(new Float32Array(d), 0, 0.1);
    const batch = 50;
    for (let t = 0; t < 3000; t++) {
      const x = data.sample(batch);
      const y = forward(x, w, batch, d, 1);
      learn(oja, { pre: x, u: y, post: y, batch, nIn: d, nOut: 1 }, w, {
        lr: 0.02 / (1 + t / 500),
      });
    }
    expect(angleDeg(w, data.basis[0])).toBeLessThan(2);
    expect(norm(w)).toBeCloseTo(1, 1);
  });

  /** Train k = 3 linear units with `rule` on Gaussian data with known principal components. */
  const trainLinearPCA = (rule: typeof sanger, seed: number) => {
    const rng = Rng.seeded(seed);
    const data = gaussianWithPCs(rng, eigen);
    const d = data.d;
    const k = 3;
    const w = rng.fillNormal(new Float32Array(k * d), 0, 0.1);
    const batch = 50;
    for (let t = 0; t < 3000; t++) {
      const x = data.sample(batch);
      const y = forward(x, w, batch, d, k);
      learn(rule, { pre: x, u: y, post: y, batch, nIn: d, nOut: k }, w, {
        lr: 0.02 / (1 + t / 300),
      });
    }
    return { data, d, k, w };
  };

  it("sanger: rows of W are the top-3 principal components in order", () => {
    const { data, d, k, w } = trainLinearPCA(sanger, 12);
    for (let i = 0; i < k; i++) {
      expect(angleDeg(row(w, i, d), data.basis[i]), `row ${i}`).toBeLessThan(3);
      expect(norm(row(w, i, d)), `row ${i}`).toBeCloseTo(1, 1);
    }
  });

  it("oja-subspace: rows are orthonormal and span the top-3 principal subspace", () => {
    const { data, d, k, w } = trainLinearPCA(ojaSubspace, 13);
    for (let i = 0; i < k; i++) {
      const wi = row(w, i, d);
      // fraction of the row's squared norm inside span(e_1, e_2, e_3)
      let inside = 0;
      for (let c = 0; c < k; c++) inside += dot(wi, data.basis[c]) ** 2;
      expect(inside / dot(wi, wi), `row ${i}`).toBeGreaterThan(0.995);
      for (let j = 0; j < k; j++) {
        expect(dot(wi, row(w, j, d)), `W Wᵀ [${i},${j}]`).toBeCloseTo(i === j ? 1 : 0, 1);
      }
    }
  });
});

/** Samples from an equal-weight mixture of isotropic Gaussians around `centres`. */
function mixture(rng: Rng, centres: readonly Float32Array[], sigma: number, n: number) {
  const d = centres[0].length;
  const x = new Float32Array(n * d);
  for (let b = 0; b < n; b++) {
    const c = centres[rng.int(centres.length)];
    for (let i = 0; i < d; i++) x[b * d + i] = c[i] + sigma * rng.normal();
  }
  return x;
}

function unitCentres(rng: Rng, count: number, d: number): Float32Array[] {
  return Array.from({ length: count }, () => {
    const c = rng.fillNormal(new Float32Array(d));
    const n = norm(c);
    return c.map((v) => v / n);
  });
}

describe("competition and selectivity", () => {
  it("bcm: a unit shown two patterns becomes selective to one of them", () => {
    const patterns = [new Float32Array([1, 0.3]), new Float32Array([0.3, 1])];
    const respond = (w: Float32Array, x: Float32Array) => Math.max(0, w[0] * x[0] + w[1] * x[1]);
    for (const seed of [1, 2]) {
      const rng = Rng.seeded(seed);
      // start unselective: equal weights up to a small perturbation
      const w = new Float32Array([0.5 + 0.01 * rng.normal(), 0.5 + 0.01 * rng.normal()]);
      const before = patterns.map((x) => respond(w, x));
      expect(Math.abs(before[0] - before[1])).toBeLessThan(0.05);
      let state = bcm.initState({ nIn: 2, nOut: 1 }, bcm.parseParams({}));
      for (let t = 0; t < 20000; t++) {
        const x = patterns[rng.int(2)];
        const y = new Float32Array([respond(w, x)]);
        state = learn(
          bcm,
          { pre: x, u: y, post: y, batch: 1, nIn: 2, nOut: 1 },
          w,
          { lr: 0.01, tau: 20 },
          state,
        );
      }
      const after = patterns.map((x) => respond(w, x));
      const strong = Math.max(...after);
      const weak = Math.min(...after);
      // the BCM fixed point for two equiprobable patterns: y = 1/p = 2 to one, 0 to the other
      expect(strong, `seed ${seed}`).toBeGreaterThan(1.5);
      expect(weak, `seed ${seed}`).toBeLessThan(0.1 * strong);
      expect(state.theta[0]).toBeGreaterThan(1.5);
    }
  });

  it("instar + 1-WTA: each unit's weights converge to the mean of the inputs it wins", () => {
    const rng = Rng.seeded(21);
    const d = 4;
    const nOut = 3;
    const centres = unitCentres(rng, 3, d);
    // each unit starts at a random sample
    const w = mixture(rng, centres, 0.3, nOut);
    const batch = 20;
    const post = (x: Float32Array, n: number) => {
      const y = kWTA(forward(x, w, n, d, nOut), n, nOut, 1);
      for (let i = 0; i < y.length; i++) y[i] = y[i] !== 0 ? 1 : 0; // binarised winner
      return y;
    };
    for (let t = 0; t < 3000; t++) {
      const x = mixture(rng, centres, 0.3, batch);
      const y = post(x, batch);
      learn(instar, { pre: x, u: y, post: y, batch, nIn: d, nOut }, w, { lr: 0.5 / (1 + t / 30) });
    }
    const n = 50000; // the sample mean of ~15k wins is within ~0.005 of the true conditional mean
    const x = mixture(rng, centres, 0.3, n);
    const y = post(x, n);
    let units = 0;
    for (let i = 0; i < nOut; i++) {
      const mean = new Float64Array(d);
      let wins = 0;
      for (let b = 0; b < n; b++) {
        if (y[b * nOut + i] === 0) continue;
        wins++;
        for (let j = 0; j < d; j++) mean[j] += x[b * d + j];
      }
      if (wins < n / 20) continue;
      units++;
      for (let j = 0; j < d; j++) mean[j] /= wins;
      const err = Math.sqrt(row(w, i, d).reduce((s, v, j) => s + (v - mean[j]) ** 2, 0));
      expect(err, `unit ${i} (${wins} wins)`).toBeLessThan(0.02);
    }
    expect(units).toBeGreaterThanOrEqual(2);
  });

  it("krotov-hopfield: the units that win converge to unit p-norm (p = 3)", () => {
    const rng = Rng.seeded(31);
    const d = 8;
    const nOut = 10;
    const p = 3;
    const centres = unitCentres(rng, 4, d);
    const w = rng.fillNormal(new Float32Array(nOut * d));
    for (let i = 0; i < nOut; i++) {
      const r = row(w, i, d);
      const s = 2 / norm(r, p); // start every unit at p-norm 2
      for (let j = 0; j < d; j++) r[j] *= s;
    }
    const batch = 20;
    const none = new Float32Array(batch * nOut); // KH ranks units itself from w and pre
    const steps = 2000;
    for (let t = 0; t < steps; t++) {
      const x = mixture(rng, centres, 0.3, batch);
      // the paper's schedule: lr annealed linearly to 0, update normalised to max|ΔW| = lr
      learn(krotovHopfield, { pre: x, u: none, post: none, batch, nIn: d, nOut }, w, {
        lr: 0.02 * (1 - t / steps),
        p,
      });
    }
    // winners by Q = ⟨W, v⟩_μ / ‖W‖_p^(p−1) on fresh data
    const n = 2000;
    const x = mixture(rng, centres, 0.3, n);
    const wins = new Int32Array(nOut);
    for (let b = 0; b < n; b++) {
      let best = -Infinity;
      let winner = 0;
      for (let i = 0; i < nOut; i++) {
        const r = row(w, i, d);
        let current = 0;
        for (let j = 0; j < d; j++)
          current += Math.sign(r[j]) * Math.abs(r[j]) ** (p - 1) * x[b * d + j];
        const q = current / norm(r, p) ** (p - 1);
        if (q > best) [best, winner] = [q, i];
      }
      wins[winner]++;
    }
    let units = 0;
    for (let i = 0; i < nOut; i++) {
      if (wins[i] < n / 10) continue;
      units++;
      expect(norm(row(w, i, d), p), `unit ${i} (${wins[i]} wins)`).toBeCloseTo(1, 2);
    }
    expect(units).toBeGreaterThanOrEqual(3);
  });

  it("softhebb: every unit's weights converge to unit norm", () => {
    const rng = Rng.seeded(41);
    const d = 8;
    const nOut = 5;
    const centres = unitCentres(rng, 4, d);
    const w = rng.fillNormal(new Float32Array(nOut * d), 0, 0.1);
    const initial = Array.from({ length: nOut }, (_, i) => norm(row(w, i, d)));
    expect(Math.max(...initial)).toBeLessThan(0.6);
    const batch = 20;
    for (let t = 0; t < 2000; t++) {
      const x = mixture(rng, centres, 0.3, batch);
      const u = forward(x, w, batch, d, nOut);
      learn(softhebb, { pre: x, u, post: u, batch, nIn: d, nOut }, w, { lr: 0.05 / (1 + t / 500) });
    }
    for (let i = 0; i < nOut; i++) expect(norm(row(w, i, d)), `unit ${i}`).toBeCloseTo(1, 2);
  });
});

describe("similarity matching fixed points (fixed x, y; full-batch iteration)", () => {
  const rng = Rng.seeded(51);
  const batch = 16;
  const nIn = 5;
  const nOut = 3;
  const x = rng.fillNormal(new Float32Array(batch * nIn));
  const y = rng.fillUniform(new Float32Array(batch * nOut), -1, 1);
  const mean = (a: Float32Array, na: number, b: Float32Array, nb: number) => {
    const c = new Float64Array(na * nb);
    for (let t = 0; t < batch; t++)
      for (let i = 0; i < na; i++)
        for (let j = 0; j < nb; j++) c[i * nb + j] += (a[t * na + i] * b[t * nb + j]) / batch;
    return c;
  };

  it("sm-feedforward: W → ⟨y xᵀ⟩", () => {
    const w = rng.fillNormal(new Float32Array(nOut * nIn));
    for (let t = 0; t < 300; t++)
      learn(smFeedforward, { pre: x, u: y, post: y, batch, nIn, nOut }, w, { lr: 0.1 });
    const target = mean(y, nOut, x, nIn);
    w.forEach((v, i) => {
      expect(v, `W[${i}]`).toBeCloseTo(target[i], 5);
    });
  });

  it("sm-lateral: M → (1 + γ)⟨y yᵀ⟩ for γ = 0 and γ = 0.5", () => {
    const target = mean(y, nOut, y, nOut);
    for (const gamma of [0, 0.5]) {
      const m = rng.fillNormal(new Float32Array(nOut * nOut));
      for (let t = 0; t < 600; t++)
        learn(smLateral, { pre: y, u: y, post: y, batch, nIn: nOut, nOut }, m, { lr: 0.1, gamma });
      m.forEach((v, i) => {
        expect(v, `γ ${gamma}, M[${i}]`).toBeCloseTo((1 + gamma) * target[i], 5);
      });
    }
  });
});
