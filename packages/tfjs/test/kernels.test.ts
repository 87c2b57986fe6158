import { readdirSync } from "node:fs";
import { builtinRules, type Rule } from "@plasticity/core";
import { assertRuleConformance } from "@plasticity/core/testing";
import { describe, expect, it } from "vitest";
import { kernelRuleNames, kernelRunner, tf } from "../src/index.js";
import { BACKENDS, useBackend } from "./helpers.js";

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
