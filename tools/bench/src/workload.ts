import { createRuleRegistry, PlasticityError, Rng, type Rule } from "@plasticity/core";
import { denseStepFlops, matmulFlops } from "./flops.js";
import { rates, type Timing, timeIt } from "./harness.js";
import type { MatmulResult, PeakResult, StepConfig, StepResult } from "./types.js";

/** The inputs every engine starts from (same seed → same numbers). */
export interface Workload {
  /** x [batch × nIn], uniform in [0, 1) like pixel intensities. */
  readonly x: Float32Array;
  /** W₀ [nOut × nIn], normal with std 1/√nIn; every timed step starts from it. */
  readonly w0: Float32Array;
}

export function makeWorkload({ batch, nIn, nOut, seed }: StepConfig): Workload {
  const rng = Rng.seeded(seed);
  const x = rng.fork(1).fillUniform(new Float32Array(batch * nIn));
  const w0 = rng.fork(2).fillNormal(new Float32Array(nOut * nIn), 0, 1 / Math.sqrt(nIn));
  return { x, w0 };
}

/** Square matrices a, b [n × n] with N(0, 1) entries, for the matmul peak. */
export function makeSquare(n: number, seed: number): { a: Float32Array; b: Float32Array } {
  const rng = Rng.seeded(seed).fork(3);
  return { a: rng.fillNormal(new Float32Array(n * n)), b: rng.fillNormal(new Float32Array(n * n)) };
}

/** The core rule named `name` (throws UnknownNameError with suggestions). */
export function ruleByName(name: string): Rule {
  return createRuleRegistry().get(name);
}

/** A rule's parsed parameters: its defaults with the config's overrides for it. */
export function ruleParams(rule: Rule, config: StepConfig): Record<string, unknown> {
  return rule.parseParams(config.params[rule.name] ?? {}) as Record<string, unknown>;
}

/** Fill in rates and the fraction of the engine's peak for one timed step. */
export function stepResult(
  config: StepConfig,
  rule: string,
  params: Record<string, unknown>,
  path: string,
  timing: Timing,
  peak: PeakResult | null,
): StepResult {
  const flopsPerStep = denseStepFlops(rule, config).total;
  const r = rates(timing, config.batch, flopsPerStep);
  return {
    rule,
    params,
    path,
    flopsPerStep,
    timing,
    samplesPerSec: r.samplesPerSec,
    gflops: r.gflops,
    fractionOfPeak: peak && peak.gflops > 0 ? r.gflops / peak.gflops : null,
  };
}

/** The rate of one timed n×n · n×n product (2·n³ FLOP). */
export function matmulResult(n: number, timing: Timing): MatmulResult {
  const flops = matmulFlops(n, n, n);
  return { size: n, flops, timing, gflops: flops / (timing.medianMs / 1000) / 1e9 };
}

/** The peak: the size with the highest GFLOP/s, with every size kept in `bySize`. */
export function peakResult(op: string, bySize: readonly MatmulResult[]): PeakResult {
  if (bySize.length === 0)
    throw new PlasticityError("matmulSizes: expected at least one size", "matmulSizes");
  const best = bySize.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { op, ...best, bySize: [...bySize] };
}

/** Time `makeOp(n, a, b)` for every size in `config.matmulSizes`; the best is the peak. */
export async function measurePeak(
  op: string,
  config: StepConfig,
  makeOp: (
    n: number,
    a: Float32Array,
    b: Float32Array,
  ) => { run: () => unknown; dispose?: () => void },
): Promise<PeakResult> {
  const results: MatmulResult[] = [];
  for (const n of config.matmulSizes) {
    const { a, b } = makeSquare(n, config.seed);
    const o = makeOp(n, a, b);
    try {
      results.push(matmulResult(n, await timeIt(o.run, config.timing)));
    } finally {
      o.dispose?.();
    }
  }
  return peakResult(op, results);
}

/** Validates a StepConfig, naming the field at fault. */
export function checkStepConfig(c: StepConfig): StepConfig {
  for (const k of ["batch", "nIn", "nOut"] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) {
      throw new PlasticityError(`${k}: expected a positive integer, got ${String(c[k])}`, k);
    }
  }
  const sizes: unknown = c.matmulSizes;
  if (
    !Array.isArray(sizes) ||
    sizes.length === 0 ||
    sizes.some((n) => !Number.isInteger(n) || n <= 0)
  ) {
    throw new PlasticityError(
      `matmulSizes: expected a non-empty list of positive integers, got ${JSON.stringify(sizes)}`,
      "matmulSizes",
    );
  }
  if (!Number.isInteger(c.seed))
    throw new PlasticityError(`seed: expected an integer, got ${c.seed}`, "seed");
  for (const name of [...c.rules, ...c.referenceRules]) {
    denseStepFlops(name, c); // throws for a rule without a FLOP formula
    ruleByName(name); // throws for a rule core does not know
  }
  for (const [name, p] of Object.entries(c.params)) {
    ruleByName(name).parseParams(p);
  }
  return c;
}
