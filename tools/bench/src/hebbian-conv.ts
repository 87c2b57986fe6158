import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Rng } from "@plasticity/core";
import {
  denseConv,
  gatherKept,
  HebbianConvNet,
  type LayerGeometry,
  sparseConv,
  standardizeImages,
  toFilterLayout,
  workerExecutor,
} from "@plasticity/hebbian-conv";
import { initBackend, tf } from "@plasticity/tfjs";
import { torchPython } from "./engines/torch.js";
import { fmt, renderTable } from "./format.js";
import { median, peakRssMiB } from "./harness.js";
import { loadAvg1, type MachineInfo, machineInfo } from "./machine.js";

/** The PyTorch reference (train and bench modes), beside this package's src/ and dist/. */
export const MICONI_SCRIPT = fileURLToPath(
  new URL("../python/miconi_reference.py", import.meta.url),
);

/** CIFAR shape, as the reference step. */
const INPUT: [number, number, number] = [32, 32, 3];

export interface HebbianConvBenchOptions {
  readonly batch: number;
  readonly backend: "wasm" | "cpu";
  /** Thread counts to time (1 = this thread only). */
  readonly workers: readonly number[];
  /** Timed wall time per thread count (and for torch). */
  readonly durationMs: number;
  readonly torch: boolean;
  readonly torchThreads: number;
  readonly seed: number;
  readonly log: (s: string) => void;
}

/** Multiply-adds per image of one dense layer's forward: positions · cout · fanIn. */
const macs = (g: LayerGeometry) => g.oh * g.ow * g.cout * g.fanIn;

/**
 * FLOPs per image of the reference's dense step: the ZCA product (2d²), each layer's dense
 * forward conv (2 MACs) and its dense filter gradient (autodiff of the surrogate: 2 MACs more).
 */
export function denseStepFlops(geoms: readonly LayerGeometry[]): number {
  const d = INPUT[0] * INPUT[1] * INPUT[2];
  return 2 * d * d + geoms.reduce((s, g) => s + 4 * macs(g), 0);
}

/** The model name `lscpu` prints (the CPU of every speed figure), or null. */
export function lscpuModel(): string | null {
  const r = spawnSync("lscpu", [], { encoding: "utf8" });
  const line = r.stdout?.split("\n").find((l) => l.startsWith("Model name:"));
  return line ? line.slice("Model name:".length).trim() : null;
}

interface Workload {
  readonly x: Float32Array;
  readonly zca: tf.Tensor2D;
}

function workload(batch: number, seed: number): Workload {
  const rng = Rng.seeded(seed);
  const d = INPUT[0] * INPUT[1] * INPUT[2];
  const x = rng.fillUniform(new Float32Array(batch * d));
  // applying a whitening matrix costs the same whatever its values: a symmetric random one
  const Z = rng.fillNormal(new Float32Array(d * d), 0, 1 / Math.sqrt(d));
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) Z[i * d + j] = Z[j * d + i]!;
  return { x, zca: tf.tensor2d(Z, [d, d]) };
}

