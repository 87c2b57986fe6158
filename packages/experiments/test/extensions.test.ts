import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "@plasticity/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildConfig,
  createRegistries,
  type ExperimentConfig,
  lrScheduleSchema,
  type Registries,
  readMetrics,
  resumeExperiment,
  runExperiment,
} from "../src/index.js";
import { lrFactor } from "../src/run/schedule.js";
import { softmaxKind } from "./supervised-kind.js";

const out = mkdtempSync(join(tmpdir(), "plasticity-ext-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function registries(): Registries {
  const regs = createRegistries();
  regs.models.register(softmaxKind);
  return regs;
}

function config(sets: string[]): ExperimentConfig {
  const regs = registries();
  const raw = {
    name: "softmax",
    backend: "cpu",
    data: { dataset: "mnist", limit: 1000, testLimit: 300 },
    model: { kind: "test-softmax" },
    train: { epochs: 2, batchSize: 100 },
    eval: { probes: ["ridge"], trainLimit: 500, randomBaseline: false, input: false },
    checkpoint: { every: 5 },
    log: { every: 1 },
  };
  const path = join(out, `cfg-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(raw));
  return buildConfig({ target: path, sets }, regs).config;
}

describe("train.lrSchedule", () => {
  const parse = (v: unknown) => lrScheduleSchema.parse(v);
  it("gives Obeid et al.'s η = max(η₀/(1 + 0.5·round), η_min) as a factor", () => {
    const s = parse({ kind: "inverse", every: 10, decay: 0.5, min: 1e-4 / 5e-3 });
    const eta = (step: number) => 5e-3 * lrFactor(s, step, 1200);
    expect(eta(0)).toBeCloseTo(5e-3, 12);
    expect(eta(9)).toBeCloseTo(5e-3, 12);
    expect(eta(10)).toBeCloseTo(5e-3 / 1.5, 12);
    expect(eta(40)).toBeCloseTo(5e-3 / 3, 12);
    expect(eta(10 * 98)).toBeCloseTo(1e-4, 12); // the floor is reached at round 98
    expect(eta(10 * 119)).toBeCloseTo(1e-4, 12);
  });
  it("step and linear schedules", () => {
    const st = parse({ kind: "step", every: 3, gamma: 0.1 });
    expect([0, 2, 3, 6].map((t) => lrFactor(st, t, 10))).toEqual([1, 1, 0.1, 0.1 ** 2]);
    const lin = parse({ kind: "linear" });
    expect([0, 5, 10].map((t) => lrFactor(lin, t, 10))).toEqual([1, 0.5, 0]);
    expect(lrFactor(parse({ kind: "linear", min: 0.2 }), 9, 10)).toBe(0.2);
    expect(lrFactor(parse({ kind: "constant" }), 7, 10)).toBe(1);
  });
  it("refuses unknown kinds and fields", () => {
    expect(() => parse({ kind: "cosine" })).toThrow();
    expect(() => parse({ kind: "inverse", rate: 1 })).toThrow();
  });
});

describe("runner extension points with a supervised model kind", () => {
  beforeAll(async () => {
    await initBackend({ backend: "cpu" });
  });

  it("passes the schedule's factor, scores the output per epoch and at the end, draws plots", async () => {
    const cfg = config(['train.lrSchedule={"kind":"inverse","every":4,"decay":1}']);
    const r = await runExperiment(cfg, { registries: registries(), outDir: out });
    const rows = readMetrics(join(r.dir, "metrics.jsonl"));
    const seen = rows.map((m) => m.lr_scale_seen);
    expect(seen.slice(0, 9)).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 1 / 3]);
    expect(rows.every((m) => m.lr_scale === m.lr_scale_seen)).toBe(true);
    const epochEnds = rows.filter((m) => m["output.testAccuracy"] !== undefined);
    expect(epochEnds.map((m) => m.step)).toEqual([10, 20]);
    const out1 = r.summary.eval!.output!;
    expect(out1.step).toBe(20);
    expect(out1.testAccuracy).toBeGreaterThan(0.7); // softmax regression on pixels, 2 epochs of 1000
    expect(out1.testAccuracy).toBe(epochEnds[1]!["output.testAccuracy"]);
    expect(out1.testLoss).toBeGreaterThan(0);
    const figs = readdirSync(join(r.dir, "figures"));
    for (const f of [
      "class-templates.png",
      "w-gram.png",
      "w-norms.svg",
      "w-hist.svg",
      "lr-scale.svg",
    ])
      expect(figs).toContain(f);
  });

  it("draws batches with replacement, deterministically, and resumes bit for bit", async () => {
    const cfg = config(["train.sampling=replacement", "train.epochs=3"]);
    const a = await runExperiment(cfg, { registries: registries(), outDir: out });
    const b = await runExperiment(cfg, { registries: registries(), outDir: out });
    expect(a.summary.stateHash).toBe(b.summary.stateHash);
    const perm = await runExperiment(config(["train.epochs=3"]), {
      registries: registries(),
      outDir: out,
    });
    expect(perm.summary.stateHash).not.toBe(a.summary.stateHash);
    // stop after step 12 (mid-epoch), then resume
    const ctl = new AbortController();
    let dir = "";
    await expect(
      runExperiment(cfg, {
        registries: registries(),
        outDir: out,
        signal: ctl.signal,
        onEvent: (e) => {
          if (e.type === "start") dir = e.dir;
          if (e.type === "step" && e.step === 12) ctl.abort();
        },
      }),
    ).rejects.toThrow(/interrupted after step 12/);
    const resumed = await resumeExperiment(dir, { registries: registries() });
    expect(resumed.summary.stateHash).toBe(a.summary.stateHash);
    expect(resumed.summary.eval!.output).toEqual(a.summary.eval!.output);
  });

  it("leaves no run directory when the data cannot be loaded", async () => {
    const root = join(out, "empty");
    await expect(
      runExperiment(config(["data.dataset=cifar10", "data.download=false"]), {
        registries: registries(),
        outDir: root,
      }),
    ).rejects.toThrow();
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    await expect(
      runExperiment(config(["train.batchSize=5000"]), { registries: registries(), outDir: root }),
    ).rejects.toThrow(/train.batchSize/);
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
  });
});
