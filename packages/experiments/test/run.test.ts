import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineRule, Rng } from "@plasticity/core";
import { initBackend, runRuleKernel, tf } from "@plasticity/tfjs";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  accuracyOf,
  buildConfig,
  ConfigError,
  compareRuns,
  createRegistries,
  decodeState,
  type ExperimentConfig,
  encodeState,
  evaluateRun,
  figuresForRun,
  formatComparison,
  hashState,
  hebbianMlp,
  latestCheckpoint,
  type Registries,
  RunInterruptedError,
  type RunResult,
  readMetrics,
  readSummary,
  resolveConfig,
  resumeExperiment,
  runExperiment,
} from "../src/index.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-run-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A small real-MNIST config: 2000 training images, 60 units, 20 steps of 100. */
const SMALL = [
  "data.limit=2000",
  "data.testLimit=500",
  "eval.trainLimit=1000",
  "model.layers.0.units=60",
  "checkpoint.every=5",
  "checkpoint.keep=10",
  "log.every=2",
  "eval.softmax.epochs=3",
  "eval.every=10",
];

/** The mnist-quick preset with `sets` applied, on `backend`, resolved against `regs`. */
function mnistQuick(
  sets: string[],
  backend: "wasm" | "cpu",
  regs: Registries = createRegistries(),
): ExperimentConfig {
  return buildConfig({ target: "mnist-quick", sets, backend }, regs).config;
}

function smallConfig(extra: string[] = []): ExperimentConfig {
  return mnistQuick([...SMALL, ...extra], "wasm");
}

const metricsText = (r: RunResult) => readFileSync(join(r.dir, "metrics.jsonl"), "utf8");

