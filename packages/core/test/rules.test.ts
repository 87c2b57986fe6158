import { describe, expect, it } from "vitest";
import {
  antiHebb,
  bcm,
  covariance,
  hebb,
  instar,
  krotovHopfield,
  oja,
  ojaSubspace,
  type RuleInput,
  sanger,
  smFeedforward,
  smLateral,
  softhebb,
} from "../src/index.js";

const f = (a: number[]) => new Float32Array(a);

// batch 2, nIn 2, nOut 2:  X = [[1,2],[3,4]], Y = [[1,1],[0,2]], W = [[0.5,-1],[2,0]]
// ⟨y xᵀ⟩ = [[0.5, 1], [3.5, 5]],  ⟨y yᵀ⟩ = [[0.5, 0.5], [0.5, 2.5]],  ⟨y⟩ = [0.5, 1.5]
const input: RuleInput = {
  pre: f([1, 2, 3, 4]),
  post: f([1, 1, 0, 2]),
  u: f([1, 1, 0, 2]),
  w: f([0.5, -1, 2, 0]),
  batch: 2,
  nIn: 2,
  nOut: 2,
};

function close(actual: Float32Array, expected: number[], digits = 5) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    expect(v, `index ${i}`).toBeCloseTo(expected[i], digits);
  });
}

