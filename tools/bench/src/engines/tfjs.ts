import { HebbianDense, initBackend, tensor2d, tf } from "@plasticity/tfjs";
import { peakRssMiB, timeIt } from "../harness.js";
import type { EngineResult, PeakResult, StepConfig, StepResult } from "../types.js";
import { makeWorkload, measurePeak, ruleByName, stepResult } from "../workload.js";

/** The tfjs backends of @plasticity/tfjs's `initBackend` (BackendInfo.name). */
export type BackendName = "tensorflow" | "wasm" | "cpu";

export const TFJS_BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

export const TFJS_PATH = "HebbianDense.learn (@plasticity/tfjs)";

/** Block until `t` is computed by reading back one element (cheap on every backend). */
function sync(t: tf.Tensor): void {
  const origin = t.shape.map(() => 0);
  const one = t.shape.map(() => 1);
  tf.tidy(() => tf.slice(t, origin, one).dataSync());
}

/** Peak of the active backend: tf.matMul on two n×n matrices per size (no transpose flags). */
export function tfjsPeak(config: StepConfig): Promise<PeakResult> {
  return measurePeak("tf.matMul n×n · n×n", config, (n, a, b) => {
    const ta = tensor2d(a, n, n);
    const tb = tensor2d(b, n, n);
    return {
      run() {
        const c = tf.matMul(ta, tb);
        sync(c);
        c.dispose();
      },
      dispose() {
        ta.dispose();
        tb.dispose();
      },
    };
  });
}

/** A dense step ready to call repeatedly on the active backend. */
export interface TfjsStep {
  readonly params: Readonly<Record<string, unknown>>;
  /** One `HebbianDense.learn(x)`: u = x Wᵀ, y = u, ΔW from the rule kernel, W ← W + ΔW. */
  step(): void;
  /** W ← W₀ and a fresh rule state. */
  reset(): void;
  /** A copy of the current W [nOut × nIn]. */
  weights(): Float32Array;
  dispose(): void;
}

/**
 * Build the dense step of `ruleName` on the active backend, the way a user runs it: a
 * `HebbianDense` (linear activation, default options, so `learn` also checks x is finite) whose
 * `learn(x)` does u = x Wᵀ, y = u, ΔW = the rule's registered kernel, W ← W + ΔW.
 */
export function makeTfjsStep(config: StepConfig, ruleName: string): TfjsStep {
  const { batch, nIn, nOut } = config;
  const rule = ruleByName(ruleName);
  const { x, w0 } = makeWorkload(config);
  const layer = new HebbianDense({
    nIn,
    nOut,
    rule,
    params: config.params[ruleName] ?? {},
    activation: { kind: "linear" },
    seed: config.seed,
  });
  layer.setWeights(w0);
  const initial = layer.getState();
  const tx = tensor2d(x, batch, nIn);
  return {
    params: layer.params,
    step() {
      const { u, y } = layer.learn(tx);
      u.dispose();
      y.dispose();
      sync(layer.W);
    },
    reset: () => layer.setState(initial),
    weights: () => layer.weights(),
    dispose() {
      layer.dispose();
      tx.dispose();
    },
  };
}

/** Time one rule's dense step on the active backend (W reset to W₀, untimed, after every step). */
export async function tfjsStep(
  config: StepConfig,
  ruleName: string,
  peak: PeakResult | null,
): Promise<StepResult> {
  const s = makeTfjsStep(config, ruleName);
  try {
    const timing = await timeIt(
      () => s.step(),
      config.timing,
      () => s.reset(),
    );
    return stepResult(config, ruleName, { ...s.params }, TFJS_PATH, timing, peak);
  } finally {
    s.dispose();
  }
}

/** Whether tfjs-backend-wasm runs with SIMD and with threads here (Node: SIMD yes, threads no). */
async function wasmFlags(): Promise<{ wasmSimd: boolean; wasmThreads: boolean }> {
  return {
    wasmSimd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
    wasmThreads: Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One tfjs backend: its matmul peak and the dense step of every rule in `config.rules`. */
export async function runTfjsEngine(
  backend: BackendName,
  config: StepConfig,
): Promise<EngineResult> {
  const engine = `tfjs:${backend}`;
  let info: Awaited<ReturnType<typeof initBackend>>;
  try {
    info = await initBackend({ backend });
  } catch (e) {
    return {
      engine,
      status: "skipped",
      reason: message(e),
      peak: null,
      steps: [],
      peakRssMiB: null,
      info: {},
    };
  }
  const before = tf.memory().numTensors;
  const peak = await tfjsPeak(config);
  const steps: StepResult[] = [];
  for (const r of config.rules) steps.push(await tfjsStep(config, r, peak));
  return {
    engine,
    status: "ok",
    peak,
    steps,
    peakRssMiB: peakRssMiB(),
    info: {
      backend: info.name,
      reason: info.reason,
      ...(backend === "wasm" ? await wasmFlags() : {}),
      tensorsLeaked: tf.memory().numTensors - before,
    },
  };
}