describe("runExperiment on a small real MNIST subset", () => {
  let first: RunResult;
  beforeAll(async () => {
    first = await runExperiment(smallConfig(), {
      registries: createRegistries(),
      outDir: out,
      source: "test",
    });
  });

  it("writes config, metrics, summary, checkpoints and figures", () => {
    const { dir, summary } = first;
    expect(dir).toMatch(/mnist-quick-\d{8}-\d{6}$/);
    for (const f of ["config.json", "metrics.jsonl", "summary.json"])
      expect(existsSync(join(dir, f))).toBe(true);
    expect(summary.status).toBe("completed");
    expect(summary.steps).toEqual({ done: 20, total: 20, perEpoch: 20 });
    expect(summary.samples).toBe(2000);
    expect(summary.backend?.name).toBe("wasm");
    expect(summary.seed).toBe(0);
    expect(summary.versions["@plasticity/experiments"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.versions["@tensorflow/tfjs-core"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.peakRssMB).toBeGreaterThan(0);
    expect(summary.wallSeconds).toBeGreaterThan(0);
    expect(summary.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.diagnostics["layer1.units"]).toBe(60);
    const rows = readMetrics(join(dir, "metrics.jsonl"));
    expect(rows.map((r) => r.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(rows[0]).toHaveProperty("layer1.dw_rel");
    // eval.every = 10: the ridge probe's accuracy is logged at steps 10 and 20
    expect(rows.filter((r) => "probe.layer1.ridge" in r).map((r) => r.step)).toEqual([10, 20]);
    expect(rows[rows.length - 1]!["probe.layer1.ridge"]).toBe(
      accuracyOf(summary.eval!, "layer1", "trained", "ridge"),
    );
    expect(summary.finalMetrics).toEqual(rows[rows.length - 1]);
    const ckpt = latestCheckpoint(join(dir, "checkpoints"))!;
    expect(ckpt.checkpoint.final).toBe(true);
    expect(ckpt.checkpoint.step).toBe(20);
    const png = PNG.sync.read(readFileSync(join(dir, "figures", "filters-layer1.png")));
    expect(png.width).toBeGreaterThan(28 * 8);
    for (const f of [
      "filters-layer1-init.png",
      "metrics.svg",
      "probe-accuracy.svg",
      "confusion-layer1.svg",
    ]) {
      expect(existsSync(join(dir, "figures", f)), f).toBe(true);
    }
  });

  it("probes every layer, the input and the random init with both probes", () => {
    const ev = first.summary.eval!;
    expect(ev.nTrain).toBe(1000);
    expect(ev.nTest).toBe(500);
    expect(ev.rows.map((r) => `${r.layer}/${r.variant}`)).toEqual([
      "input/input",
      "layer1/trained",
      "layer1/random-init",
    ]);
    for (const r of ev.rows) {
      for (const p of ["ridge", "softmax"] as const) {
        const acc = r.probes[p]!.testAccuracy;
        expect(acc).toBeGreaterThan(0.5);
        expect(acc).toBeLessThanOrEqual(1);
      }
    }
  });

  it("is deterministic: the same config and seed give identical metrics and weights", async () => {
    const again = await runExperiment(smallConfig(), {
      registries: createRegistries(),
      outDir: out,
    });
    expect(metricsText(again)).toBe(metricsText(first));
    expect(again.summary.stateHash).toBe(first.summary.stateHash);
    expect(again.summary.eval).toEqual(first.summary.eval);
    const other = await runExperiment(smallConfig(["seed=1"]), {
      registries: createRegistries(),
      outDir: out,
    });
    expect(other.summary.stateHash).not.toBe(first.summary.stateHash);
  });

  it("resumes after an interruption bit for bit", async () => {
    const regs = createRegistries();
    const controller = new AbortController();
    let dir = "";
    const stopped = await runExperiment(smallConfig(), {
      registries: regs,
      outDir: out,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "start") dir = e.dir;
        if (e.type === "step" && e.step === 7) controller.abort();
      },
    }).catch((err: unknown) => err);
    expect(stopped).toBeInstanceOf(RunInterruptedError);
    expect((stopped as RunInterruptedError).step).toBe(7);
    expect(readSummary(join(dir, "summary.json"))!.status).toBe("interrupted");
    const resumed = await resumeExperiment(dir, { registries: createRegistries() });
    expect(metricsText(resumed)).toBe(metricsText(first));
    expect(resumed.summary.stateHash).toBe(first.summary.stateHash);
    expect(resumed.summary.resumedAt).toEqual([7]);
    await expect(resumeExperiment(dir, { registries: createRegistries() })).rejects.toThrow(
      ConfigError,
    );
  });

  it("finishes a run stopped after its final checkpoint (while probing) without training again", async () => {
    const dir = join(out, "stopped-while-probing");
    cpSync(first.dir, dir, { recursive: true });
    rmSync(join(dir, "figures"), { recursive: true });
    const summaryPath = join(dir, "summary.json");
    writeFileSync(
      summaryPath,
      JSON.stringify({ ...readSummary(summaryPath)!, status: "running", eval: null }),
    );
    const done = await resumeExperiment(dir, { registries: createRegistries() });
    expect(done.summary.status).toBe("completed");
    expect(done.summary.eval!.rows).toEqual(first.summary.eval!.rows);
    expect(metricsText(done)).toBe(metricsText(first));
    expect(existsSync(join(dir, "figures", "filters-layer1.png"))).toBe(true);
  });

  it("evaluates and redraws a finished run, and compares runs", async () => {
    const regs = createRegistries();
    const { report } = await evaluateRun(first.dir, regs);
    expect(report.rows).toEqual(first.summary.eval!.rows);
    const figs = await figuresForRun(
      first.dir,
      regs,
      readMetrics(join(first.dir, "metrics.jsonl")),
    );
    expect(figs.some((f) => f.endsWith("filters-layer1.png"))).toBe(true);
    const rows = compareRuns([first.dir, first.dir]);
    expect(rows[0]!.accuracy["layer1/ridge"]!.trained).toBe(
      accuracyOf(first.summary.eval!, "layer1", "trained", "ridge"),
    );
    const table = formatComparison(rows);
    expect(table).toContain("layer1/ridge %");
    expect(table).toContain(rows[0]!.run);
  });
});

describe("learning", () => {
  it("the trained layer's probe beats the same probe on the random-init layer (real MNIST)", async () => {
    const regs = createRegistries();
    const config = mnistQuick(
      [
        "data.limit=10000",
        "data.testLimit=2000",
        "eval.trainLimit=5000",
        "eval.probes=[ridge]",
        "figures.enabled=false",
        "checkpoint.every=0",
      ],
      "wasm",
      regs,
    );
    const { summary } = await runExperiment(config, { registries: regs, outDir: out });
    const trained = accuracyOf(summary.eval!, "layer1", "trained", "ridge")!;
    const init = accuracyOf(summary.eval!, "layer1", "random-init", "ridge")!;
    expect(trained).toBeGreaterThan(init + 0.02);
  });
});

describe("hebbian-mlp", () => {
  it("stacks layers, probes each one, and leaks no tensors per step", async () => {
    await initBackend({ backend: "cpu" });
    const regs = createRegistries();
    const config = resolveConfig(
      {
        model: {
          layers: [
            {
              units: 12,
              rule: "softhebb",
              params: { lr: 0.5, temperature: 0.1 },
              activation: { kind: "relu" },
            },
            { units: 5, rule: "oja", activation: { kind: "linear" }, init: "unit-norm" },
          ],
        },
      },
      regs,
    );
    // 4×4 one-channel images, two classes, on cpu; `seed` seeds the model's weights
    const create = (seed: number) =>
      hebbianMlp.create(config.model as never, {
        rng: Rng.seeded(seed),
        rules: regs.rules,
        inputShape: [4, 4, 1],
        nClasses: 2,
        backend: "cpu",
      });
    const model = await create(0);
    const rng = Rng.seeded(1);
    const batch = {
      x: rng.fillUniform(new Float32Array(8 * 16)),
      y: new Int32Array(8),
      shape: [8, 4, 4, 1] as const,
    };
    await model.trainStep(batch, { step: 0, epoch: 0, wantMetrics: true, lrScale: 1 });
    const before = tf.memory().numTensors;
    for (let s = 1; s < 5; s++) {
      const m = await model.trainStep(batch, {
        step: s,
        epoch: 0,
        wantMetrics: s % 2 === 0,
        lrScale: 1,
      });
      if (s % 2 === 0) expect(Object.keys(m)).toContain("layer2.dw_rel");
    }
    const f = await model.features(batch.x, 8);
    expect(f.map((l) => [l.layer, l.dim, l.data.length])).toEqual([
      ["layer1", 12, 96],
      ["layer2", 5, 40],
    ]);
    expect((await model.filters())[0]).toMatchObject({
      layer: "layer1",
      count: 12,
      shape: [4, 4, 1],
    });
    expect(tf.memory().numTensors).toBe(before);
    // state round-trips bit for bit through a checkpoint encoding
    const state = await model.getState();
    const twin = await create(99);
    await twin.setState(decodeState(JSON.parse(JSON.stringify(encodeState(state)))));
    expect(hashState(await twin.getState())).toBe(hashState(state));
    model.dispose();
    twin.dispose();
  });
});

describe("plugin rules without a tfjs kernel", () => {
  it("train through their typed-array reference", async () => {
    const decayHebb = defineRule({
      name: "test-decay-hebb",
      description: "Hebb with weight decay (test)",
      equation: "ΔW = lr ⟨y xᵀ⟩ − decay W",
      reference: "test",
      params: z.object({ lr: z.number().default(1e-3), decay: z.number().default(1e-2) }),
      delta({ pre, post, w, batch, nIn, nOut }, { lr, decay }, dw, state) {
        for (let i = 0; i < nOut; i++) {
          for (let j = 0; j < nIn; j++) {
            let s = 0;
            for (let b = 0; b < batch; b++) s += post[b * nOut + i]! * pre[b * nIn + j]!;
            dw[i * nIn + j] = (lr * s) / batch - decay * w[i * nIn + j]!;
          }
        }
        return state;
      },
    });
    const regs = createRegistries();
    regs.rules.register(decayHebb, "test");
    const config = mnistQuick(
      [
        "data.limit=300",
        "data.testLimit=100",
        "eval.trainLimit=200",
        "model.layers.0={units: 8, rule: test-decay-hebb, activation: {kind: relu}}",
        "train.batchSize=50",
        "eval.probes=[ridge]",
        "figures.enabled=false",
      ],
      "cpu",
      regs,
    );
    const { summary, dir } = await runExperiment(config, { registries: regs, outDir: out });
    expect(summary.status).toBe("completed");
    expect(existsSync(join(dir, "metrics.jsonl"))).toBe(true);
    // the registered fallback kernel computes exactly the rule's reference ΔW
    const rng = Rng.seeded(3);
    const [batch, nIn, nOut] = [4, 5, 3];
    const pre = rng.fillNormal(new Float32Array(batch * nIn));
    const w = rng.fillNormal(new Float32Array(nOut * nIn));
    const post = rng.fillNormal(new Float32Array(batch * nOut));
    const want = decayHebb.apply({ pre, u: post, post, w, batch, nIn, nOut }, { lr: 0.1 }).dw;
    const res = runRuleKernel(
      "test-decay-hebb",
      {
        pre: tf.tensor2d(pre, [batch, nIn]),
        u: tf.tensor2d(post, [batch, nOut]),
        post: tf.tensor2d(post, [batch, nOut]),
        w: tf.tensor2d(w, [nOut, nIn]),
      },
      decayHebb.parseParams({ lr: 0.1 }),
      {},
    );
    expect(Float32Array.from(res.dw.dataSync())).toEqual(want);
  });
});
