import { createRuleRegistry, Rng } from "@plasticity/core";
import { assertRuleConformance } from "@plasticity/core/testing";
import { initBackend, kernelRunner } from "@plasticity/tfjs";
import { expect, it } from "vitest";
import plugin, { registerKernels, softBoundHebb } from "../src/index.js";

it("passes the conformance kit, and the tfjs kernel matches the reference", async () => {
  await initBackend({ backend: "cpu" });
  registerKernels();
  const report = await assertRuleConformance(softBoundHebb, {
    kernel: kernelRunner("soft-bound-hebb"),
    paramSets: [{}, { lr: 0.5, wMin: 0, wMax: 2 }],
  });
  expect(report.kernel?.compared).toBeGreaterThan(0);
});

it("computes the update by hand", () => {
  // one sample: x = [1, −1], y = [2]: ⟨y xᵀ⟩ = [2, −2]; W = [0.5, 0.5], lr = 0.1, bounds ±1
  const f = (a: number[]) => new Float32Array(a);
  const { dw } = softBoundHebb.apply(
    { pre: f([1, -1]), post: f([2]), u: f([0]), w: f([0.5, 0.5]), batch: 1, nIn: 2, nOut: 1 },
    { lr: 0.1 },
  );
  // 0.1·2·(1 − 0.5) = 0.1 up; 0.1·(−2)·(0.5 + 1) = −0.3 down
  expect([...dw].map((v) => +v.toFixed(6))).toEqual([0.1, -0.3]);
});

it("keeps every weight inside [wMin, wMax] while Hebbian growth pushes it out", () => {
  const rng = Rng.seeded(3);
  const [batch, nIn, nOut] = [16, 8, 4];
  const w = rng.fillUniform(new Float32Array(nOut * nIn), -0.1, 0.1);
  const params = { lr: 0.2, wMin: -0.5, wMax: 0.5 };
  for (let t = 0; t < 300; t++) {
    const pre = rng.fillNormal(new Float32Array(batch * nIn));
    for (let i = 0; i < pre.length; i += nIn) pre[i] = 1 + Math.abs(pre[i]); // input 0 always on
    const post = new Float32Array(batch * nOut).fill(1);
    const { dw } = softBoundHebb.apply({ pre, post, u: post, w, batch, nIn, nOut }, params);
    for (let i = 0; i < w.length; i++) w[i] += dw[i];
  }
  expect(Math.max(...w)).toBeLessThanOrEqual(params.wMax);
  expect(Math.min(...w)).toBeGreaterThanOrEqual(params.wMin);
  // the always-on input's synapses have grown almost to the ceiling
  for (let i = 0; i < nOut; i++) expect(w[i * nIn]).toBeGreaterThan(0.49);
});

it("is a plugin: its rule is found by name next to the built-ins", () => {
  const rules = createRuleRegistry().use(plugin);
  expect(rules.get("soft-bound-hebb")).toBe(softBoundHebb);
});
