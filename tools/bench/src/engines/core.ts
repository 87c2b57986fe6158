import { matmulABt } from "@plasticity/core";
import { peakRssMiB, timeIt } from "../harness.js";
import type { EngineResult, PeakResult, StepConfig, StepResult } from "../types.js";
import { makeWorkload, measurePeak, ruleByName, ruleParams, stepResult } from "../workload.js";

export const CORE_PATH = "core matmulABt + rule.delta (typed arrays)";

/** Peak of core's typed-array product: matmulABt on two n×n matrices (2·n³ FLOP) per size. */
export function corePeak(config: StepConfig): Promise<PeakResult> {
  return measurePeak("core matmulABt n×n · (n×n)ᵀ", config, (n, a, b) => {
    const out = new Float32Array(n * n);
    return { run: () => matmulABt(a, b, n, n, n, out) };
  });
}

/** A dense step with core's reference code, ready to call repeatedly. */
export interface CoreStep {
  readonly params: Record<string, unknown>;
  /** u = x Wᵀ (matmulABt), y = u (linear), ΔW = rule.delta(...), W ← W + ΔW. */
  step(): void;
  /** W ← W₀ and a fresh rule state. */
  reset(): void;
  /** A copy of the current W [nOut × nIn]. */
  weights(): Float32Array;
}

/**
 * Build the dense step of `ruleName` with @plasticity/core's reference code. `delta` is called
 * directly (not `apply`), so input validation is not part of the step.
 */
export function makeCoreStep(config: StepConfig, ruleName: string): CoreStep {
  const { batch, nIn, nOut } = config;
  const rule = ruleByName(ruleName);
  const params = ruleParams(rule, config);
  const { x, w0 } = makeWorkload(config);
  const w = w0.slice();
  const u = new Float32Array(batch * nOut);
  const dw = new Float32Array(nOut * nIn);
  let state = rule.initState({ nIn, nOut }, params);
  return {
    params,
    step() {
      matmulABt(x, w, batch, nIn, nOut, u);
      state = rule.delta({ pre: x, u, post: u, w, batch, nIn, nOut }, params, dw, state);
      for (let i = 0; i < w.length; i++) w[i] += dw[i];
    },
    reset() {
      w.set(w0);
      state = rule.initState({ nIn, nOut }, params);
    },
    weights: () => w.slice(),
  };
}

/** Time one rule's reference step (W reset to W₀, untimed, after every step). */
export async function coreStep(
  config: StepConfig,
  ruleName: string,
  peak: PeakResult | null,
): Promise<StepResult> {
  const s = makeCoreStep(config, ruleName);
  const timing = await timeIt(
    () => s.step(),
    config.timing,
    () => s.reset(),
  );
  return stepResult(config, ruleName, s.params, CORE_PATH, timing, peak);
}

/** The "core" engine: its matmul peak and the reference step of `config.referenceRules`. */
export async function runCoreEngine(config: StepConfig): Promise<EngineResult> {
  const peak = await corePeak(config);
  const steps: StepResult[] = [];
  for (const r of config.referenceRules) steps.push(await coreStep(config, r, peak));
  return {
    engine: "core",
    status: "ok",
    peak,
    steps,
    peakRssMiB: peakRssMiB(),
    info: { path: CORE_PATH },
  };
}
