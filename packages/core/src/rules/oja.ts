import { z } from "zod";
import { addOuterSum, subtractRowScaled } from "../linalg.js";
import { defineRule } from "../rule.js";

/**
 * Oja's single-unit rule, applied to each output unit independently: Hebb plus a decay that
 * keeps ‖W_i‖ → 1. For a linear unit y = W_i·x on zero-mean data, W_i converges to the first
 * principal component of x (units do not interact: use `sanger` or `oja-subspace` for several
 * components).
 *
 *   ΔW_i = lr · ⟨y_i (x − y_i W_i)⟩ = lr · (⟨y_i x⟩ − ⟨y_i²⟩ W_i)
 *
 * Oja (1982), "A simplified neuron model as a principal component analyzer", J. Math. Biol.
 * 15:267–273. Miconi (2021) eq. "Oja": gradient of −½ỹ² with ỹ = w·x − ½‖w‖² y (y constant).
 */
export const oja = defineRule({
  name: "oja",
  description:
    "Oja's rule per unit: normalised Hebb; a linear unit finds the first principal component.",
  equation: "ΔW_i = lr · ⟨y_i (x − y_i W_i)⟩",
  reference: "Oja (1982), A simplified neuron model as a principal component analyzer",
  params: z.object({
    lr: z.number().positive().default(1e-3).describe("learning rate"),
  }),
  delta({ pre, post, w, batch, nIn, nOut }, { lr }, out, state) {
    out.fill(0);
    addOuterSum(out, post, pre, batch, nOut, nIn, lr / batch);
    const y2 = new Float64Array(nOut);
    for (let b = 0; b < batch; b++) {
      const r = b * nOut;
      for (let i = 0; i < nOut; i++) y2[i] += post[r + i] * post[r + i];
    }
    for (let i = 0; i < nOut; i++) y2[i] *= lr / batch;
    subtractRowScaled(out, y2, w, nOut, nIn);
    return state;
  },
});
