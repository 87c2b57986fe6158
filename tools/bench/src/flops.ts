import { PlasticityError, UnknownNameError } from "@plasticity/core";

/**
 * FLOP counts of one dense Hebbian step (batch B, nIn = I inputs, nOut = O outputs).
 *
 * Convention: a multiply-add is 2 FLOP; every product or sum over an array whose size is a
 * product of two of B, I, O (B·O, O·I, B·I) is counted; the activation itself (softmax exp,
 * ranking for k-WTA or Krotov–Hopfield, max) is not. Matrix products of dense operands are
 * counted as dense products, the way both tfjs and PyTorch compute them (Sanger's
 * lower-triangular LT(⟨y yᵀ⟩)·W counts 2·O²·I); an update that the algorithm needs only for a
 * few (sample, unit) pairs is counted for those pairs (Krotov–Hopfield).
 * The forward pass u = x Wᵀ is part of the step: 2·B·I·O.
 */
export interface DenseShape {
  readonly batch: number;
  readonly nIn: number;
  readonly nOut: number;
}

/** One counted term of a step. */
export interface FlopTerm {
  /** What is computed, e.g. "⟨y xᵀ⟩". */
  readonly what: string;
  /** The count in B, I, O, e.g. "2·B·I·O". */
  readonly formula: string;
  readonly flops: number;
}

export interface FlopCount {
  readonly rule: string;
  readonly terms: readonly FlopTerm[];
  /** The terms' formulas joined with " + ". */
  readonly formula: string;
  readonly total: number;
}

type TermSpec = readonly [what: string, formula: string, count: (s: DenseShape) => number];

/** u = x Wᵀ: B·O dot products of length I. */
const FORWARD: TermSpec = [
  "forward u = x Wᵀ",
  "2·B·I·O",
  ({ batch, nIn, nOut }) => 2 * batch * nIn * nOut,
];
/** The Hebbian outer-product average ⟨y xᵀ⟩ = yᵀx / B. */
const HEBB_TERM: TermSpec = [
  "⟨y xᵀ⟩ = yᵀx",
  "2·B·I·O",
  ({ batch, nIn, nOut }) => 2 * batch * nIn * nOut,
];
/** ΔW = (lr/B)·S then W ← W + ΔW. */
const APPLY: TermSpec = ["ΔW = lr·(…), W += ΔW", "2·I·O", ({ nIn, nOut }) => 2 * nIn * nOut];

/** Per-rule terms of the update (the forward pass is added to each). */
const RULE_TERMS: Readonly<Record<string, readonly TermSpec[]>> = {
  /** Hebb (1949): ΔW = lr ⟨y xᵀ⟩. */
  hebb: [HEBB_TERM, APPLY],
  /** Anti-Hebb: ΔW = −lr ⟨y xᵀ⟩. */
  "anti-hebb": [HEBB_TERM, APPLY],
  /** Oja (1982), per unit: Δw_i = lr ⟨y_i (x − y_i w_i)⟩ = lr (⟨y_i x⟩ − ⟨y_i²⟩ w_i). */
  oja: [
    HEBB_TERM,
    ["⟨y²⟩ per unit", "2·B·O", ({ batch, nOut }) => 2 * batch * nOut],
    ["⟨y²⟩ ⊙ W and subtract", "2·I·O", ({ nIn, nOut }) => 2 * nIn * nOut],
    APPLY,
  ],
  /** Sanger (1989), generalised Hebbian algorithm: ΔW = lr (⟨y xᵀ⟩ − LT(⟨y yᵀ⟩) W). */
  sanger: [
    HEBB_TERM,
    ["⟨y yᵀ⟩ = yᵀy", "2·B·O²", ({ batch, nOut }) => 2 * batch * nOut * nOut],
    ["LT(⟨y yᵀ⟩)·W (dense)", "2·O²·I", ({ nIn, nOut }) => 2 * nOut * nOut * nIn],
    ["subtract", "I·O", ({ nIn, nOut }) => nIn * nOut],
    APPLY,
  ],
  /**
   * Krotov & Hopfield (2019), p = 2: units ranked per sample by Q_μ = u_μ / ‖W_μ‖ (ranking not
   * counted), g = 1 for the top unit, −Δ for the k-th; ΔW_μ = Σ_b g_bμ (x_b − u_bμ W_μ), rescaled
   * so max|ΔW| = lr. The currents are u from the forward pass. g has 2 non-zero entries per
   * sample, so the update needs only the 2·B winning (sample, unit) pairs: per pair and input,
   * one multiply-add for x_b − u_bμ W_μ and one for adding g·(…) into ΔW_μ (2·B pairs × I × 4).
   * A dense ⟨g xᵀ⟩ = gᵀx product (2·B·I·O, what PyTorch's baseline computes) is not the count.
   */
  "krotov-hopfield": [
    ["row norms ‖W_μ‖", "2·I·O", ({ nIn, nOut }) => 2 * nIn * nOut],
    ["Q = u / ‖W‖", "B·O", ({ batch, nOut }) => batch * nOut],
    ["x_b − u_bμ W_μ for the 2·B winning pairs", "4·B·I", ({ batch, nIn }) => 4 * batch * nIn],
    ["ΔW_μ += g·(…) for the 2·B winning pairs", "4·B·I", ({ batch, nIn }) => 4 * batch * nIn],
    ["max |ΔW|", "I·O", ({ nIn, nOut }) => nIn * nOut],
    APPLY,
  ],
  /** SoftHebb (Moraitis et al. 2022): y = softmax(u); Δw_i = lr ⟨y_i (x − u_i w_i)⟩. */
  softhebb: [
    HEBB_TERM,
    ["⟨y ⊙ u⟩ per unit", "2·B·O", ({ batch, nOut }) => 2 * batch * nOut],
    ["⟨y u⟩ ⊙ W and subtract", "2·I·O", ({ nIn, nOut }) => 2 * nIn * nOut],
    APPLY,
  ],
};

/** Rules with a FLOP formula. */
export function flopRules(): string[] {
  return Object.keys(RULE_TERMS);
}

function checkShape(s: DenseShape): void {
  for (const k of ["batch", "nIn", "nOut"] as const) {
    if (!Number.isInteger(s?.[k]) || s[k] <= 0) {
      throw new PlasticityError(
        `shape.${k}: expected a positive integer, got ${String(s?.[k])}`,
        `shape.${k}`,
      );
    }
  }
}

/** FLOPs of one dense step (forward + update) of `rule` at `shape`, with the formula. */
export function denseStepFlops(rule: string, shape: DenseShape): FlopCount {
  checkShape(shape);
  const specs = RULE_TERMS[rule];
  if (!specs) throw new UnknownNameError("rule with a FLOP formula", rule, flopRules());
  const terms = [FORWARD, ...specs].map(([what, formula, count]) => ({
    what,
    formula,
    flops: count(shape),
  }));
  return {
    rule,
    terms,
    formula: terms.map((t) => t.formula).join(" + "),
    total: terms.reduce((a, t) => a + t.flops, 0),
  };
}

/** FLOPs of C = A·B with A [m×k], B [k×n]: 2·m·k·n. */
export function matmulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n;
}
