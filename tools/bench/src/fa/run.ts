import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { PlasticityError } from "@plasticity/core";
import {
  buildGraph,
  deepNet,
  type Method,
  sharedGradients,
  weightNodes,
} from "@plasticity/feedback-alignment";
import { torchPython } from "../engines/torch.js";
import { peakRssMiB } from "../harness.js";
import { loadAvg1, type MachineInfo, machineInfo } from "../machine.js";
import type { FaJob, FaMessage } from "./protocol.js";

export const FA_WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));
export const AMIT_SCRIPT = fileURLToPath(
  new URL("../../python/amit_reference.py", import.meta.url),
);

export interface FaBenchOptions {
  readonly workers: number;
  readonly batch: number;
  readonly methods: readonly Method[];
  readonly warmup: number;
  readonly steps: number;
  readonly torch: boolean;
  readonly torchThreads: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

/** One op label's share of the step (replica 0), summed over the timed steps' mean. */
export interface OpRow {
  readonly op: string;
  readonly msPerStep: number;
  readonly share: number;
  readonly gflops: number | null;
}

export interface FaBenchReport {
  readonly benchmark: "feedback-alignment";
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAvg1AtEnd: number;
  readonly network: string;
  readonly inputShape: readonly [number, number, number];
  readonly batch: number;
  readonly workers: number;
  readonly backend: string;
  /** Images per second of the whole data-parallel step (batch / median step time). */
  readonly imagesPerSecond: Record<string, number>;
  readonly medianStepMs: Record<string, number>;
  /** Forward + backward FLOPs of one step on the whole batch. */
  readonly flopsPerStep: number;
  readonly gflopsPerSecond: Record<string, number>;
  /** URFB's step time over BP's (the target: ≤ 1.15). */
  readonly urfbOverBp: number | null;
  readonly ops: Record<string, readonly OpRow[]>;
  readonly peakRssMB: number;
  readonly torchBpImagesPerSecond?: number;
  readonly torchThreads?: number;
  readonly torchVersion?: string;
  readonly torchError?: string;
  /** Our BP images/s over PyTorch's (the target: ≥ 0.35). */
  readonly oursOverTorch?: number;
}

const CIFAR: [number, number, number] = [32, 32, 3];

function median(a: readonly number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function runReplica(job: FaJob): Promise<Extract<FaMessage, { type: "done" }>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(FA_WORKER, { workerData: job });
    w.on("message", (m: FaMessage) => {
      if (m.type === "done") resolve(m);
      else reject(new Error(`fa worker ${job.rank}: ${m.message}`));
      void w.terminate();
    });
    w.on("error", reject);
    w.on("exit", (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`fa worker ${job.rank} exited with ${code}`));
    });
  });
}

/** The largest weight tensor of the deep network (the shared slot size). */
function largestGradient(): number {
  const sizes = weightNodes(buildGraph({ layers: deepNet() }, CIFAR, 10)).map((n) =>
    n.op === "dense"
      ? n.inShape.reduce((a, c) => a * c, 1) * n.width
      : n.kernel[0] * n.kernel[1] * n.inShape[2]! * n.width,
  );
  return Math.max(...sizes);
}

