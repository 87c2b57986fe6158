import { z } from "zod";
import { defineRule } from "../rule.js";

/**
 * Similarity matching, lateral weights M: anti-Hebbian in effect (M enters the dynamics as
 * −(M − I) y), learned by gradient ascent on the per-synapse term of the min-max objective at
 * the fixed point y*. Its fixed point is M = (1 + γ) ⟨y yᵀ⟩.
 *
 *   ΔM = (lr / 2) · ⟨y yᵀ − M / (1 + γ)⟩ = (lr / 2) · (⟨y yᵀ⟩ − M / (1 + γ))
 *
 * PAPERS.md §1.3: eq. (8) ΔL_ij = (η/2)(r*_i r*_j − L_ij) for a single layer (γ = 0); eq. (17)
 * ΔL_ij = (η/2) γ^(p−P) (r*_i r*_j − L_ij / ((1 + γ(1 − δ_pP)) c^L_ij)) for a hidden layer p < P
 * of a deep network with feedback strength γ (use γ = 0 for the top layer). A binary mask c^L
 * and the γ^(p−P) factor are the caller's, as for `sm-feedforward`.
 *
 * The rule learns a square matrix within one population: pass pre = post = y* (nIn = nOut) and
 * w = M. The update uses y = `post` only; `pre` is shape-checked but not read.
 *
 * Obeid, Ramambason, Pehlevan (2019), "Structured and deep similarity matching via structured
 * and deep Hebbian networks", NeurIPS.
 */
export const smLateral = defineRule({
  name: "sm-lateral",
  description: "Similarity matching, lateral M: ΔM ∝ y yᵀ − M/(1+γ); fixed point M = (1+γ)⟨y yᵀ⟩.",
  equation: "ΔM = (lr/2) · ⟨y yᵀ − M/(1 + γ)⟩",
  reference: "Obeid, Ramambason, Pehlevan (2019), Structured and deep similarity matching, NeurIPS",
  square: true,
  params: z.object({
    lr: z.number().positive().default(5e-3).describe("learning rate η (the update uses η/2)"),
    gamma: z
      .number()
      .min(0)
      .default(0)
      .describe("feedback strength γ of the deep network (0 for a single or top layer)"),
  }),
  delta({ post, w, batch, nOut }, { lr, gamma }, out, state) {
    const half = lr / 2;
    const decay = half / (1 + gamma);
    for (let i = 0; i < out.length; i++) out[i] = -decay * w[i];
    const scale = half / batch;
    for (let b = 0; b < batch; b++) {
      const r = b * nOut;
      for (let i = 0; i < nOut; i++) {
        const yi = post[r + i] * scale;
        if (yi === 0) continue;
        const row = i * nOut;
        for (let k = 0; k < nOut; k++) out[row + k] += yi * post[r + k];
      }
    }
    return state;
  },
});
