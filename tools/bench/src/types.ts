import type { FlopCount } from "./flops.js";
import type { Timing, TimingOptions } from "./harness.js";
import type { MachineInfo } from "./machine.js";

/** The work every engine times: one dense Hebbian step per rule, plus a square matmul for the peak. */
export interface StepConfig {
  readonly batch: number;
  readonly nIn: number;
  readonly nOut: number;
  /** Rules timed on the tfjs backends and in PyTorch. */
  readonly rules: readonly string[];
  /** Rules timed with @plasticity/core's typed-array reference (slow: hebb is the baseline). */
  readonly referenceRules: readonly string[];
  /** Hyper-parameter overrides per rule; the rest are the rule's defaults. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Sides n of the square matmuls [n×n]·[n×n]; the engine's peak is the best GFLOP/s of them. */
  readonly matmulSizes: readonly number[];
  readonly seed: number;
  readonly timing: TimingOptions;
}

/** One square matrix product [n×n]·[n×n] (2·n³ FLOP). */
export interface MatmulResult {
  readonly size: number;
  readonly flops: number;
  readonly timing: Timing;
  readonly gflops: number;
}

/** The peak an engine reaches on a plain square matrix product: the best of several sizes. */
export interface PeakResult extends MatmulResult {
  /** What was timed, e.g. "tf.matMul n×n · n×n". */
  readonly op: string;
  /** Every size timed (the peak is the one with the highest GFLOP/s). */
  readonly bySize: readonly MatmulResult[];
}

/** One rule's dense step on one engine. */
export interface StepResult {
  readonly rule: string;
  /** Parsed hyper-parameters actually used. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The code path timed, e.g. "HebbianDense.learn", "core rule.delta + matmulABt", "torch". */
  readonly path: string;
  readonly flopsPerStep: number;
  readonly timing: Timing;
  readonly samplesPerSec: number;
  readonly gflops: number;
  /** gflops / the same engine's matmul peak (null when the peak was not measured). */
  readonly fractionOfPeak: number | null;
}

/** One engine: a tfjs backend, core's typed-array reference, or PyTorch at a thread count. */
export interface EngineResult {
  /** "tfjs:wasm", "tfjs:cpu", "tfjs:tensorflow", "core", "torch:1", "torch:2", "workers:wasm×2". */
  readonly engine: string;
  readonly status: "ok" | "skipped" | "failed";
  /** Why it was skipped or failed; what to do about it. */
  readonly reason?: string;
  readonly peak: PeakResult | null;
  readonly steps: readonly StepResult[];
  /** Peak RSS of the process that ran this engine (MiB); null when not measured separately. */
  readonly peakRssMiB: number | null;
  /** Engine details: backend choice, torch and BLAS versions, thread count. */
  readonly info: Readonly<Record<string, unknown>>;
}

/** What `--json` prints: one object. */
export interface BenchReport {
  readonly benchmark: string;
  readonly date: string;
  readonly machine: MachineInfo;
  /** 1-minute load average when the run ended (the machine's is at the start). */
  readonly loadAvg1AtEnd: number;
  readonly config: StepConfig;
  /** The FLOP formula and count of one step, per rule. */
  readonly flops: readonly FlopCount[];
  readonly engines: readonly EngineResult[];
  /** Lines a reader must see (skipped engines, BLAS warnings). */
  readonly notes: readonly string[];
}
