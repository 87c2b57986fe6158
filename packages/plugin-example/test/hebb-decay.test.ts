import { createRuleRegistry, isPlugin, Rng } from "@plasticity/core";
import { assertRuleConformance } from "@plasticity/core/testing";
import { describe, expect, it } from "vitest";
import plugin, { hebbDecay } from "../src/index.js";

describe("hebb-decay", () => {
  it("passes the core conformance kit (reference)", async () => {
    const report = await assertRuleConformance(hebbDecay, {
      paramSets: [{}, { lr: 0.5, decay: 0 }, { lr: 1e-3, decay: 1.5 }],
    });
    expect(report.checks).toContain("deterministic");
    expect(report.kernel).toBeNull();
  });

  it("computes lr⟨y xᵀ⟩ − decay·W by hand", () => {
    // X = [[1,2],[3,4]], Y = [[1,0],[0,2]]: ⟨y xᵀ⟩ = [[0.5,1],[3,4]]; W = [[1,1],[0,2]]
    const f = (a: number[]) => new Float32Array(a);
    const { dw } = hebbDecay.apply(
      {
        pre: f([1, 2, 3, 4]),
        post: f([1, 0, 0, 2]),
        u: f([0, 0, 0, 0]),
        w: f([1, 1, 0, 2]),
        batch: 2,
        nIn: 2,
        nOut: 2,
      },
      { lr: 2, decay: 0.5 },
    );
    expect([...dw]).toEqual([0.5, 1.5, 6, 7]);
  });

  it("settles at W* = (lr / decay) ⟨y xᵀ⟩ for fixed activity", () => {
    const rng = Rng.seeded(5);
    const batch = 8;
    const nIn = 4;
    const nOut = 3;
    const pre = rng.fillNormal(new Float32Array(batch * nIn));
    const post = rng.fillUniform(new Float32Array(batch * nOut), 0, 1);
    const w = rng.fillNormal(new Float32Array(nOut * nIn));
    const params = { lr: 0.05, decay: 0.1 };
    for (let t = 0; t < 400; t++) {
      const { dw } = hebbDecay.apply({ pre, post, u: post, w, batch, nIn, nOut }, params);
      for (let i = 0; i < w.length; i++) w[i] += dw[i];
    }
    for (let i = 0; i < nOut; i++) {
      for (let j = 0; j < nIn; j++) {
        let c = 0;
        for (let b = 0; b < batch; b++) c += post[b * nOut + i] * pre[b * nIn + j];
        expect(w[i * nIn + j]).toBeCloseTo((params.lr / params.decay) * (c / batch), 5);
      }
    }
  });

  it("is a plugin the registry loads next to the builtins", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin.name).toBe("example");
    const registry = createRuleRegistry().use(plugin);
    expect(registry.get("hebb-decay")).toBe(hebbDecay);
    expect(registry.origin("hebb-decay")).toBe("plugin example");
    expect(() => registry.use(plugin)).toThrow(/plugin "example" is already loaded/);
  });

  it("names a bad parameter", () => {
    expect(() => hebbDecay.parseParams({ decay: 2 })).toThrow(/params\.decay/);
    expect(() => hebbDecay.parseParams({ lr: "fast" })).toThrow(/params\.lr/);
  });
});
