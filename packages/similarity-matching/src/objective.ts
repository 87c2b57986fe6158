/**
 * The dual similarity-matching objective over a round of training images, in the form the
 * official code tracks (`training.costs`, PAPERS.md §1.3), per layer p with input r⁽ᵖ⁻¹⁾:
 *
 *   cost_p = ‖C‖² − 2‖W̄‖² + ‖L̄‖² + ⟨Σ_i F(r_i)⟩,
 *   C = ⟨r⁽ᵖ⁻¹⁾ r⁽ᵖ⁻¹⁾ᵀ⟩, W̄ = c^W ⊙ ⟨r⁽ᵖ⁾ r⁽ᵖ⁻¹⁾ᵀ⟩, L̄ = c^L ⊙ ⟨r⁽ᵖ⁾ r⁽ᵖ⁾ᵀ⟩,
 *
 * (‖·‖ Frobenius, ⟨·⟩ the mean over the round's fixed points): with binary c this is twice
 * ½‖C‖² − (structured cross term) + ½(structured quartic term) of eq. (9), plus the
 * regulariser, i.e. eq. (1)/(9) evaluated at the fixed points. W̄ and L̄ are kept per site
 * ([S, n, K] and [S, n, Q·n]); C is dense over the layer's inputs.
 */
import { kernelOps, tf } from "@plasticity/tfjs";

/** C is dense [nIn × nIn]; above this many inputs its term is left out (NaN). */
export const MAX_DENSE_INPUTS = 4096;

export class ObjectiveAccumulator {
  private C: tf.Tensor2D | null = null;
  private Wbar: tf.Tensor3D | null = null;
  private Lbar: tf.Tensor3D | null = null;
  private F = 0;
  private T = 0;

  constructor(
    readonly nIn: number,
    private readonly wMask: tf.Tensor3D | null,
    private readonly mMask: tf.Tensor3D | null,
  ) {}

  /** Add a batch: its inputs [B, nIn], per-site pre [S, B, K], post [S, B, n], partners. */
  add(
    input: tf.Tensor2D,
    pre: tf.Tensor3D,
    post: tf.Tensor3D,
    partner: tf.Tensor3D,
    regulariser: number,
  ): void {
    const B = input.shape[0];
    const acc = <T extends tf.Tensor>(old: T | null, d: T): T => {
      const next = tf.keep(old ? (tf.add(old, d) as T) : d);
      old?.dispose();
      return next;
    };
    tf.tidy(() => {
      this.Wbar = acc(this.Wbar, kernelOps.stackOuterSum(post, pre));
      this.Lbar = acc(this.Lbar, kernelOps.stackOuterSum(post, partner));
      if (this.nIn <= MAX_DENSE_INPUTS) this.C = acc(this.C, kernelOps.outerSum(input, input));
    });
    this.F += regulariser;
    this.T += B;
  }

  /** The round's cost (NaN before any sample) and its terms; resets the accumulator. */
  take(): { cost: number; C: number; W: number; L: number; F: number } {
    if (this.T === 0)
      return { cost: Number.NaN, C: Number.NaN, W: Number.NaN, L: Number.NaN, F: 0 };
    const T2 = this.T * this.T;
    const sq = (t: tf.Tensor | null, mask: tf.Tensor | null) =>
      t === null
        ? Number.NaN
        : tf.tidy(() => tf.sum(tf.square(mask ? tf.mul(t, mask) : t)).dataSync()[0]!) / T2;
    const C = sq(this.C, null);
    const W = sq(this.Wbar, this.wMask);
    const L = sq(this.Lbar, this.mMask);
    const F = this.F / this.T;
    this.reset();
    return { cost: C - 2 * W + L + F, C, W, L, F };
  }

  reset(): void {
    this.C?.dispose();
    this.Wbar?.dispose();
    this.Lbar?.dispose();
    this.C = this.Wbar = this.Lbar = null;
    this.F = 0;
    this.T = 0;
  }
}
