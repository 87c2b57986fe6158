import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { PlasticityError } from "@plasticity/core";
import type { BackendName } from "../engines/tfjs.js";
import { denseStepFlops } from "../flops.js";
import { peakRssMiB, summarise, type Timing } from "../harness.js";
import { loadAvg1, type MachineInfo, machineInfo } from "../machine.js";
import type { StepConfig } from "../types.js";
import { checkStepConfig } from "../workload.js";
import { GO, type WorkerJob, type WorkerMessage } from "./protocol.js";

export const WORKER_SCRIPT = fileURLToPath(new URL("./worker.js", import.meta.url));

/** n workers stepping side by side. */
export interface WorkerRun {
  readonly workers: number;
  /** Each worker's step times (median, MAD). */
  readonly perWorker: readonly Timing[];
  /** Σ over workers of batch / median step time. */
  readonly samplesPerSec: number;
  /** Σ over workers of (steps × batch) / wall time, resets included (a lower bound). */
  readonly wallSamplesPerSec: number;
  readonly gflops: number;
  /** samplesPerSec / that of the 1-worker run (null when 1 worker was not run). */
  readonly speedup: number | null;
}

export interface WorkersReport {
  readonly benchmark: "workers";
  readonly date: string;
  readonly machine: MachineInfo;
  /** 1-minute load average when the run ended (the machine's is at the start). */
  readonly loadAvg1AtEnd: number;
  readonly config: StepConfig;
  readonly rule: string;
  readonly backend: BackendName;
  readonly durationMs: number;
  readonly flopsPerStep: number;
  readonly runs: readonly WorkerRun[];
  readonly peakRssMiB: number;
}

function runWorker(job: WorkerJob): {
  ready: Promise<void>;
  done: Promise<{ stepMs: readonly number[]; wallMs: number }>;
  go(): void;
  terminate(): Promise<number>;
} {
  const w = new Worker(WORKER_SCRIPT, { workerData: job });
  let readyResolve: () => void = () => {};
  let fail: (e: Error) => void = () => {};
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    fail = rej;
  });
  const done = new Promise<{ stepMs: readonly number[]; wallMs: number }>((res, rej) => {
    const onError = (e: Error) => {
      fail(e);
      rej(e);
    };
    w.on("message", (m: WorkerMessage) => {
      if (m.type === "ready") readyResolve();
      else if (m.type === "done") res(m);
      else onError(new Error(`worker: ${m.message}`));
    });
    w.on("error", onError);
    w.on("exit", (code) =>
      onError(new Error(`worker exited with code ${code} before it finished`)),
    );
  });
  // A rejection seen through `ready` is also seen through `done`: mark it handled once.
  done.catch(() => {});
  return { ready, done, go: () => w.postMessage(GO), terminate: () => w.terminate() };
}

/**
 * The `workers` benchmark: tfjs in Node runs wasm on one thread, so run the same dense step in
 * 1, 2, … worker_threads at once (each with its own layer, data-parallel) and report the
 * aggregate samples/s.
 */
export async function runWorkers(o: {
  config: StepConfig;
  rule: string;
  backend: BackendName;
  counts: readonly number[];
  durationMs: number;
  log?: (line: string) => void;
}): Promise<WorkersReport> {
  const config = checkStepConfig(o.config);
  if (!existsSync(WORKER_SCRIPT)) {
    throw new PlasticityError(
      `${WORKER_SCRIPT} not found: build the package first (pnpm --filter @plasticity/bench build)`,
      "WORKER_SCRIPT",
    );
  }
  for (const n of o.counts) {
    if (!Number.isInteger(n) || n < 1)
      throw new PlasticityError(`workers: expected positive integers, got ${n}`, "workers");
  }
  if (!(o.durationMs > 0))
    throw new PlasticityError(
      `durationMs: expected a positive number, got ${o.durationMs}`,
      "durationMs",
    );
  const flopsPerStep = denseStepFlops(o.rule, config).total;
  const machine = machineInfo();
  const date = new Date().toISOString();
  const runs: WorkerRun[] = [];
  let one: number | null = null;
  for (const n of o.counts) {
    o.log?.(`workers: ${n} × ${o.backend} ${o.rule} for ${o.durationMs} ms...`);
    const job: WorkerJob = { config, rule: o.rule, backend: o.backend, durationMs: o.durationMs };
    const ws = Array.from({ length: n }, () => runWorker(job));
    try {
      await Promise.all(ws.map((w) => w.ready));
      for (const w of ws) w.go();
      const results = await Promise.all(ws.map((w) => w.done));
      const perWorker = results.map((r) => summarise(r.stepMs, config.timing.warmup));
      const samplesPerSec = perWorker.reduce((a, t) => a + config.batch / (t.medianMs / 1000), 0);
      const wallSamplesPerSec = results.reduce(
        (a, r) => a + (r.stepMs.length * config.batch) / (r.wallMs / 1000),
        0,
      );
      if (n === 1) one = samplesPerSec;
      runs.push({
        workers: n,
        perWorker,
        samplesPerSec,
        wallSamplesPerSec,
        gflops: ((samplesPerSec / config.batch) * flopsPerStep) / 1e9,
        speedup: one === null ? null : samplesPerSec / one,
      });
    } finally {
      await Promise.all(ws.map((w) => w.terminate()));
    }
  }
  return {
    benchmark: "workers",
    date,
    machine,
    loadAvg1AtEnd: loadAvg1(),
    config,
    rule: o.rule,
    backend: o.backend,
    durationMs: o.durationMs,
    flopsPerStep,
    runs,
    peakRssMiB: peakRssMiB(),
  };
}