describe("hand-computed updates (lr = 1 unless stated)", () => {
  it("hebb: ⟨y xᵀ⟩", () => {
    close(hebb.apply(input, { lr: 1 }).dw, [0.5, 1, 3.5, 5]);
  });
  it("anti-hebb: −⟨y xᵀ⟩, lr scales", () => {
    close(antiHebb.apply(input, { lr: 2 }).dw, [-1, -2, -7, -10]);
  });
  it("instar: ⟨y xᵀ⟩ − diag⟨y⟩ W", () => {
    // row 0: [0.5,1] − 0.5·[0.5,−1];  row 1: [3.5,5] − 1.5·[2,0]
    close(instar.apply(input, { lr: 1 }).dw, [0.25, 1.5, 0.5, 5]);
  });
  it("oja: ⟨y xᵀ⟩ − diag⟨y²⟩ W", () => {
    // ⟨y²⟩ = [0.5, 2.5]
    close(oja.apply(input, { lr: 1 }).dw, [0.25, 1.5, -1.5, 5]);
  });
  it("oja-subspace: ⟨y xᵀ⟩ − ⟨y yᵀ⟩ W", () => {
    // ⟨y yᵀ⟩W = [[1.25, −0.5], [5.25, −0.5]]
    close(ojaSubspace.apply(input, { lr: 1 }).dw, [-0.75, 1.5, -1.75, 5.5]);
  });
  it("sanger: ⟨y xᵀ⟩ − LT(⟨y yᵀ⟩) W", () => {
    // LT(⟨y yᵀ⟩)W = [[0.25, −0.5], [5.25, −0.5]]
    close(sanger.apply(input, { lr: 1 }).dw, [0.25, 1.5, -1.75, 5.5]);
  });
  it("covariance (batch means): ⟨(y − ȳ)(x − x̄)ᵀ⟩", () => {
    // x̄ = [2,3], ȳ = [0.5,1.5]; dy = ±[0.5,−0.5], dx = ±[1,1]
    const r = covariance.apply(input, { lr: 1 });
    close(r.dw, [-0.5, -0.5, 0.5, 0.5]);
    expect(r.state).toEqual({});
    // a single sample has no covariance with itself
    const one = { ...input, pre: f([1, 2]), post: f([1, 1]), u: f([1, 1]), batch: 1 };
    close(covariance.apply(one, { lr: 1 }).dw, [0, 0, 0, 0]);
  });
  it("covariance (running means): exact average over the first tau batches", () => {
    const p = { lr: 1, means: "running", tau: 100 };
    const s1 = covariance.apply(input, p);
    close(s1.dw, [-0.5, -0.5, 0.5, 0.5]); // first batch: running mean = batch mean
    close(s1.state.xMean, [2, 3]);
    close(s1.state.count, [1]);
    // second batch X' = X + 2, Y' = Y + 1: running means x̄ = [3,4], ȳ = [1,2]
    const second = { ...input, pre: f([3, 4, 5, 6]), post: f([2, 2, 1, 3]), u: f([2, 2, 1, 3]) };
    const s2 = covariance.apply(second, p, s1.state);
    close(s2.state.xMean, [3, 4]);
    close(s2.state.yMean, [1, 2]);
    close(s2.state.count, [2]);
    // dy = [[1,0],[0,1]], dx = [[0,0],[2,2]] → ⟨dy dxᵀ⟩ = [[0,0],[1,1]]
    close(s2.dw, [0, 0, 1, 1]);
    // tau = 1 makes the running rule the batch rule
    const b2 = covariance.apply(second, { lr: 1 }).dw;
    close(covariance.apply(second, { ...p, tau: 1 }, s1.state).dw, [...b2]);
  });
  it("bcm: ⟨y (y − θ) xᵀ⟩ with the old θ, then θ moves toward ⟨y²⟩", () => {
    // θ = 1: φ(sample 1) = [0, 0], φ(sample 2) = [0, 2·(2−1)] → row 1 = 2·[3,4]/2
    const r = bcm.apply(input, { lr: 1, tau: 2, theta0: 1 });
    close(r.dw, [0, 0, 3, 4]);
    // θ ← 1 + (⟨y²⟩ − 1)/2 with ⟨y²⟩ = [0.5, 2.5]
    close(r.state.theta, [0.75, 1.75]);
    const again = bcm.apply(input, { lr: 1, tau: 2 }, r.state);
    // θ = [0.75, 1.75]: φ1 = [1·0.25, 1·(−0.75)], φ2 = [0, 2·0.25]
    close(again.dw, [0.125, 0.25, (-0.75 * 1 + 0.5 * 3) / 2, (-0.75 * 2 + 0.5 * 4) / 2]);
  });
  it("krotov-hopfield p = 2: ranks by Q = I/‖W‖, top unit Hebbian, 2nd anti-Hebbian", () => {
    // v = [1,0]; W = [[2,2],[0.9,0],[0,1]]: I = [2, 0.9, 0] but Q = [0.707, 1, 0] → unit 1 wins
    const kh: RuleInput = {
      pre: f([1, 0]),
      post: f([0, 0, 0]),
      u: f([2, 0.9, 0]),
      w: f([2, 2, 0.9, 0, 0, 1]),
      batch: 1,
      nIn: 2,
      nOut: 3,
    };
    // ΔW_1 = v − 0.9·W_1 = [0.19, 0];  ΔW_0 = −0.4 (v − 2·W_0) = [1.2, 1.6];  ΔW_2 = 0
    const p = { lr: 1, p: 2, k: 2, delta: 0.4, normalize: false };
    close(krotovHopfield.apply(kh, p).dw, [1.2, 1.6, 0.19, 0, 0, 0]);
    // normalised: the largest |ΔW| equals lr
    close(
      krotovHopfield.apply(kh, { ...p, lr: 0.1, normalize: true }).dw,
      [0.075, 0.1, 0.011875, 0, 0, 0],
    );
    // k = 3 pushes the third-ranked unit instead (ΔW_2 = −0.4 (v − 0·W_2))
    close(krotovHopfield.apply(kh, { ...p, k: 3 }).dw, [0, 0, 0.19, 0, -0.4, 0]);
  });
  it("krotov-hopfield p = 2 takes its currents from u (= W v by contract), p ≠ 2 from W and v", () => {
    // v = [1,0], W = [[2,2],[0.9,0],[0,1]] as above, but u says I = [0, 0.5, 1]: by u,
    // Q = [0, 0.5/0.9, 1] ranks unit 2 first and unit 1 second (W v would rank 1, then 0).
    const kh: RuleInput = {
      pre: f([1, 0]),
      post: f([0, 0, 0]),
      u: f([0, 0.5, 1]),
      w: f([2, 2, 0.9, 0, 0, 1]),
      batch: 1,
      nIn: 2,
      nOut: 3,
    };
    const p = { lr: 1, p: 2, k: 2, delta: 0.4, normalize: false };
    // ΔW_2 = v − 1·W_2 = [1, −1];  ΔW_1 = −0.4 (v − 0.5·W_1) = [−0.22, 0]
    close(krotovHopfield.apply(kh, p).dw, [0, 0, -0.22, 0, 1, -1]);
    // p = 3 ignores u: the same result for any u
    const p3 = { ...p, p: 3 };
    close(
      krotovHopfield.apply(kh, p3).dw,
      Array.from(krotovHopfield.apply({ ...kh, u: f([7, -7, 0]) }, p3).dw),
    );
  });
  it("krotov-hopfield p = 3: currents Σ sgn(W)|W|² v, Q = I/‖W‖₃²", () => {
    // W = [[1,−2],[0.5,0]], v = [1,1]: I = [1 − 4, 0.25] = [−3, 0.25]; Q = [−3/9^(2/3), 1] → unit 1 wins
    const kh: RuleInput = {
      pre: f([1, 1]),
      post: f([0, 0]),
      u: f([0, 0]),
      w: f([1, -2, 0.5, 0]),
      batch: 1,
      nIn: 2,
      nOut: 2,
    };
    // ΔW_1 = v − 0.25·[0.5,0] = [0.875, 1];  ΔW_0 = −0.4 (v + 3·[1,−2]) = [−1.6, 2]
    const p = { lr: 1, p: 3, k: 2, delta: 0.4, normalize: false };
    close(krotovHopfield.apply(kh, p).dw, [-1.6, 2, 0.875, 1]);
  });
  it("krotov-hopfield p = 3: Q = I / (Σ|W|³)^((p−1)/p), and the ranking depends on that exponent", () => {
    // v = [1, 0]; W_A = [0.5, 0], W_B = [1, 0.5]. Currents I = Σ sgn(W)|W|² v = [0.25, 1].
    // Q = I / (Σ|W|³)^(2/3) = [1, 1/1.125^(2/3) = 0.924]: A first. (With the exponent 1/p
    // instead, Q = [0.5, 0.961] would put B first; ranking by the raw current puts B first too.)
    const kh: RuleInput = {
      pre: f([1, 0]),
      post: f([0, 0]),
      u: f([0, 0]),
      w: f([0.5, 0, 1, 0.5]),
      batch: 1,
      nIn: 2,
      nOut: 2,
    };
    const p = { lr: 1, p: 3, k: 2, delta: 0.4, normalize: false };
    // A Hebbian: v − 0.25·W_A = [0.875, 0]; B anti-Hebbian: −0.4 (v − 1·W_B) = [0, 0.2]
    close(krotovHopfield.apply(kh, p).dw, [0.875, 0, 0, 0.2]);
    // the authors' code ranks by the current: B Hebbian [0, −0.5], A anti-Hebbian [−0.35, 0]
    close(krotovHopfield.apply(kh, { ...p, rank: "current" }).dw, [-0.35, 0, 0, -0.5]);
  });
  it("krotov-hopfield rank: current lets a large untrained row outrank a unit-norm one (p = 2)", () => {
    // v = [1, 0]; W_0 = [1, 0] (trained, unit norm), W_1 = [3, 9] (random, large): I = [1, 3],
    // Q = [1, 0.316]. By Q unit 0 wins; by the current unit 1 does.
    const kh: RuleInput = {
      pre: f([1, 0]),
      post: f([0, 0]),
      u: f([1, 3]),
      w: f([1, 0, 3, 9]),
      batch: 1,
      nIn: 2,
      nOut: 2,
    };
    const p = { lr: 1, p: 2, k: 2, delta: 0, normalize: false };
    close(krotovHopfield.apply(kh, p).dw, [0, 0, 0, 0]); // v − 1·W_0 = 0
    close(krotovHopfield.apply(kh, { ...p, rank: "current" }).dw, [0, 0, -8, -27]); // v − 3·W_1
  });
  it("softhebb: y = softmax(u/t), ΔW_i = ⟨y_i (x − u_i W_i)⟩", () => {
    // u = [0, ln 3] → y = [1/4, 3/4]
    const s: RuleInput = {
      pre: f([1, 2]),
      u: f([0, Math.log(3)]),
      post: f([0, 0]),
      w: f([1, 0, 0, 1]),
      batch: 1,
      nIn: 2,
      nOut: 2,
    };
    const l3 = Math.log(3);
    close(softhebb.apply(s, { lr: 1 }).dw, [0.25, 0.5, 0.75, 0.75 * (2 - l3)]);
    // anti-Hebbian: the non-winner (unit 0) learns with −y_0
    close(softhebb.apply(s, { lr: 1, antiHebbian: true }).dw, [-0.25, -0.5, 0.75, 0.75 * (2 - l3)]);
    // temperature 2: y ∝ [1, √3]
    const y0 = 1 / (1 + Math.sqrt(3));
    const y1 = 1 - y0;
    close(softhebb.apply(s, { lr: 1, temperature: 2 }).dw, [y0, 2 * y0, y1, y1 * (2 - l3)]);
  });
  it("softhebb options of the official code: ÷ max|ΔW| and the per-unit rate |‖W_i‖ − 1|^power", () => {
    const l3 = Math.log(3);
    const s: RuleInput = {
      pre: f([1, 2]),
      u: f([0, l3]),
      post: f([0, 0]),
      w: f([2, 0, 0, 0.5]), // ‖W_0‖ = 2, ‖W_1‖ = 0.5
      batch: 1,
      nIn: 2,
      nOut: 2,
    };
    // D = [[0.25·1, 0.25·2], [0.75·1, 0.75·(2 − 0.5·ln3)]]; max|D| = 0.75·(2 − 0.5 ln 3) = 1.088
    const D = [0.25, 0.5, 0.75, 0.75 * (2 - 0.5 * l3)];
    const m = Math.max(...D);
    close(
      softhebb.apply(s, { lr: 0.1, normalize: true }).dw,
      D.map((d) => (0.1 * d) / m),
    );
    // rates |2 − 1|^0.5 = 1 and |0.5 − 1|^0.5 = 0.707 on rows 0 and 1
    const r1 = Math.sqrt(0.5);
    close(softhebb.apply(s, { lr: 1, adaptivePower: 0.5 }).dw, [
      D[0]!,
      D[1]!,
      D[2]! * r1,
      D[3]! * r1,
    ]);
  });
  it("sm-feedforward: ⟨y xᵀ⟩ − W", () => {
    close(smFeedforward.apply(input, { lr: 1 }).dw, [0, 2, 1.5, 5]);
  });
  it("sm-lateral: (lr/2)(⟨y yᵀ⟩ − M/(1+γ)), pre not read", () => {
    // lr 2, γ = 1: ⟨y yᵀ⟩ − M/2 = [[0.5−0.25, 0.5+0.5], [0.5−1, 2.5]]
    close(smLateral.apply(input, { lr: 2, gamma: 1 }).dw, [0.25, 1, -0.5, 2.5]);
    const otherPre = { ...input, pre: f([9, 9, 9, 9]) };
    close(smLateral.apply(otherPre, { lr: 2, gamma: 1 }).dw, [0.25, 1, -0.5, 2.5]);
  });
});

