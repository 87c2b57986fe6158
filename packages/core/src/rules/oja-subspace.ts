import { z } from "zod";
import { addOuterSum, secondMoment, subtractCW } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Oja's symmetric subspace rule: n linear units y = W x jointly converge to an orthonormal basis
 * of the top-n principal subspace of x (the basis itself is any rotation inside that subspace;
 * use `sanger` for the ordered components).
 *
 *   ΔW = lr · ⟨y xᵀ − y yᵀ W⟩ = lr · (⟨y xᵀ⟩ − ⟨y yᵀ⟩ W)
 *
 * Oja (1989), "Neural networks, principal components, and subspaces", Int. J. Neural Systems
 * 1(1):61–68.
 */
export const ojaSubspace = defineRule({
  name: "oja-subspace",
  description: "Oja's subspace rule: units span the top principal subspace (orthonormal rows).",
  equation: "ΔW = lr · ⟨y xᵀ − y yᵀ W⟩",
  reference: "Oja (1989), Neural networks, principal components, and subspaces",
  params: z.object({
    lr: z.number().positive().default(1e-3).describe("learning rate"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr }, out, state) {
    out.fill(0);
    addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    subtractCW(out, secondMoment(post, batch, nOut), w, nOut, nIn, lr, false);
    return state;
  },
});
