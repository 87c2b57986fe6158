import { defineRule, linalg } from "@plasticity/core";
import { z } from "zod";

/**
 * Hebb with soft bounds: growth slows as a weight nears its ceiling wMax, depression as it nears
 * its floor wMin (multiplicative weight dependence, van Rossum, Bi & Turrigiano 2000). With
 * c = ⟨y xᵀ⟩ (the batch mean of post × pre),
 *
 *   ΔW_ij = lr · ( [c_ij]₊ (wMax − W_ij) + [c_ij]₋ (W_ij − wMin) )
 *
 * where [c]₊ = max(c, 0) and [c]₋ = min(c, 0). A weight in [wMin, wMax] stays there as long as
 * lr · |c_ij| ≤ 1.
 */
export const softBoundHebb = defineRule({
  name: "soft-bound-hebb",
  description: "Hebb with soft bounds: weights slow down as they approach wMin or wMax.",
  equation: "ΔW = lr · ([⟨y xᵀ⟩]₊ ⊙ (wMax − W) + [⟨y xᵀ⟩]₋ ⊙ (W − wMin))",
  reference:
    "van Rossum, Bi & Turrigiano (2000), Stable Hebbian learning from spike timing-dependent plasticity",
  params: z.object({
    lr: z.number().positive().default(0.01).describe("learning rate"),
    wMin: z.number().default(-1).describe("floor the weights approach under depression"),
    wMax: z.number().default(1).describe("ceiling the weights approach under potentiation"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr, wMin, wMax }, out, state) {
    out.fill(0);
    linalg.addOuterSum(out, post, pre, batch, nOut, nIn, 1 / batch); // out = ⟨y xᵀ⟩
    for (let i = 0; i < out.length; i++) {
      const c = out[i];
      out[i] = lr * (c > 0 ? c * (wMax - w[i]) : c * (w[i] - wMin));
    }
    return state;
  },
});