describe("bad input names the argument", () => {
  it("shape and value errors", () => {
    expect(() => oja.apply({ ...input, post: f([1, 2, 3]) })).toThrow(/post: expected length 4/);
    expect(() => oja.apply({ ...input, w: f([0, Number.NaN, 0, 0]) })).toThrow(
      /w: non-finite value NaN at index 1/,
    );
    expect(() => oja.apply({ ...input, u: [1, 1, 0, 2] as unknown as Float32Array })).toThrow(
      /u: expected a Float32Array/,
    );
    expect(() => oja.apply({ ...input, batch: 1.5 })).toThrow(/batch: expected a positive integer/);
    expect(() =>
      smLateral.apply({
        ...input,
        pre: f([1, 2, 3, 4, 5, 6]),
        w: f([1, 2, 3, 4, 5, 6]),
        nIn: 3,
        nOut: 2,
      }),
    ).toThrow(/nIn: .*needs nIn === nOut/);
  });
  it("invalid params", () => {
    expect(() => sanger.apply(input, { lr: 0 })).toThrow(/params\.lr/);
    expect(() => covariance.parseParams({ means: "ema" })).toThrow(/params\.means/);
    expect(() => krotovHopfield.parseParams({ k: 1 })).toThrow(/params\.k/);
    expect(() => bcm.parseParams({ tau: 0.5 })).toThrow(/params\.tau/);
    expect(() => softhebb.parseParams({ temperature: -1 })).toThrow(/params\.temperature/);
  });
  it("invalid state", () => {
    expect(() => bcm.apply(input, {}, { theta: f([1]) })).toThrow(
      /state\.theta: expected length 2/,
    );
    expect(() => covariance.apply(input, { means: "running" }, {} as never)).toThrow(
      /state\.xMean/,
    );
  });
});
