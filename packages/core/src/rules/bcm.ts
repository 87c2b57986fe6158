import { z } from "zod";
import { checkState, defineRule, type RuleState } from "../rule.js";

/** BCM's sliding modification threshold, one per output unit. */
export interface BcmState extends RuleState {
  /** θ [nOut]: running average of y², the LTP/LTD crossover of each unit. */
  theta: Float32Array;
}

const params = z.object({
  lr: z.number().positive().default(1e-3).describe("learning rate"),
  tau: z
    .number()
    .min(1)
    .default(100)
    .describe("time constant of the sliding threshold θ, in batches (θ tracks ⟨y²⟩)"),
  theta0: z.number().min(0).default(0).describe("initial threshold θ for every unit"),
});

/**
 * Bienenstock–Cooper–Munro rule with a sliding threshold: activity above θ potentiates, below θ
 * depresses, and θ follows the recent mean of y², so a unit that fires a lot raises its own bar.
 * The result is selectivity: a unit ends up responding strongly to few input patterns.
 *
 *   ΔW_ij = lr · ⟨y_i (y_i − θ_i) x_j⟩
 *   θ_i ← θ_i + (⟨y_i²⟩ − θ_i) / tau
 *
 * ΔW uses θ from before this batch's update; the returned state holds the updated θ.
 *
 * Bienenstock, Cooper, Munro (1982), "Theory for the development of neuron selectivity",
 * J. Neurosci. 2(1):32–48; the θ = E[y²] form of Intrator & Cooper (1992).
 */
export const bcm = defineRule<typeof params, BcmState>({
  name: "bcm",
  description:
    "BCM: Hebbian above a sliding threshold θ ≈ ⟨y²⟩, anti-Hebbian below; units become selective.",
  equation: "ΔW = lr · ⟨y (y − θ) xᵀ⟩,  θ ← θ + (⟨y²⟩ − θ)/tau",
  reference: "Bienenstock, Cooper, Munro (1982), Theory for the development of neuron selectivity",
  params,
  init({ nOut }, { theta0 }) {
    return { theta: new Float32Array(nOut).fill(theta0) };
  },
  delta({ pre, post, batch, nIn, nOut }, { lr, tau }, out, state) {
    const theta = checkState(state, "theta", nOut, "nOut");
    out.fill(0);
    const scale = lr / batch;
    const y2 = new Float64Array(nOut);
    for (let b = 0; b < batch; b++) {
      const x = b * nIn;
      const y = b * nOut;
      for (let i = 0; i < nOut; i++) {
        const yi = post[y + i];
        y2[i] += yi * yi;
        const phi = yi * (yi - theta[i]) * scale;
        if (phi === 0) continue;
        const row = i * nIn;
        for (let j = 0; j < nIn; j++) out[row + j] += phi * pre[x + j];
      }
    }
    const next = new Float32Array(nOut);
    for (let i = 0; i < nOut; i++) next[i] = theta[i] + (y2[i] / batch - theta[i]) / tau;
    return { theta: next };
  },
});
