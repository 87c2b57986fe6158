import { getRuleKernel, initBackend, tensor2d, tf } from "@plasticity/tfjs";
import { peakRssMiB, timeIt } from "../harness.js";
import type { EngineResult, PeakResult, StepConfig, StepResult } from "../types.js";
import {
  makeSquare,
  makeWorkload,
  peakResult,
  ruleByName,
  ruleParams,
  stepResult,
} from "../workload.js";

/** The tfjs backends of @plasticity/tfjs's `initBackend` (BackendInfo.name). */
export type BackendName = "tensorflow" | "wasm" | "cpu";

export const TFJS_BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

export const KERNEL_PATH = "tf.matMul forward + rule kernel (getRuleKernel)";

/** Block until `t` is computed by reading back one element (cheap on every backend). */
function sync(t: tf.Tensor2D): void {
  tf.tidy(() => tf.slice(t, [0, 0], [1, 1]).dataSync());
}

/** Peak of the active backend: tf.matMul on two n×n matrices (no transpose flags: the fast path). */
export async function tfjsPeak(config: StepConfig): Promise<PeakResult> {
  const n = config.matmulSize;
  const { a, b } = makeSquare(n, config.seed);
  const ta = tensor2d(a, n, n);
  const tb = tensor2d(b, n, n);
  try {
    const timing = await timeIt(() => {
      const c = tf.matMul(ta, tb);
      sync(c);
      c.dispose();
    }, config.timing);
    return peakResult(`tf.matMul ${n}×${n} · ${n}×${n}`, n, timing);
  } finally {
    ta.dispose();
    tb.dispose();
  }
}

/** A dense step ready to call repeatedly on the active backend. */
export interface TfjsStep {
  readonly params: Record<string, unknown>;
  /** One step: u = x Wᵀ, y = u, ΔW = kernel(...), W ← W + ΔW; returns when W is computed. */
  step(): void;
  /** W ← W₀ and a fresh rule state. */
  reset(): void;
  /** A copy of the current W [nOut × nIn]. */
  weights(): Float32Array;
  dispose(): void;
}

/**
 * Build the dense step of `ruleName` on the active backend, through the rule's registered
 * kernel: u = x Wᵀ (tf.matMul with an explicit transpose), y = u (linear), ΔW = kernel(...),
 * W ← W + ΔW.
 */
export function makeTfjsStep(config: StepConfig, ruleName: string): TfjsStep {
  const { batch, nIn, nOut } = config;
  const rule = ruleByName(ruleName);
  const params = ruleParams(rule, config);
  const { kernelFunc } = getRuleKernel(ruleName, tf.getBackend());
  const { x, w0 } = makeWorkload(config);
  const tx = tensor2d(x, batch, nIn);
  const tw0 = tensor2d(w0, nOut, nIn);
  const initState = (): Record<string, tf.Tensor> => {
    const s = rule.initState({ nIn, nOut }, params);
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, tf.tensor1d(v)]));
  };
  let w: tf.Tensor2D = tf.clone(tw0);
  let state = initState();
  const disposeState = () => {
    for (const t of Object.values(state)) t.dispose();
  };
  return {
    params,
    step() {
      const next = tf.tidy(() => {
        const u = tf.matMul(tx, tf.transpose(w));
        const out = kernelFunc({ pre: tx, u, post: u, w }, params, state);
        return { w: tf.add(w, out.dw) as tf.Tensor2D, state: out.state };
      });
      w.dispose();
      for (const [k, t] of Object.entries(state)) if (next.state[k] !== t) t.dispose();
      w = next.w;
      state = next.state;
      sync(w);
    },
    reset() {
      w.dispose();
      w = tf.clone(tw0);
      disposeState();
      state = initState();
    },
    weights: () => w.dataSync().slice() as Float32Array,
    dispose() {
      w.dispose();
      disposeState();
      tx.dispose();
      tw0.dispose();
    },
  };
}

/** Time one rule's dense step on the active backend (W reset to W₀, untimed, after every step). */
export async function tfjsKernelStep(
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
    return stepResult(config, ruleName, s.params, KERNEL_PATH, timing, peak);
  } finally {
    s.dispose();
  }
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
  for (const r of config.rules) steps.push(await tfjsKernelStep(config, r, peak));
  return {
    engine,
    status: "ok",
    peak,
    steps,
    peakRssMiB: peakRssMiB(),
    info: {
      backend: info.name,
      reason: info.reason,
      tensorsLeaked: tf.memory().numTensors - before,
    },
  };
}
