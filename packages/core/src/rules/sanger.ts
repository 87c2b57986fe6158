import { z } from "zod";
import { addOuterSum, secondMoment, subtractCW } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Sanger's generalized Hebbian algorithm (GHA): like Oja's subspace rule, but unit i only
 * decorrelates from units k ≤ i (LT = lower triangle including the diagonal), so for linear
 * units y = W x the rows of W converge to the principal components IN ORDER of eigenvalue.
 *
 *   ΔW = lr · ⟨y xᵀ − LT(y yᵀ) W⟩ = lr · (⟨y xᵀ⟩ − LT(⟨y yᵀ⟩) W)
 *
 * Sanger (1989), "Optimal unsupervised learning in a single-layer linear feedforward neural
 * network", Neural Networks 2(6):459–473.
 */
export const sanger = defineRule({
  name: "sanger",
  description: "Sanger's GHA: rows of W become the leading principal components, in order.",
  equation: "ΔW = lr · ⟨y xᵀ − LT(y yᵀ) W⟩",
  reference:
    "Sanger (1989), Optimal unsupervised learning in a single-layer linear feedforward neural network",
  params: z.object({
    lr: z.number().positive().default(1e-3).describe("learning rate"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr }, out, state) {
    out.fill(0);
    addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    subtractCW(out, secondMoment(post, batch, nOut), w, nOut, nIn, lr, true);
    return state;
  },
});