/** Per-image standardisation, then x Z with the tfjs backend's matmul: the ZCA phase. */
function whiten(w: Workload, batch: number): Float32Array {
  const d = INPUT[0] * INPUT[1] * INPUT[2];
  const x = standardizeImages(w.x, batch, d, new Float32Array(w.x.length));
  const y = tf.tidy(() => tf.matMul(tf.tensor2d(x, [batch, d]), w.zca));
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

/** The training step timed for `durationMs` with `workers` threads: images/s of the median step. */
async function timeSteps(opts: HebbianConvBenchOptions, w: Workload, workers: number) {
  const net = HebbianConvNet.create(
    { burnIn: 0, workers, shards: Math.max(2, workers) },
    {
      inputShape: INPUT,
      rng: Rng.seeded(opts.seed),
      executor: workerExecutor(workers, opts.backend),
    },
  );
  try {
    for (let i = 0; i < 2; i++) await net.trainBatch(whiten(w, opts.batch), opts.batch);
    const steps: number[] = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    while (performance.now() - t0 < opts.durationMs || steps.length < 3) {
      const a = performance.now();
      await net.trainBatch(whiten(w, opts.batch), opts.batch);
      steps.push(performance.now() - a);
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const stepMs = median(steps);
    return {
      workers,
      steps: steps.length,
      stepMs,
      imagesPerSecond: (1000 * opts.batch) / stepMs,
      // CPU time of all this process's threads per step, and the cores it got on average
      cpuMsPerStep: cpuMs / steps.length,
      coresUsed: cpuMs / wallMs,
    };
  } finally {
    await net.dispose();
  }
}

/** Per-phase wall time of a step in one thread (median over a few steps), ms per batch. */
async function phases(opts: HebbianConvBenchOptions, w: Workload): Promise<Record<string, number>> {
  const net = HebbianConvNet.create(
    { burnIn: 0 },
    { inputShape: INPUT, rng: Rng.seeded(opts.seed) },
  );
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < 5; i++) {
    const profile: Record<string, number> = {};
    const t0 = performance.now();
    const x = whiten(w, opts.batch);
    profile.zca = performance.now() - t0;
    await net.trainBatch(x, opts.batch, 1, profile);
    profile.total = performance.now() - t0;
    if (i > 0) runs.push(profile);
  }
  await net.dispose();
  const out: Record<string, number> = {};
  for (const k of Object.keys(runs[0]!)) out[k] = median(runs.map((r) => r[k]!));
  return out;
}

/**
 * The measurement behind `conv: "auto"`: each pruned layer's forward conv on a batch of random
 * inputs, dense (tf.conv2d over the zero-filled filters) vs sparse (kept synapses only), in ms
 * (best of 3).
 */
function convChoice(
  opts: HebbianConvBenchOptions,
): Record<string, { denseMs: number; sparseMs: number }> {
  const net = HebbianConvNet.create({}, { inputShape: INPUT, rng: Rng.seeded(opts.seed) });
  const rng = Rng.seeded(opts.seed + 1);
  const params = net.parameters();
  const out: Record<string, { denseMs: number; sparseMs: number }> = {};
  net.layers.forEach((layer, l) => {
    const { geom: g, kept } = layer;
    if (!kept) return;
    const x = rng.fillNormal(new Float32Array(opts.batch * g.h * g.w * g.cin));
    const best = (f: () => void) => {
      let ms = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        f();
        if (i > 0) ms = Math.min(ms, performance.now() - t0);
      }
      return ms;
    };
    const W = params[l]!.W;
    out[`layer${l + 1}`] = {
      denseMs: best(() => denseConv(x, opts.batch, g, toFilterLayout(W, g))),
      sparseMs: best(() => sparseConv(x, opts.batch, g, kept, gatherKept(W, kept, g))),
    };
  });
  return out;
}

interface TorchBench {
  readonly ok: boolean;
  readonly error?: string;
  readonly imagesPerSecond?: number;
  readonly stepMsMedian?: number;
  readonly zcaMsMean?: number;
  readonly peakRssMB?: number;
  readonly torch?: string;
  readonly steps?: number;
}

function runTorch(opts: HebbianConvBenchOptions): TorchBench {
  const python = torchPython();
  if (!existsSync(python)) return { ok: false, error: `${python} not found` };
  const args = [MICONI_SCRIPT, "bench", "--threads", String(opts.torchThreads)];
  args.push("--batch", String(opts.batch), "--seconds", String(opts.durationMs / 1000));
  const threads = String(opts.torchThreads);
  const r = spawnSync(python, args, {
    encoding: "utf8",
    env: { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads },
    maxBuffer: 1 << 24,
  });
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as TorchBench;
  } catch {
    return { ok: false, error: `${python} ${args.join(" ")} failed: ${r.stderr.slice(-500)}` };
  }
}

/** The `hebbian-conv` benchmark report (one JSON object with --json). */
export interface HebbianConvReport {
  readonly benchmark: "hebbian-conv";
  readonly date: string;
  readonly machine: MachineInfo;
  readonly lscpuModelName: string | null;
  readonly loadAvg1AtEnd: number;
  readonly backend: string;
  readonly batch: number;
  /** The best thread count's images/s (training step incl. ZCA, median step). */
  readonly imagesPerSecond: number;
  readonly workers: number;
  readonly runs: readonly {
    workers: number;
    steps: number;
    stepMs: number;
    imagesPerSecond: number;
    /** CPU time of all threads per step (process.cpuUsage), and CPU time / wall time. */
    cpuMsPerStep: number;
    coresUsed: number;
  }[];
  /** ms per batch of each phase in one thread (median of 4 steps). */
  readonly phasesMs: Record<string, number>;
  /** Forward conv of each pruned layer, dense vs sparse, ms per batch (best of 3). */
  readonly prunedConvMs: Record<string, { denseMs: number; sparseMs: number }>;
  readonly denseEquivalentMflopPerImage: number;
  /** Dense-equivalent GFLOP/s: the reference's dense work per image × our images/s. */
  readonly gflops: number;
  /** Multiply-adds per image our forward actually does (sparse layers: kept synapses only). */
  readonly forwardMacsPerImage: number;
  readonly peakRssMB: number;
  readonly torchImagesPerSecond: number | null;
  readonly torchThreads: number;
  readonly torch: TorchBench | null;
  /** imagesPerSecond / torchImagesPerSecond. */
  readonly ratio: number | null;
}

