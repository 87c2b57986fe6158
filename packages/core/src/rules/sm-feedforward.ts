import { z } from "zod";
import { addOuterSum } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Similarity matching, feed-forward weights: Hebbian growth with a decay toward zero, i.e.
 * gradient descent on the per-synapse term of the min-max similarity-matching objective at the
 * fixed point y* of the neural dynamics. Its fixed point is W = ⟨y xᵀ⟩.
 *
 *   ΔW = lr · ⟨y xᵀ − W⟩ = lr · (⟨y xᵀ⟩ − W)
 *
 * PAPERS.md §1.3: eq. (8) ΔW_ij = η (r*_i x_j − W_ij) for a single layer; eq. (17), the structured
 * deep form ΔW_ij = η γ^(p−P) (r*_i r*_j^(p−1) − W_ij / c^W_ij): with a binary structure mask c^W
 * this is this rule followed by ΔW ← c^W ⊙ ΔW, and the γ^(p−P) factor folds into lr. Masking and
 * the per-layer factor are the caller's (the topology adapter's) job. `post` must be the fixed
 * point of the dynamics, y*.
 *
 * Obeid, Ramambason, Pehlevan (2019), "Structured and deep similarity matching via structured
 * and deep Hebbian networks", NeurIPS.
 */
export const smFeedforward = defineRule({
  name: "sm-feedforward",
  description: "Similarity matching, feed-forward W: Hebbian with decay; fixed point W = ⟨y xᵀ⟩.",
  equation: "ΔW = lr · ⟨y xᵀ − W⟩",
  reference: "Obeid, Ramambason, Pehlevan (2019), Structured and deep similarity matching, NeurIPS",
  params: z.object({
    lr: z.number().positive().default(5e-3).describe("learning rate η"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr }, out, state) {
    for (let i = 0; i < out.length; i++) out[i] = -lr * w[i];
    addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    return state;
  },
});
