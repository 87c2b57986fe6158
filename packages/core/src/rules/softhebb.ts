import { z } from "zod";
import { defineRule } from "../rule.js";

const params = z.object({
  lr: z.number().positive().default(1e-2).describe("learning rate"),
  temperature: z
    .number()
    .positive()
    .default(1)
    .describe(
      "softmax temperature t in y = softmax(u / t); small t approaches hard winner-take-all. " +
        "The reciprocal of the papers' inverse temperature (β = 1/t, e.g. SoftHebb's t = 1, 0.65 and 0.25 per layer)",
    ),
  antiHebbian: z
    .boolean()
    .default(false)
    .describe(
      "non-winners (every unit but the argmax of u) learn with −y_i: anti-Hebbian SoftHebb",
    ),
  normalize: z
    .boolean()
    .default(false)
    .describe(
      "divide the batch's ΔW by its largest |ΔW| before lr, as the official code does (lr is then the largest step)",
    ),
  adaptivePower: z
    .number()
    .min(0)
    .default(0)
    .describe(
      "per-unit learning rate lr_i = lr · |‖W_i‖ − 1|^power (the official code uses 0.5: units far from unit norm " +
        "learn fast, converged ones slow down); 0 = the same lr for every unit",
    ),
});

/**
 * SoftHebb: soft winner-take-all Hebbian learning. The plasticity signal is the softmax of the
 * pre-activations over units, y = softmax(u / t) (computed here from `u`, so the layer's `post`
 * activity, e.g. a triangle or ReLU output, can differ from it). Each unit learns Oja-like with
 * its own pre-activation u_i in the decay, which drives ‖W_i‖ → 1:
 *
 *   y_i = exp(u_i / t) / Σ_k exp(u_k / t)
 *   ΔW_i = lr · ⟨y_i (x − u_i W_i)⟩
 *
 * With `antiHebbian`, per sample every unit except the winner (argmax u, ties to the lower index)
 * uses −y_i instead of y_i (Journé et al. 2023). `post` is not used.
 *
 * Two step-size options follow the official code (NeuromorphicComputing/SoftHebb), which the
 * papers' equations leave out: `normalize` divides ΔW by max|ΔW| over the batch's update, and
 * `adaptivePower` > 0 scales unit i's step by |‖W_i‖ − 1|^power (0.5 in the code), so
 *
 *   ΔW_i = lr · |‖W_i‖ − 1|^power · D_i / max|D|,   D_i = ⟨y_i (x − u_i W_i)⟩.
 *
 * Both default off (the papers' rule).
 *
 * Moraitis, Toichkin, Journé, Chua, Guo (2022), "SoftHebb: Bayesian inference in unsupervised
 * Hebbian soft winner-take-all networks", Neuromorph. Comput. Eng. 2:044017; Journé, Rodriguez,
 * Guo, Moraitis (2023), "Hebbian deep learning without feedback", ICLR.
 */
export const softhebb = defineRule({
  name: "softhebb",
  description: "SoftHebb: softmax-competition Hebbian rule; weights go to unit norm.",
  equation:
    "y = softmax(u/t),  ΔW_i = lr · ⟨y_i (x − u_i W_i)⟩ (options: ÷ max|ΔW|, × |‖W_i‖ − 1|^power)",
  reference:
    "Moraitis et al. (2022), SoftHebb: Bayesian inference in unsupervised Hebbian soft WTA networks",
  params,
  delta({ pre, u, w, batch, nIn, nOut }, params, out, state) {
    const { lr, temperature, antiHebbian } = params;
    out.fill(0);
    const scale = lr / batch;
    const y = new Float64Array(nOut);
    const decay = new Float64Array(nOut);
    for (let b = 0; b < batch; b++) {
      const x = b * nIn;
      const r = b * nOut;
      let max = -Infinity;
      let winner = 0;
      for (let i = 0; i < nOut; i++) {
        if (u[r + i] > max) {
          max = u[r + i];
          winner = i;
        }
      }
      let sum = 0;
      for (let i = 0; i < nOut; i++) {
        y[i] = Math.exp((u[r + i] - max) / temperature);
        sum += y[i];
      }
      for (let i = 0; i < nOut; i++) {
        let yi = y[i] / sum;
        if (antiHebbian && i !== winner) yi = -yi;
        decay[i] += yi * u[r + i];
        const c = yi * scale;
        if (c === 0) continue;
        const row = i * nIn;
        for (let j = 0; j < nIn; j++) out[row + j] += c * pre[x + j];
      }
    }
    for (let i = 0; i < nOut; i++) {
      const d = decay[i] * scale;
      if (d === 0) continue;
      const row = i * nIn;
      for (let j = 0; j < nIn; j++) out[row + j] -= d * w[row + j];
    }
    scaleStep(out, w, nIn, nOut, params);
    return state;
  },
});

/**
 * The official code's step sizes on ΔW = lr · D (D = mean update): divide by max|D| (`normalize`,
 * so the step is lr · D/max|D|) and multiply row i by |‖W_i‖ − 1|^adaptivePower.
 */
function scaleStep(
  out: Float32Array,
  w: Float32Array,
  nIn: number,
  nOut: number,
  p: { lr: number; normalize: boolean; adaptivePower: number },
): void {
  if (p.normalize) {
    let maxAbs = 0;
    for (let i = 0; i < out.length; i++) maxAbs = Math.max(maxAbs, Math.abs(out[i]));
    // out holds lr · D, so lr · D / max|D| = out / max|out| · lr
    const s = maxAbs > 0 ? p.lr / maxAbs : 0;
    for (let i = 0; i < out.length; i++) out[i] *= s;
  }
  if (p.adaptivePower === 0) return;
  for (let i = 0; i < nOut; i++) {
    let sq = 0;
    for (let j = i * nIn; j < (i + 1) * nIn; j++) sq += w[j] * w[j];
    const f = Math.abs(Math.sqrt(sq) - 1) ** p.adaptivePower;
    for (let j = i * nIn; j < (i + 1) * nIn; j++) out[j] *= f;
  }
}
