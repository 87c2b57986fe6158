import { createRuleRegistry } from "@plasticity/core";
import { initBackend } from "@plasticity/tfjs";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { makeTfjsStep } from "../src/engines/tfjs.js";
import type { BenchReport, StepConfig } from "../src/types.js";
import { makeWorkload } from "../src/workload.js";

const tiny: StepConfig = {
  batch: 4,
  nIn: 8,
  nOut: 6,
  rules: ["hebb", "oja", "sanger", "krotov-hopfield", "softhebb"],
  referenceRules: ["hebb"],
  params: {},
  matmulSizes: [16],
  seed: 3,
  timing: { warmup: 1, minRepeats: 2, minTimeMs: 0, maxRepeats: 2, slowCallMs: 1e9 },
};

describe("tfjs engine", () => {
  it("times HebbianDense.learn: one step gives core's W₀ + ΔW; reset restores W₀", async () => {
    await initBackend({ backend: "cpu" });
    const { x, w0 } = makeWorkload(tiny);
    const { batch, nIn, nOut } = tiny;
    const u = new Float32Array(batch * nOut);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < nOut; i++)
        for (let j = 0; j < nIn; j++) u[b * nOut + i] += x[b * nIn + j] * w0[i * nIn + j];
    for (const rule of tiny.rules) {
      const { dw } = createRuleRegistry()
        .get(rule)
        .apply({ pre: x, u, post: u, w: w0, batch, nIn, nOut });
      const s = makeTfjsStep(tiny, rule);
      try {
        s.step();
        const w1 = s.weights();
        for (let i = 0; i < w1.length; i++)
          expect(w1[i], `${rule}[${i}]`).toBeCloseTo(w0[i] + dw[i], 5);
        s.reset();
        expect(s.weights()).toEqual(w0);
      } finally {
        s.dispose();
      }
    }
  });
});

describe("pnpm bench rules --json (tiny run)", () => {
  it("prints one JSON object: config, FLOP formulas, engines with peak, steps and rates", async () => {
    const lines: string[] = [];
    const progress: string[] = [];
    const code = await main(
      [
        "rules",
        "--json",
        ...["--batch", "4", "--n-in", "8", "--n-out", "6", "--matmul-sizes", "8,16"],
        ...["--rules", "hebb,softhebb", "--reference-rules", "hebb", "--backends", "cpu,wasm"],
        ...["--warmup", "1", "--repeats", "2", "--min-time-ms", "0", "--max-repeats", "2"],
        "--no-torch",
        "--no-isolate",
      ],
      (s) => lines.push(s),
      (s) => progress.push(s),
    );
    expect(code, progress.join("\n")).toBe(0);
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]) as BenchReport;
    expect(r.benchmark).toBe("rules");
    expect(r.machine.cpus).toBeGreaterThan(0);
    expect(typeof r.loadAvg1AtEnd).toBe("number");
    expect(r.config).toMatchObject({
      batch: 4,
      nIn: 8,
      nOut: 6,
      matmulSizes: [8, 16],
      rules: ["hebb", "softhebb"],
    });
    expect(r.flops.map((f) => [f.rule, f.formula])).toEqual([
      ["hebb", "2·B·I·O + 2·B·I·O + 2·I·O"],
      ["softhebb", "2·B·I·O + 2·B·I·O + 2·B·O + 2·I·O + 2·I·O"],
    ]);
    expect(r.engines.map((e) => [e.engine, e.status])).toEqual([
      ["tfjs:cpu", "ok"],
      ["tfjs:wasm", "ok"],
      ["core", "ok"],
    ]);
    for (const e of r.engines) {
      expect(e.peak?.bySize.map((m) => m.size)).toEqual([8, 16]);
      expect(e.peakRssMiB).toBeGreaterThan(0);
      for (const s of e.steps) {
        const flops = r.flops.find((f) => f.rule === s.rule)!.total;
        expect(s.flopsPerStep).toBe(flops);
        expect(s.timing.samplesMs).toHaveLength(2);
        expect(s.samplesPerSec).toBeCloseTo(4 / (s.timing.medianMs / 1000), 6);
        expect(s.fractionOfPeak).toBeCloseTo(s.gflops / e.peak!.gflops, 9);
      }
    }
    expect(r.engines[0].steps.map((s) => [s.rule, s.path])).toEqual([
      ["hebb", "HebbianDense.learn (@plasticity/tfjs)"],
      ["softhebb", "HebbianDense.learn (@plasticity/tfjs)"],
    ]);
    expect(r.engines[0].info).toMatchObject({ backend: "cpu" });
    expect(r.engines[2].steps.map((s) => s.rule)).toEqual(["hebb"]);
  });

  it("skips a backend that cannot start, with its reason", async () => {
    const lines: string[] = [];
    const code = await main(
      [
        "matmul",
        "--json",
        "--backends",
        "tensorflow",
        "--matmul-sizes",
        "8",
        "--no-torch",
        "--no-isolate",
        "--min-time-ms",
        "0",
      ],
      (s) => lines.push(s),
      () => {},
    );
    expect(code).toBe(0);
    const r = JSON.parse(lines[0]) as BenchReport;
    const tf = r.engines.find((e) => e.engine === "tfjs:tensorflow")!;
    expect(tf.status).toBe("skipped");
    expect(tf.reason).toMatch(/tfjs-node/);
    expect(r.notes.some((n) => n.startsWith("tfjs:tensorflow skipped"))).toBe(true);
    expect(r.engines.find((e) => e.engine === "core")?.steps).toEqual([]);
  });
});