function torchBench(o: FaBenchOptions): { ips?: number; version?: string; error?: string } {
  const r = spawnSync(
    torchPython(),
    [AMIT_SCRIPT, "bench", "--batch", String(o.batch), "--threads", String(o.torchThreads)],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (r.error) return { error: `${torchPython()}: ${r.error.message}` };
  try {
    const j = JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
    return { ips: j.imagesPerSecond, version: j.torch };
  } catch {
    return { error: `torch bench failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}` };
  }
}

/**
 * `pnpm bench feedback-alignment`: the deep network's training step at batch 500 on CIFAR-shaped
 * inputs (32×32×3), per method, on tfjs-wasm in `workers` data-parallel worker_threads sharing
 * gradients through a SharedArrayBuffer; the per-op time of replica 0 with GFLOP/s; and PyTorch's
 * plain autograd BP step of the same network measured in the same run.
 */
export async function runFaBench(o: FaBenchOptions): Promise<FaBenchReport> {
  if (!existsSync(FA_WORKER)) {
    throw new PlasticityError(
      `${FA_WORKER} not found: build the bench first (pnpm bench builds it)`,
      "FA_WORKER",
    );
  }
  if (o.batch % o.workers !== 0) {
    throw new PlasticityError(`--batch ${o.batch} must divide among ${o.workers} workers`, "batch");
  }
  const machine = machineInfo();
  const slot = largestGradient();
  const imagesPerSecond: Record<string, number> = {};
  const medianStepMs: Record<string, number> = {};
  const gflopsPerSecond: Record<string, number> = {};
  const ops: Record<string, OpRow[]> = {};
  let backend = "wasm";
  let flopsPerStep = 0;
  for (const method of o.methods) {
    o.log?.(`feedback-alignment: ${method}, ${o.workers} worker(s), batch ${o.batch}...`);
    const shared = sharedGradients(o.workers, slot);
    const results = await Promise.all(
      Array.from({ length: o.workers }, (_, rank) =>
        runReplica({
          rank,
          shared,
          batch: o.batch,
          method,
          inputShape: CIFAR,
          classes: 10,
          warmup: o.warmup,
          steps: o.steps,
          seed: o.seed,
        }),
      ),
    );
    const r0 = results[0]!;
    backend = r0.backend;
    const stepMs = r0.stepMs.map((_, i) => Math.max(...results.map((r) => r.stepMs[i]!)));
    const med = median(stepMs);
    medianStepMs[method] = med;
    imagesPerSecond[method] = o.batch / (med / 1000);
    flopsPerStep = Object.values(r0.opFlops).reduce((a, b) => a + b, 0) * o.workers;
    gflopsPerSecond[method] = flopsPerStep / (med / 1000) / 1e9;
    const total = Object.values(r0.opMs).reduce((a, b) => a + b, 0);
    ops[method] = Object.entries(r0.opMs)
      .map(([op, ms]) => {
        const per = ms / o.steps;
        const f = r0.opFlops[op];
        return { op, msPerStep: per, share: ms / total, gflops: f ? f / (per / 1000) / 1e9 : null };
      })
      .sort((a, b) => b.msPerStep - a.msPerStep);
  }
  const torch = o.torch ? torchBench(o) : {};
  const bp = imagesPerSecond.bp;
  return {
    benchmark: "feedback-alignment",
    date: new Date().toISOString(),
    machine,
    loadAvg1AtEnd: loadAvg1(),
    network:
      "deep (Amit's deepernet: 8 conv in 4 sum-merged pairs, 3 max-pools, dense 500, dense 10)",
    inputShape: CIFAR,
    batch: o.batch,
    workers: o.workers,
    backend,
    imagesPerSecond,
    medianStepMs,
    flopsPerStep,
    gflopsPerSecond,
    urfbOverBp: medianStepMs.urfb && medianStepMs.bp ? medianStepMs.urfb / medianStepMs.bp : null,
    ops,
    peakRssMB: peakRssMiB() * 1.048576,
    ...(torch.ips !== undefined
      ? {
          torchBpImagesPerSecond: torch.ips,
          torchThreads: o.torchThreads,
          torchVersion: torch.version,
          ...(bp ? { oursOverTorch: bp / torch.ips } : {}),
        }
      : {}),
    ...(torch.error ? { torchError: torch.error } : {}),
  };
}

export function renderFaBench(r: FaBenchReport): string {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const lines = [
    `feedback-alignment: ${r.network}, input ${r.inputShape.join("×")}, batch ${r.batch}, ${r.workers} ${r.backend} worker(s)`,
    `${r.date}, ${r.machine.cpus} × ${r.machine.cpuModel}, load ${r.machine.loadAvg1} → ${r.loadAvg1AtEnd}`,
    "",
    ...Object.keys(r.imagesPerSecond).map(
      (m) =>
        `${m.padEnd(5)} ${fmt(r.imagesPerSecond[m]!)} images/s  (${fmt(r.medianStepMs[m]!)} ms/step, ${fmt(r.gflopsPerSecond[m]!)} GFLOP/s)`,
    ),
    r.torchBpImagesPerSecond !== undefined
      ? `torch bp ${fmt(r.torchBpImagesPerSecond)} images/s (${r.torchThreads} threads, autograd); ours/torch ${r.oursOverTorch?.toFixed(2)}`
      : `torch: ${r.torchError ?? "skipped"}`,
    r.urfbOverBp !== null ? `urfb / bp step time: ${r.urfbOverBp.toFixed(3)}` : "",
    `peak RSS ${fmt(r.peakRssMB)} MB`,
    "",
    ...Object.entries(r.ops).flatMap(([m, rows]) => [
      `${m}: per-op time of one replica (${r.batch / r.workers} images)`,
      ...rows.map(
        (o) =>
          `  ${o.op.padEnd(22)} ${fmt(o.msPerStep).padStart(8)} ms ${(100 * o.share).toFixed(1).padStart(5)} %${o.gflops !== null ? `  ${fmt(o.gflops)} GFLOP/s` : ""}`,
      ),
    ]),
  ];
  return lines.join("\n");
}
