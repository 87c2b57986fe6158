import { z } from "zod";
import { columnMeans } from "../linalg.js";
import { checkState, defineRule, type RuleState } from "../rule.js";

/** Running means of the covariance rule (`means: "running"` only). */
export interface CovarianceState extends RuleState {
  /** x̄ [nIn], running mean of the pre-synaptic activity. */
  xMean: Float32Array;
  /** ȳ [nOut], running mean of the post-synaptic activity. */
  yMean: Float32Array;
  /** [1] number of batches averaged so far, saturating at tau. */
  count: Float32Array;
}

const params = z.object({
  lr: z.number().positive().default(1e-3).describe("learning rate"),
  means: z
    .enum(["batch", "running"])
    .default("batch")
    .describe(
      'where x̄, ȳ come from: "batch" = the means of this batch (stateless; a batch of 1 learns nothing), ' +
        '"running" = running means kept in the state (works online)',
    ),
  tau: z
    .number()
    .min(1)
    .default(100)
    .describe('time constant of the running means, in batches (means: "running" only)'),
});

/**
 * Covariance rule: Hebb on the fluctuations around the mean activity, so a synapse grows when
 * pre and post are correlated above chance and shrinks when they are anti-correlated.
 *
 *   ΔW_ij = lr · ⟨(y_i − ȳ_i)(x_j − x̄_j)⟩
 *
 * Means, by the `means` parameter:
 * - "batch" (default): x̄, ȳ are the means over the current batch, so ΔW is lr times the batch
 *   covariance of y and x. Stateless; a batch of one sample gives ΔW = 0.
 * - "running": x̄, ȳ are kept in the state and first updated with this batch,
 *   m ← m + (⟨·⟩ − m)/min(t, tau) with t the number of batches seen (t = 1, 2, …). The 1/t phase
 *   makes the first tau batches an exact running average (no bias toward the zero start); after
 *   it the means are exponential averages with time constant tau. Then ΔW uses the updated means.
 *   With tau = 1 this is exactly the "batch" rule.
 *
 * Sejnowski (1977), "Storing covariance with nonlinearly interacting neurons", J. Math. Biol.
 * 4:303–321.
 */
export const covariance = defineRule<typeof params, CovarianceState>({
  name: "covariance",
  description: "Sejnowski's covariance rule: Hebb on deviations from the mean activity.",
  equation: "ΔW = lr · ⟨(y − ȳ)(x − x̄)ᵀ⟩",
  reference: "Sejnowski (1977), Storing covariance with nonlinearly interacting neurons",
  params,
  init({ nIn, nOut }, p) {
    if (p.means === "batch") return {} as CovarianceState;
    return {
      xMean: new Float32Array(nIn),
      yMean: new Float32Array(nOut),
      count: new Float32Array(1),
    };
  },
  delta({ pre, post, batch, nIn, nOut }, { lr, means, tau }, out, state) {
    const xBatch = columnMeans(pre, batch, nIn);
    const yBatch = columnMeans(post, batch, nOut);
    let next = state;
    let xBar: ArrayLike<number> = xBatch;
    let yBar: ArrayLike<number> = yBatch;
    if (means === "running") {
      const xMean = checkState(state, "xMean", nIn, "nIn");
      const yMean = checkState(state, "yMean", nOut, "nOut");
      const count = checkState(state, "count", 1, "1");
      const t = Math.min(count[0] + 1, tau);
      const rate = 1 / t;
      const xNew = new Float32Array(nIn);
      const yNew = new Float32Array(nOut);
      for (let j = 0; j < nIn; j++) xNew[j] = xMean[j] + (xBatch[j] - xMean[j]) * rate;
      for (let i = 0; i < nOut; i++) yNew[i] = yMean[i] + (yBatch[i] - yMean[i]) * rate;
      next = { xMean: xNew, yMean: yNew, count: new Float32Array([t]) };
      xBar = xNew;
      yBar = yNew;
    }
    out.fill(0);
    const scale = lr / batch;
    const dx = new Float64Array(nIn);
    for (let b = 0; b < batch; b++) {
      const x = b * nIn;
      const y = b * nOut;
      for (let j = 0; j < nIn; j++) dx[j] = pre[x + j] - xBar[j];
      for (let i = 0; i < nOut; i++) {
        const dyi = (post[y + i] - yBar[i]) * scale;
        if (dyi === 0) continue;
        const row = i * nIn;
        for (let j = 0; j < nIn; j++) out[row + j] += dyi * dx[j];
      }
    }
    return next;
  },
});
