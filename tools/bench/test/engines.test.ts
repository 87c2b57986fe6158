import { createRuleRegistry } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import { makeCoreStep, runCoreEngine } from "../src/engines/core.js";
import { blasName, blasNote, runTorchEngines, torchOneStep } from "../src/engines/torch.js";
import { describeEngine } from "../src/report.js";
import type { StepConfig } from "../src/types.js";
import { makeWorkload } from "../src/workload.js";

const tiny: StepConfig = {
  batch: 4,
  nIn: 8,
  nOut: 6,
  rules: ["hebb", "oja", "sanger", "krotov-hopfield", "softhebb"],
  referenceRules: ["hebb", "sanger"],
  params: { softhebb: { antiHebbian: true } },
  matmulSizes: [8, 16],
  seed: 7,
  timing: { warmup: 1, minRepeats: 2, minTimeMs: 0, maxRepeats: 2, slowCallMs: 1e9 },
};

/** W₀ + ΔW of the checked `rule.apply` on the benchmark's own x, W₀ (u = y = x W₀ᵀ). */
function referenceW1(rule: string, config: StepConfig): Float32Array {
  const { x, w0 } = makeWorkload(config);
  const { batch, nIn, nOut } = config;
  const u = new Float32Array(batch * nOut);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < nOut; i++) {
      let s = 0;
      for (let j = 0; j < nIn; j++) s += x[b * nIn + j] * w0[i * nIn + j];
      u[b * nOut + i] = s;
    }
  const { dw } = createRuleRegistry()
    .get(rule)
    .apply({ pre: x, u, post: u, w: w0, batch, nIn, nOut }, config.params[rule]);
  return w0.map((v, i) => v + dw[i]);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("core engine", () => {
  it("the timed step is u = x Wᵀ, ΔW = rule.delta, W += ΔW (same W as rule.apply), and reset restores W₀", () => {
    for (const rule of tiny.rules) {
      const s = makeCoreStep(tiny, rule);
      s.step();
      expect(maxAbsDiff(s.weights(), referenceW1(rule, tiny)), rule).toBeLessThan(1e-6);
      s.reset();
      expect(s.weights()).toEqual(makeWorkload(tiny).w0);
    }
  });

  it("reports its matmul peak and the reference rules with consistent rates", async () => {
    const e = await runCoreEngine(tiny);
    expect(e.status).toBe("ok");
    expect(e.peak?.bySize.map((m) => [m.size, m.flops])).toEqual([
      [8, 2 * 8 ** 3],
      [16, 2 * 16 ** 3],
    ]);
    expect(e.peak?.gflops).toBe(Math.max(...e.peak!.bySize.map((m) => m.gflops)));
    expect(e.steps.map((s) => s.rule)).toEqual(["hebb", "sanger"]);
    for (const s of e.steps) {
      expect(s.samplesPerSec).toBeCloseTo(tiny.batch / (s.timing.medianMs / 1000), 6);
      expect(s.gflops).toBeCloseTo(s.flopsPerStep / (s.timing.medianMs / 1000) / 1e9, 9);
      expect(s.fractionOfPeak).toBeCloseTo(s.gflops / e.peak!.gflops, 9);
      expect(s.timing.repeats).toBe(2);
    }
  });
});

describe("torch engine (Debian python3-torch at /usr/bin/python3)", () => {
  it("computes the same one-step W as core's reference rules, or says why torch cannot run", () => {
    const { x, w0 } = makeWorkload(tiny);
    const r = torchOneStep(tiny, x, w0);
    if (!r.ok) {
      expect(r.reason).toMatch(/not found|torch/);
      return;
    }
    for (const rule of tiny.rules) {
      expect(maxAbsDiff(r.weights[rule], referenceW1(rule, tiny)), rule).toBeLessThan(1e-5);
    }
  });

  it("times every rule per thread count, or is skipped with how to install torch", () => {
    const engines = runTorchEngines(tiny, ["1"]);
    if (engines[0].status === "skipped") {
      expect(engines[0].reason).toMatch(/python3-torch/);
      return;
    }
    expect(engines.map((e) => e.engine)).toEqual(["torch:1"]);
    const [e] = engines;
    expect(e.status).toBe("ok");
    expect(e.steps.map((s) => s.rule)).toEqual(tiny.rules);
    expect(e.peak?.bySize.map((m) => m.size)).toEqual([8, 16]);
    expect(e.steps.find((s) => s.rule === "softhebb")?.params).toMatchObject({
      antiHebbian: true,
      lr: 1e-2,
    });
    expect(e.info).toMatchObject({ threads: 1 });
    const libs = e.info.blasLibraries as string[];
    if (libs.some((l) => l.includes("libopenblas"))) {
      // OpenBLAS keeps its own thread pool: the "1 thread" row must have set it to 1
      expect(e.info.blasThreads).toBe(1);
      expect(describeEngine(e)).toMatch(/BLAS OpenBLAS libopenblas\S*\.so\S*, 1 thread\(s\)/);
    }
  });
});

describe("torch's BLAS, named from the libraries its process mapped", () => {
  const openblas = [
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so",
  ];
  const reference = [
    "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
    "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0",
  ];

  it("OpenBLAS behind Debian's libblas.so.3 is named OpenBLAS, with the threads note", () => {
    expect(blasName(openblas)).toBe("OpenBLAS libopenblasp-r0.3.21.so");
    const n = blasNote(openblas);
    expect(n).toMatch(/^torch's BLAS here is OpenBLAS libopenblasp-r0\.3\.21\.so/);
    expect(n).toMatch(/thread count/);
    expect(n).not.toMatch(/not OpenBLAS/);
  });

  it("Debian's reference libblas is named and flagged as unoptimised", () => {
    expect(blasName(reference)).toBe(
      "Debian's reference libblas /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
    );
    expect(blasNote(reference)).toMatch(/reference libblas .*not OpenBLAS or MKL/);
  });

  it("another BLAS is listed by file name; none found gives no note", () => {
    expect(blasName(["/opt/lib/libmkl_rt.so.2"])).toBe("libmkl_rt.so.2");
    expect(blasNote(["/opt/lib/libmkl_rt.so.2"])).toBe(
      "torch's BLAS here: /opt/lib/libmkl_rt.so.2",
    );
    expect(blasName([])).toBeNull();
    expect(blasNote([])).toBeNull();
  });
});
