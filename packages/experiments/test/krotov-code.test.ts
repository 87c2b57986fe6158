import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { accuracyOf, buildConfig, createRegistries, runExperiment } from "../src/index.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-kh-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("mnist-krotov-hopfield-code on real MNIST", () => {
  it("ranked by the raw current, every unit learns and the probe beats random init", async () => {
    const regs = createRegistries();
    const sets = [
      "data.limit=10000",
      "data.testLimit=2000",
      "eval.trainLimit=5000",
      "eval.probes=[ridge]",
      "eval.input=false",
      "figures.enabled=false",
      "model.layers.0.params.lr=0.5",
    ];
    const { config } = buildConfig(
      { target: "mnist-krotov-hopfield-code", sets, backend: "wasm" },
      regs,
    );
    const r = await runExperiment(config, { registries: regs, outDir: out });
    const trained = accuracyOf(r.summary.eval!, "layer1", "trained", "ridge")!;
    const init = accuracyOf(r.summary.eval!, "layer1", "random-init", "ridge")!;
    expect(trained).toBeGreaterThan(init + 0.08);
    // every row moved from its N(0,1) init (norm ≈ 28) towards unit norm
    expect(r.summary.diagnostics["layer1.w_norm_max"]).toBeLessThan(10);
  });
});
