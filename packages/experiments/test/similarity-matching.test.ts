import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "@plasticity/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildConfig,
  createRegistries,
  readMetrics,
  resumeExperiment,
  runExperiment,
} from "../src/index.js";
import { FEATURE_CALL_VALUES, featureCallImages } from "../src/models/similarity-matching-model.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-sm-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The quick preset shrunk to seconds: 6 rounds of 100 real MNIST images, 40 Euler steps. */
function small(extra: string[] = []) {
  return buildConfig(
    {
      target: "sm-mnist-nps4-quick",
      backend: "wasm",
      sets: [
        "data.limit=600",
        "data.testLimit=200",
        "model.workers=0",
        'model.layers=[{"kind":"structured","nps":2,"radius":4,"stride":2}]',
        'model.dynamics={"mode":"fixed","steps":40}',
        "model.similarityImages=3",
        "train.batchSize=100",
        "train.maxSteps=6",
        'eval.probes=["ridge","svm"]',
        "eval.trainLimit=600",
        "eval.input=false",
        "checkpoint.every=2",
        ...extra,
      ],
    },
    createRegistries(),
  ).config;
}

describe("similarity-matching model kind", () => {
  beforeAll(async () => {
    await initBackend({ backend: "wasm" });
  });

  it("presets: the paper's table, the quick run and the deep net, all valid", () => {
    const regs = createRegistries();
    for (const n of [4, 8, 16, 32, 64, 100]) {
      const { config } = buildConfig({ target: `sm-mnist-nps${n}` }, regs);
      expect((config.model.layers as { nps: number }[])[0]!.nps).toBe(n);
      expect(config.train.maxSteps).toBe(120);
      expect(config.train.sampling).toBe("replacement");
      expect(config.eval.probes).toEqual(["svm"]);
      expect(config.description).toMatch(/Standard MNIST split/);
    }
    expect(buildConfig({ target: "sm-mnist-nps4-quick" }, regs).config.train.maxSteps).toBe(20);
    const deep = buildConfig({ target: "sm-mnist-deep" }, regs).config.model;
    expect(deep.gamma).toBeGreaterThan(0);
    expect(deep.layers).toHaveLength(2);
  });

  it("feature calls of wide layers hold a bounded number of values per worker", () => {
    expect(featureCallImages(1000, 784)).toBe(1000); // NpS 4: the configured batch
    expect(featureCallImages(1000, 19_600)).toBe(204); // NpS 100
    expect(204 * 19_600).toBeLessThanOrEqual(FEATURE_CALL_VALUES);
    expect(featureCallImages(1000, 2 * FEATURE_CALL_VALUES)).toBe(1); // never zero
  });

  it("trains, logs convergence and the objective, probes, draws, and resumes bit for bit", async () => {
    const regs = createRegistries();
    const a = await runExperiment(small(), { registries: regs, outDir: out });
    const rows = readMetrics(join(a.dir, "metrics.jsonl"));
    expect(rows).toHaveLength(6);
    rows.forEach((r, k) => {
      expect(r["sm.lr"]).toBeCloseTo(Math.max(5e-3 / (1 + 0.5 * k), 1e-4), 15);
    });
    expect(rows.every((r) => Number.isFinite(r["layer1.objective"]))).toBe(true);
    expect(rows[0]!["sm.steps"]).toBe(40);
    const figs = readdirSync(join(a.dir, "figures"));
    for (const f of ["rsm-input.png", "rsm-layer1.png", "sm-objective.svg", "sm-steps.svg"]) {
      expect(figs).toContain(f);
    }
    const report = a.summary.eval!;
    const svm = (variant: string) =>
      report.rows.find((r) => r.layer === "layer1" && r.variant === variant)?.probes.svm
        ?.testAccuracy;
    expect(svm("trained")).toBeGreaterThan(0.6);
    expect(svm("random-init")).toBeGreaterThan(0.5);
    expect(figs).toContain("sm-feature-steps.svg");

    const ctl = new AbortController();
    let dir = "";
    await expect(
      runExperiment(small(), {
        registries: regs,
        outDir: out,
        signal: ctl.signal,
        onEvent: (e) => {
          if (e.type === "start") dir = e.dir;
          if (e.type === "step" && e.step === 3) ctl.abort();
        },
      }),
    ).rejects.toThrow(/interrupted after step 3/);
    const resumed = await resumeExperiment(dir, { registries: regs });
    expect(resumed.summary.stateHash).toBe(a.summary.stateHash);
    expect(resumed.summary.eval!.rows).toEqual(report.rows);
  }, 240_000);
});
