import { z } from "zod";
import { addOuterSum } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Plain Hebbian rule (Hebb 1949): a synapse grows with the product of pre- and post-synaptic
 * activity. Unbounded on its own: pair it with normalisation or a decay.
 *
 *   ΔW_ij = lr · ⟨y_i x_j⟩            (⟨·⟩: mean over the batch)
 *
 * Miconi (2021) eq. "plain Hebb": gradient of the surrogate −½ỹ² with ỹ = w·x.
 */
export const hebb = defineRule({
  name: "hebb",
  description: "Plain Hebbian rule: weights grow with pre × post activity.",
  equation: "ΔW = lr · ⟨y xᵀ⟩",
  reference: "Hebb (1949), The Organization of Behavior",
  params: z.object({
    lr: z.number().positive().default(1e-3).describe("learning rate"),
  }),
  delta({ pre, post, batch, nIn, nOut }, { lr }, out, state) {
    out.fill(0);
    addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    return state;
  },
});
