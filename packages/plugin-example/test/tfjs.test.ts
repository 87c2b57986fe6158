import { assertRuleConformance } from "@plasticity/core/testing";
import { initBackend, kernelRunner } from "@plasticity/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { hebbDecay } from "../src/index.js";
import { hebbDecayKernel, registerKernels } from "../src/tfjs.js";

describe("hebb-decay tfjs kernel (registered from the plugin)", () => {
  beforeAll(async () => {
    await initBackend({ backend: "cpu" });
    registerKernels();
    registerKernels(); // idempotent
  });

  it("matches the typed-array reference through the conformance kit", async () => {
    const report = await assertRuleConformance(hebbDecay, {
      kernel: kernelRunner("hebb-decay"),
      paramSets: [{}, { lr: 0.5, decay: 0 }, { lr: 1e-3, decay: 1.5 }],
    });
    expect(report.checks).toContain("kernel");
    expect(report.kernel?.compared).toBe(36); // 4 shapes × 3 param sets × 3 steps
    expect(report.kernel?.maxRelDiff).toBeLessThanOrEqual(1e-5);
  });

  it("is registered for every backend", () => {
    expect(hebbDecayKernel.backendName).toBe("*");
    expect(hebbDecayKernel.ruleName).toBe(hebbDecay.name);
  });
});
