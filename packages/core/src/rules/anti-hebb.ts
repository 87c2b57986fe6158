import { z } from "zod";
import { addOuterSum } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Anti-Hebbian rule: a synapse weakens with the product of pre- and post-synaptic activity,
 * which decorrelates units (Földiák 1990 uses it on lateral weights to make outputs independent).
 *
 *   ΔW_ij = −lr · ⟨y_i x_j⟩            (⟨·⟩: mean over the batch)
 *
 * Földiák (1990), "Forming sparse representations by local anti-Hebbian learning",
 * Biological Cybernetics 64:165–170.
 */
export const antiHebb = defineRule({
  name: "anti-hebb",
  description: "Anti-Hebbian rule: weights shrink with pre × post activity (decorrelation).",
  equation: "ΔW = −lr · ⟨y xᵀ⟩",
  reference: "Földiák (1990), Forming sparse representations by local anti-Hebbian learning",
  params: z.object({
    lr: z.number().positive().default(1e-3).describe("learning rate"),
  }),
  delta({ pre, post, batch, nIn, nOut }, { lr }, out, state) {
    out.fill(0);
    addOuterSum(out, post, pre, batch, nOut, nIn, -lr / batch);
    return state;
  },
});
