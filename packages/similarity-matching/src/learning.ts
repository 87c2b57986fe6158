/**
 * How a batch's update relates to the paper's online (batch-1) updates, eq. (17).
 *
 * Online, B consecutive samples move W by B steps of W ← (1 − η)W + η r xᵀ, i.e.
 * W_B = (1 − η)^B W + Σ_b η(1 − η)^(B−1−b) r_b x_bᵀ. A micro-batch computes the B fixed points
 * with the weights of its start and applies the same compounded decay to the batch mean:
 *
 *   W ← W + (1 − (1 − η)^B) (⟨r xᵀ⟩ − W),
 *
 * which is core `sm-feedforward` with lr = 1 − (1 − η)^B (exactly B online steps when the B
 * samples are alike; η at B = 1). For M, whose online decay per sample is a = η/(2(1 + γ)),
 * `sm-lateral`'s lr/2 = (1 + γ)(1 − (1 − a)^B). The two differ from online learning only in the
 * weights' drift within the micro-batch (the fixed points see the weights of its start, and the
 * samples are weighted equally instead of geometrically), which is O(η·B): a batch is cut into
 * micro-batches of B = ⌊maxDrift / η⌋ samples, so early rounds (η = 5e-3) learn in micro-batches
 * of 10 and late ones (η = 1e-4) in micro-batches of 500 at the default maxDrift of 0.05. The
 * tests check that this gives the networks of online learning.
 */

/** The learning rate of layer p (0-based) of P: η · lrScale · (γ^(p+1−P) when `layerLrFactor`). */
export function layerRate(
  eta: number,
  p: number,
  P: number,
  gamma: number,
  layerLrFactor: boolean,
): number {
  return layerLrFactor && P > 1 ? eta * gamma ** (p + 1 - P) : eta;
}

/** Samples per micro-batch: the most with η·B ≤ maxDrift (at least 1). */
export function microBatchSize(eta: number, maxDrift: number): number {
  return Math.max(1, Math.floor(maxDrift / eta + 1e-9));
}

/** `sm-feedforward`'s lr for a micro-batch of B: B online steps' decay 1 − (1 − η)^B. */
export function feedforwardLr(eta: number, B: number): number {
  return -Math.expm1(B * Math.log1p(-eta));
}

/**
 * `sm-lateral`'s lr for a micro-batch of B: lr/2 = (1 + γ)(1 − (1 − η/(2(1 + γ)))^B), so that
 * ΔM = (lr/2)(⟨r rᵀ⟩ − M/(1 + γ)) equals B online steps (γ = 0 at the top layer).
 */
export function lateralLr(eta: number, B: number, gamma: number): number {
  const a = eta / (2 * (1 + gamma));
  return 2 * (1 + gamma) * -Math.expm1(B * Math.log1p(-a));
}
