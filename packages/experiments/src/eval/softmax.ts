import { checkArray, PlasticityError, Rng } from "@plasticity/core";
import { checkLabels } from "./metrics.js";
import { type LinearReadout, type ProbeData, type ProbeResult, scoreReadout } from "./ridge.js";
import { featureStats, standardize } from "./standardize.js";

export interface SoftmaxOptions {
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly weightDecay: number;
  /** Seeds the order of the mini-batches. */
  readonly seed: number;
}

/**
 * Multinomial logistic regression on standardised features z = (x − μ)/σ, by mini-batch SGD with
 * Nesterov momentum (μ = 0.9) on the mean cross-entropy plus (wd/2)‖W‖²:
 *
 *   p = softmax(zW + b),   ∇W = ⟨z (p − y)ᵀ⟩ + wd W,   ∇b = ⟨p − y⟩,
 *   v ← μ v + ∇,   θ ← θ − lr (∇ + μ v).
 *
 * W starts at zero, so the only randomness is the (seeded) order of the mini-batches.
 */
export function fitSoftmax(
  x: Float32Array,
  labels: Int32Array,
  n: number,
  d: number,
  k: number,
  opts: SoftmaxOptions,
): LinearReadout {
  checkArray("x", x, n * d, "n × d");
  checkLabels("labels", labels, n, k);
  for (const f of ["epochs", "batchSize"] as const) {
    if (!Number.isInteger(opts[f]) || opts[f] <= 0) {
      throw new PlasticityError(`${f}: expected a positive integer, got ${opts[f]}`, f);
    }
  }
  if (!(opts.lr > 0))
    throw new PlasticityError(`lr: expected a positive number, got ${opts.lr}`, "lr");
  const stats = featureStats(x, n, d);
  const z = standardize(x, n, d, stats);
  const W = new Float64Array(d * k);
  const b = new Float64Array(k);
  const vW = new Float64Array(d * k);
  const vb = new Float64Array(k);
  const gW = new Float64Array(d * k);
  const gb = new Float64Array(k);
  const mu = 0.9;
  const rng = Rng.seeded(opts.seed);
  const bs = Math.min(opts.batchSize, n);
  const p = new Float64Array(bs * k);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = rng.permutation(n);
    for (let start = 0; start < n; start += bs) {
      const m = Math.min(bs, n - start);
      // forward: p = softmax(zW + b); then p ← (p − y) / m
      for (let r = 0; r < m; r++) {
        const row = order[start + r]! * d;
        const o = r * k;
        for (let c = 0; c < k; c++) p[o + c] = b[c]!;
        for (let j = 0; j < d; j++) {
          const zj = z[row + j]!;
          if (zj === 0) continue;
          const wr = j * k;
          for (let c = 0; c < k; c++) p[o + c]! += zj * W[wr + c]!;
        }
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, p[o + c]!);
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(p[o + c]! - max);
          p[o + c] = e;
          sum += e;
        }
        const yi = labels[order[start + r]!]!;
        for (let c = 0; c < k; c++) p[o + c] = (p[o + c]! / sum - (c === yi ? 1 : 0)) / m;
      }
      // gradients
      for (let i = 0; i < d * k; i++) gW[i] = opts.weightDecay * W[i]!;
      gb.fill(0);
      for (let r = 0; r < m; r++) {
        const row = order[start + r]! * d;
        const o = r * k;
        for (let c = 0; c < k; c++) gb[c]! += p[o + c]!;
        for (let j = 0; j < d; j++) {
          const zj = z[row + j]!;
          if (zj === 0) continue;
          const wr = j * k;
          for (let c = 0; c < k; c++) gW[wr + c]! += zj * p[o + c]!;
        }
      }
      // Nesterov momentum step
      for (let i = 0; i < d * k; i++) {
        vW[i] = mu * vW[i]! + gW[i]!;
        W[i]! -= opts.lr * (gW[i]! + mu * vW[i]!);
      }
      for (let c = 0; c < k; c++) {
        vb[c] = mu * vb[c]! + gb[c]!;
        b[c]! -= opts.lr * (gb[c]! + mu * vb[c]!);
      }
    }
  }
  for (let i = 0; i < d * k; i++) {
    if (!Number.isFinite(W[i]!)) {
      throw new PlasticityError(
        `softmax probe diverged (non-finite weights); lower eval.softmax.lr (${opts.lr})`,
        "lr",
      );
    }
  }
  return { d, k, stats, W, b };
}

/** Fit the softmax probe on `train`, report accuracy on both splits and the test confusion matrix. */
export function softmaxProbe(
  train: ProbeData,
  test: ProbeData,
  d: number,
  k: number,
  opts: SoftmaxOptions,
): ProbeResult {
  return scoreReadout("softmax", fitSoftmax(train.x, train.y, train.n, d, k, opts), train, test);
}
