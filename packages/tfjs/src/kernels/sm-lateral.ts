import { PlasticityError, type smLateral } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, outerSum } from "./ops.js";

/**
 * Similarity matching, lateral M (core `sm-lateral`, Obeid et al. 2019 eqs. 8, 17):
 * ΔM = (lr / 2) · (⟨y yᵀ⟩ − M / (1 + γ)) = (lr / 2) · (Yᵀ Y / batch − M / (1 + γ)).
 * Square: `w` is M [nOut × nOut]; `pre` is not read.
 */
export const smLateralKernel: RuleKernelConfig<z.output<typeof smLateral.params>> = {
  ruleName: "sm-lateral",
  backendName: "*",
  kernelFunc({ post, w }, { lr, gamma }, state) {
    const n = post.shape[1];
    if (w.shape[0] !== n || w.shape[1] !== n) {
      throw new PlasticityError(
        `w: rule "sm-lateral" learns a square lateral matrix M [nOut × nOut] = [${n}, ${n}], got [${w.shape.join(", ")}]`,
        "w",
      );
    }
    const yy = tf.div(outerSum(post, post), batchOf(post));
    return { dw: tf.mul(tf.sub(yy, tf.div(w, 1 + gamma)), lr / 2), state };
  },
};
