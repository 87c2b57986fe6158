import { defineRule, linalg } from "@plasticity/core";
import { z } from "zod";

/**
 * Hebb with passive weight decay: plain Hebbian growth plus a leak toward zero, the simplest
 * way to keep Hebbian weights bounded. Synapses that are not driven forget at rate `decay`.
 *
 *   ΔW = lr · ⟨y xᵀ⟩ − decay · W
 *
 * For fixed statistics the weights settle at W* = (lr / decay) · ⟨y xᵀ⟩ (0 < decay < 2 converges;
 * decay = 0 is plain Hebb). The decay acts once per update, whatever the batch size.
 *
 * Sejnowski & Tesauro (1989), "The Hebb rule for synaptic plasticity: algorithms and
 * implementations" (Hebb with decay term); Gerstner & Kistler (2002), "Mathematical formulations
 * of Hebbian learning", Biol. Cybern. 87:404–415.
 */
export const hebbDecay = defineRule({
  name: "hebb-decay",
  description:
    "Hebb with passive weight decay: ΔW = lr⟨y xᵀ⟩ − decay·W; settles at (lr/decay)⟨y xᵀ⟩.",
  equation: "ΔW = lr · ⟨y xᵀ⟩ − decay · W",
  reference: "Sejnowski & Tesauro (1989), The Hebb rule for synaptic plasticity",
  params: z.object({
    lr: z.number().positive().default(1e-2).describe("learning rate of the Hebbian term"),
    decay: z
      .number()
      .min(0)
      .lt(2)
      .default(1e-3)
      .describe("fraction of W forgotten per update (0 ≤ decay < 2; 0 = plain Hebb)"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr, decay }, out, state) {
    for (let i = 0; i < out.length; i++) out[i] = -decay * w[i];
    linalg.addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    return state;
  },
});
