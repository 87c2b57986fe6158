import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildConfig,
  createRegistries,
  type ExperimentConfig,
  readMetrics,
  resumeExperiment,
  runExperiment,
} from "../src/index.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-fa-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A small conv net with every ingredient (conv, pool, dropout, dense) on 1000 MNIST images. */
function config(sets: string[] = []): ExperimentConfig {
  const raw = {
    name: "fa-small",
    backend: "wasm",
    seed: 3,
    data: { dataset: "mnist", limit: 1000, testLimit: 500 },
    model: {
      kind: "feedback-alignment",
      layers: [
        { type: "conv", name: "conv1", filters: 8, kernel: 5 },
        { type: "maxpool", name: "pool1", size: 3, stride: 3 },
        { type: "dropout", name: "drop1", p: 0.5 },
        { type: "dense", name: "dense1", units: 64 },
        { type: "dropout", name: "drop2", p: 0.3 },
      ],
      method: "urfb",
      lr: 0.1,
    },
    train: { epochs: 3, batchSize: 50 },
    eval: { probes: ["ridge"], trainLimit: 500 },
    checkpoint: { every: 10 },
    log: { every: 10 },
  };
  const path = join(out, `cfg-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(raw));
  return buildConfig({ target: path, sets }, createRegistries()).config;
}

describe("model kind feedback-alignment", () => {
  it("trains, reports its own test accuracy per epoch and at the end, W–R angles and probes, resumes bit for bit", async () => {
    const cfg = config();
    const a = await runExperiment(cfg, { registries: createRegistries(), outDir: out });
    const rows = readMetrics(join(a.dir, "metrics.jsonl"));
    const epochs = rows.filter((m) => m["output.testAccuracy"] !== undefined);
    expect(epochs.map((m) => m.step)).toEqual([20, 40, 60]);
    const acc = a.summary.eval!.output!.testAccuracy;
    expect(acc).toBe(epochs[2]!["output.testAccuracy"]);
    expect(acc).toBeGreaterThan(0.3); // 60 steps of 50 images (~0.44 here); chance is 0.1
    // the diagnostics are logged per layer
    const logged = rows.find((m) => m["conv1.angle_wr"] !== undefined)!;
    for (const k of ["conv1", "dense1", "out"]) {
      expect(logged[`${k}.angle_wr`]).toBeGreaterThan(0);
      expect(logged[`${k}.norm_ratio`]).toBeGreaterThan(0);
      expect(logged[`${k}.angle_grad`]).toBeGreaterThanOrEqual(0);
    }
    // under URFB the top layer's update is BP's exactly
    expect(logged["out.angle_grad"]).toBeLessThan(1e-3);
    const figs = readdirSync(join(a.dir, "figures"));
    for (const f of ["angle-w-r.svg", "angle-update-bp.svg", "norm-ratio.svg", "conv-filters.png"])
      expect(figs).toContain(f);
    const probed = a.summary.eval!.rows.map((r) => r.layer);
    expect(probed).toEqual(expect.arrayContaining(["pool1", "dense1"]));
    // stop mid-epoch (dropout draws and weights in the checkpoint), then resume
    const ctl = new AbortController();
    let dir = "";
    await expect(
      runExperiment(cfg, {
        registries: createRegistries(),
        outDir: out,
        signal: ctl.signal,
        onEvent: (e) => {
          if (e.type === "start") dir = e.dir;
          if (e.type === "step" && e.step === 33) ctl.abort();
        },
      }),
    ).rejects.toThrow(/interrupted after step 33/);
    const resumed = await resumeExperiment(dir, { registries: createRegistries() });
    expect(resumed.summary.stateHash).toBe(a.summary.stateHash);
    expect(resumed.summary.eval!.output).toEqual(a.summary.eval!.output);
  }, 300_000);

  it("every Amit preset parses, with its untied variant", () => {
    const regs = createRegistries();
    const names = regs.presets.names().filter((n) => n.startsWith("amit-"));
    expect(names.sort()).toEqual(
      [
        "amit-deep-cifar10",
        "amit-deep-cifar100",
        "amit-deep-fmnist",
        "amit-simple-fmnist",
        "amit-simple-mnist",
      ]
        .flatMap((n) => [n, `${n}-untied`])
        .sort(),
    );
    for (const n of names) {
      const c = buildConfig({ target: n, sets: [] }, regs).config;
      const m = c.model as { kind: string; untied: boolean; method: string; architecture: string };
      expect(m.kind).toBe("feedback-alignment");
      expect(m.untied).toBe(n.endsWith("-untied"));
      expect(c.train.batchSize).toBe(500);
    }
    const bad = () =>
      buildConfig({ target: "amit-simple-mnist", sets: ["model.method=sgd"] }, regs);
    expect(bad).toThrow(/model\.method/);
  });
});