export async function runHebbianConvBench(
  opts: HebbianConvBenchOptions,
): Promise<HebbianConvReport> {
  const machine = machineInfo();
  await initBackend({ backend: opts.backend });
  const w = workload(opts.batch, opts.seed);
  const probe = HebbianConvNet.create({}, { inputShape: INPUT, rng: Rng.seeded(opts.seed) });
  opts.log("hebbian-conv: phases in one thread…");
  const phasesMs = await phases(opts, w);
  const prunedConvMs = convChoice(opts);
  const runs = [];
  for (const n of opts.workers) {
    opts.log(`hebbian-conv: ${n} thread(s) for ${opts.durationMs} ms…`);
    runs.push(await timeSteps(opts, w, n));
  }
  w.zca.dispose();
  const best = runs.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  let torch: TorchBench | null = null;
  if (opts.torch) {
    opts.log(`torch: the reference step with ${opts.torchThreads} threads…`);
    torch = runTorch(opts);
  }
  const torchIps = torch?.ok ? (torch.imagesPerSecond ?? null) : null;
  const forwardMacsPerImage = probe.layers.reduce(
    (s, l) => s + (l.sparse && l.kept ? l.geom.oh * l.geom.ow * l.kept.index.length : macs(l.geom)),
    0,
  );
  const flops = denseStepFlops(probe.geometry);
  return {
    benchmark: "hebbian-conv",
    date: new Date().toISOString(),
    machine,
    lscpuModelName: lscpuModel(),
    loadAvg1AtEnd: loadAvg1(),
    backend: opts.backend,
    batch: opts.batch,
    imagesPerSecond: best.imagesPerSecond,
    workers: best.workers,
    runs,
    phasesMs,
    prunedConvMs,
    denseEquivalentMflopPerImage: flops / 1e6,
    gflops: (flops * best.imagesPerSecond) / 1e9,
    forwardMacsPerImage,
    peakRssMB: peakRssMiB(),
    torchImagesPerSecond: torchIps,
    torchThreads: opts.torchThreads,
    torch,
    ratio: torchIps ? best.imagesPerSecond / torchIps : null,
  };
}

export function renderHebbianConv(r: HebbianConvReport): string {
  const lines = [
    `hebbian-conv: Miconi's 3-layer training step (CIFAR 3×32×32, batch ${r.batch}, ZCA + 3 layers + plasticity), ${r.backend}`,
    `${r.date}, ${r.lscpuModelName ?? r.machine.cpuModel}, ${r.machine.cpus} cores, load ${r.machine.loadAvg1} → ${r.loadAvg1AtEnd}`,
    "",
    renderTable(
      [">threads", ">ms/step", ">images/s", ">CPU ms/step", ">cores used"],
      r.runs.map((x) => [
        String(x.workers),
        fmt(x.stepMs),
        fmt(x.imagesPerSecond),
        fmt(x.cpuMsPerStep),
        fmt(x.coresUsed),
      ]),
    ),
    "",
    `PyTorch (${r.torchThreads} threads): ${r.torchImagesPerSecond === null ? `skipped (${r.torch?.error ?? "--no-torch"})` : `${fmt(r.torchImagesPerSecond)} images/s`}` +
      (r.ratio === null ? "" : `; ours / torch = ${fmt(r.ratio)}×`),
    `dense-equivalent work ${fmt(r.denseEquivalentMflopPerImage)} MFLOP/image → ${fmt(r.gflops)} GFLOP/s; our forward does ${fmt(r.forwardMacsPerImage / 1e6)} M multiply-adds/image`,
    `phases in one thread (ms per batch): ${Object.entries(r.phasesMs)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(", ")}`,
    `pruned layers' forward conv, dense vs sparse (ms per batch): ${Object.entries(r.prunedConvMs)
      .map(([k, v]) => `${k} ${fmt(v.denseMs)} vs ${fmt(v.sparseMs)}`)
      .join(", ")}`,
    `peak RSS ${fmt(r.peakRssMB)} MiB (this process, workers included)`,
  ];
  return lines.join("\n");
}
