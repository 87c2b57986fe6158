/**
 * The messages between the demo page and its training worker. The worker owns every tensor; the
 * page only draws what it is sent.
 */
import type { Activation } from "@plasticity/tfjs";

/** A layer to train, as the page's form describes it (parsed again in the worker). */
export interface Setup {
  readonly rule: string;
  readonly params: Record<string, unknown>;
  readonly units: number;
  readonly activation: Activation;
  readonly init: "normal" | "uniform" | "unit-norm";
  readonly initScale?: number;
  readonly batchSize: number;
  readonly seed: number;
  /** "linear" anneals lr to 0 over `totalSamples` (then training stops), as the runner's schedule. */
  readonly schedule: { kind: "constant" } | { kind: "linear"; totalSamples: number };
}

export type BackendChoice = "auto" | "webgl" | "wasm" | "cpu";

export type ToWorker =
  | { type: "init"; backend: BackendChoice; wasmPaths: string; dataUrl: string }
  | { type: "configure"; setup: Setup }
  | { type: "start" }
  | { type: "stop" }
  | { type: "reset" };

export interface BackendReport {
  readonly name: string;
  readonly reason: string;
  /** The WebGL renderer (GPU or software rasterizer), when the backend is webgl. */
  readonly renderer?: string;
  readonly tried: readonly { name: string; ok: boolean; error?: string }[];
}

export type RunState = "loading" | "idle" | "training" | "done";

export interface Status {
  readonly type: "status";
  readonly state: RunState;
  readonly step: number;
  readonly samples: number;
  /** Training throughput over the last second of training (0 when not training). */
  readonly samplesPerSec: number;
  readonly lrScale: number;
  /** tf.memory().numTensors after the last step: constant while training, the same after reset. */
  readonly numTensors: number;
}

export type FromWorker =
  | {
      type: "ready";
      backend: BackendReport;
      data: { train: number; test: number; probeTrain: number };
    }
  | Status
  | { type: "filters"; step: number; nOut: number; nIn: number; weights: Float32Array }
  | { type: "probe"; step: number; accuracy: number; trainAccuracy: number; dim: number }
  | { type: "error"; message: string };
