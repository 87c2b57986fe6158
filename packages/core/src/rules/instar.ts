import { z } from "zod";
import { addOuterSum, columnMeans, subtractRowScaled } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Grossberg's instar rule: each unit's weight vector moves toward the inputs it responds to, in
 * proportion to its activity. With winner-take-all activity (k-WTA, k = 1) a unit's weights
 * converge to the mean of the inputs it wins (competitive learning / online k-means).
 *
 *   ΔW_i = lr · ⟨y_i (x − W_i)⟩ = lr · (⟨y_i x⟩ − ⟨y_i⟩ W_i)
 *
 * Grossberg (1976), "Adaptive pattern classification and universal recoding I", Biol. Cybern.
 * 23:121–134. Miconi (2021) eq. "instar": gradient of the surrogate −½ỹ² with ỹ = w·x − ½‖w‖²;
 * the rule used for all of Miconi's reported CIFAR-10 results.
 */
export const instar = defineRule({
  name: "instar",
  description: "Grossberg instar: each unit's weights move toward the inputs it is active for.",
  equation: "ΔW_i = lr · ⟨y_i (x − W_i)⟩",
  reference: "Grossberg (1976), Adaptive pattern classification and universal recoding I",
  params: z.object({
    lr: z.number().positive().default(1e-2).describe("learning rate"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr }, out, state) {
    out.fill(0);
    addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    const yMean = columnMeans(post, batch, nOut);
    for (let i = 0; i < nOut; i++) yMean[i] *= lr;
    subtractRowScaled(out, yMean, w, nOut, nIn);
    return state;
  },
});
