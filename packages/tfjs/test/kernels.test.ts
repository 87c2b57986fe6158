import { readdirSync } from "node:fs";
import { builtinRules, type Rule } from "@plasticity/core";
import { assertRuleConformance } from "@plasticity/core/testing";
import { describe, expect, it } from "vitest";
import {
  kernelRuleNames,
  kernelRunner,
  smFeedforwardDelta,
  smLateralDelta,
  tf,
} from "../src/index.js";
import { BACKENDS, normal, Rng, relErr, useBackend } from "./helpers.js";

/** Extra hyper-parameter sets that reach each rule's other branches. */
const PARAM_SETS: Record<string, Record<string, unknown>[]> = {
  covariance: [{ lr: 0.1 }, { lr: 0.1, means: "running", tau: 3 }, { means: "running", tau: 1 }],
  bcm: [{ lr: 0.1 }, { lr: 0.05, tau: 2, theta0: 0.5 }],
  "krotov-hopfield": [
    {},
    { normalize: false, p: 3, k: 3, delta: 0.3, lr: 0.1 },
    { p: 1.5, k: 2 },
    { rank: "current" },
    { rank: "current", p: 3, normalize: false },
  ],
  softhebb: [
    { lr: 0.1 },
    { lr: 0.1, antiHebbian: true, temperature: 0.5 },
    { lr: 0.1, normalize: true },
    { lr: 0.1, adaptivePower: 0.5 },
    { lr: 0.05, normalize: true, adaptivePower: 0.5, antiHebbian: true },
  ],
  "sm-lateral": [{ lr: 0.1 }, { lr: 0.1, gamma: 0.5 }],
};

const SHAPES = [
  { batch: 1, nIn: 5, nOut: 3 },
  { batch: 4, nIn: 3, nOut: 6 },
  { batch: 7, nIn: 8, nOut: 4 },
  { batch: 16, nIn: 33, nOut: 12 },
];
const SQUARE_SHAPES = [
  { batch: 1, nIn: 3, nOut: 3 },
  { batch: 9, nIn: 7, nOut: 7 },
];

it("every built-in core rule has a kernel, in a file named after it", () => {
  const names = builtinRules.map((r) => r.name);
  expect(names.length).toBeGreaterThanOrEqual(12);
  const files = readdirSync(new URL("../src/kernels/", import.meta.url));
  for (const n of names) {
    expect(kernelRuleNames()).toContain(n);
    expect(files).toContain(`${n}.ts`);
  }
});

describe.each(BACKENDS)("kernels ≡ core reference on %s", (backend) => {
  useBackend(backend);
  it.each(builtinRules.map((r) => [r.name, r] as [string, Rule]))("%s", async (_name, rule) => {
    const before = tf.memory().numTensors;
    const report = await assertRuleConformance(rule, {
      kernel: kernelRunner(rule.name),
      paramSets: PARAM_SETS[rule.name] ?? [{ lr: 0.1 }],
      shapes: rule.square ? SQUARE_SHAPES : SHAPES,
      rtol: 1e-5,
      seed: 7,
    });
    expect(report.checks).toContain("kernel");
    expect(report.kernel?.compared).toBeGreaterThan(0);
    expect(report.kernel?.maxRelDiff).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(BACKENDS)("similarity-matching kernels on a stack of sites on %s", (backend) => {
  useBackend(backend);
  const S = 5;
  const B = 7;
  const nIn = 6;
  const n = 3;
  const rng = Rng.seeded(11);
  const pre = normal(rng, S * B * nIn);
  const post = normal(rng, S * B * n);
  const w = normal(rng, S * n * nIn);
  const m = normal(rng, S * n * n);

  /** Core's rule on site s alone. */
  function site(rule: Rule, s: number, w0: Float32Array, nI: number, params: unknown, preS = pre) {
    return rule.apply(
      {
        pre: preS.slice(s * B * nI, (s + 1) * B * nI),
        u: post.slice(s * B * n, (s + 1) * B * n),
        post: post.slice(s * B * n, (s + 1) * B * n),
        w: w0.slice(s * n * nI, (s + 1) * n * nI),
        batch: B,
        nIn: nI,
        nOut: n,
      },
      params,
    ).dw;
  }

  it("smFeedforwardDelta on [S, B, ·] ≡ core sm-feedforward per site", () => {
    const dw = tf.tidy(() =>
      smFeedforwardDelta(
        tf.tensor3d(pre, [S, B, nIn]),
        tf.tensor3d(post, [S, B, n]),
        tf.tensor3d(w, [S, n, nIn]),
        0.3,
      ).dataSync(),
    );
    const rule = builtinRules.find((r) => r.name === "sm-feedforward")!;
    for (let s = 0; s < S; s++) {
      const want = site(rule, s, w, nIn, { lr: 0.3 });
      expect(relErr(dw.slice(s * n * nIn, (s + 1) * n * nIn), want)).toBeLessThan(1e-5);
    }
  });

  it("smLateralDelta on [S, B, n] ≡ core sm-lateral per site; a partner stack reads the partners", () => {
    const rule = builtinRules.find((r) => r.name === "sm-lateral")!;
    const dm = tf.tidy(() =>
      smLateralDelta(tf.tensor3d(post, [S, B, n]), tf.tensor3d(m, [S, n, n]), 0.2, 0.5).dataSync(),
    );
    for (let s = 0; s < S; s++) {
      const want = site(rule, s, m, n, { lr: 0.2, gamma: 0.5 }, post);
      expect(relErr(dm.slice(s * n * n, (s + 1) * n * n), want)).toBeLessThan(1e-5);
    }
    // partners = [own site, another population]: the first n columns are the square rule's
    const other = normal(rng, S * B * 2);
    const partner = new Float32Array(S * B * (n + 2));
    const m2 = normal(rng, S * n * (n + 2));
    for (let s = 0; s < S; s++)
      for (let b = 0; b < B; b++) {
        partner.set(post.subarray((s * B + b) * n, (s * B + b + 1) * n), (s * B + b) * (n + 2));
        partner.set(
          other.subarray((s * B + b) * 2, (s * B + b + 1) * 2),
          (s * B + b) * (n + 2) + n,
        );
      }
    const dp = tf.tidy(() =>
      smLateralDelta(
        tf.tensor3d(post, [S, B, n]),
        tf.tensor3d(m2, [S, n, n + 2]),
        0.2,
        0,
        tf.tensor3d(partner, [S, B, n + 2]),
      ).dataSync(),
    );
    for (let s = 0; s < S; s++) {
      const sq = new Float32Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) sq[i * n + j] = m2[(s * n + i) * (n + 2) + j]!;
      const want = rule.apply(
        {
          pre: post.slice(s * B * n, (s + 1) * B * n),
          u: post.slice(s * B * n, (s + 1) * B * n),
          post: post.slice(s * B * n, (s + 1) * B * n),
          w: sq,
          batch: B,
          nIn: n,
          nOut: n,
        },
        { lr: 0.2 },
      ).dw;
      const got = new Float32Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) got[i * n + j] = dp[(s * n + i) * (n + 2) + j]!;
      expect(relErr(got, want)).toBeLessThan(1e-5);
    }
    expect(() =>
      smLateralDelta(
        tf.zeros([S, B, n]) as tf.Tensor3D,
        tf.zeros([S, n, n + 1]) as tf.Tensor3D,
        0.1,
        0,
      ),
    ).toThrow(/sm-lateral/);
  });
});
