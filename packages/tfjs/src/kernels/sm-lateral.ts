import { PlasticityError, type smLateral } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, stackOuterSum } from "./ops.js";

/**
 * Similarity matching, lateral M (core `sm-lateral`, Obeid et al. 2019 eqs. 8, 17):
 * ΔM = (lr / 2) · (⟨y yᵀ⟩ − M / (1 + γ)) = (lr / 2) · (Yᵀ Y / batch − M / (1 + γ)).
 * Square: `w` is M [nOut × nOut]; `pre` is not read.
 *
 * Also takes a stack of independent populations with a leading axis S (the sites of a locally
 * connected layer): post [S × batch × n], w [S × n × n] → ΔM [S × n × n], each slice exactly the
 * rank-2 rule. With `partner` [S × batch × m] (default: `post`), M_ij couples neuron i of the
 * site to partner j, ΔM = (lr/2)(⟨y pᵀ⟩ − M/(1+γ)) with M [S × n × m]: the same synapse-local
 * rule for a lateral radius > 0, whose partners are the neurons of the neighbouring sites
 * (r_j of eq. 17 is then the partner's activity). Masks (c^L) are applied by the caller.
 */
export function smLateralDelta<T extends tf.Tensor2D | tf.Tensor3D>(
  post: T,
  w: T,
  lr: number,
  gamma: number,
  partner: T = post,
): T {
  const n = post.shape[post.rank - 1]!;
  const m = partner.shape[partner.rank - 1]!;
  const rows = w.shape[w.rank - 2]!;
  const cols = w.shape[w.rank - 1]!;
  if (w.rank !== post.rank || rows !== n || cols !== m) {
    throw new PlasticityError(
      `w: rule "sm-lateral" learns a lateral matrix M [nOut × ${m === n ? "nOut" : "partners"}] = [${n}, ${m}]` +
        `${post.rank === 3 ? " per site" : ""}, got [${w.shape.join(", ")}]`,
      "w",
    );
  }
  return tf.tidy(() => {
    const yy = tf.div(stackOuterSum(post, partner), batchOf(post));
    return tf.mul(tf.sub(yy, tf.div(w, 1 + gamma)), lr / 2);
  });
}

export const smLateralKernel: RuleKernelConfig<z.output<typeof smLateral.params>> = {
  ruleName: "sm-lateral",
  backendName: "*",
  kernelFunc({ post, w }, { lr, gamma }, state) {
    return { dw: smLateralDelta(post, w, lr, gamma), state };
  },
};
