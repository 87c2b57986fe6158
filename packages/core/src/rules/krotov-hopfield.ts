import { z } from "zod";
import { defineRule } from "../rule.js";

const params = z.object({
  lr: z
    .number()
    .positive()
    .default(2e-2)
    .describe(
      "learning rate (with normalize: the largest |ΔW| of the batch; eps in the paper's code)",
    ),
  p: z
    .number()
    .min(1)
    .default(2)
    .describe("Lebesgue order p of the synaptic metric; weights go to unit p-norm"),
  k: z
    .number()
    .int()
    .min(2)
    .default(2)
    .describe("rank of the unit that gets the anti-Hebbian push (−delta)"),
  delta: z
    .number()
    .min(0)
    .default(0.4)
    .describe("strength Δ of the anti-Hebbian update of the k-th ranked unit"),
  normalize: z
    .boolean()
    .default(true)
    .describe("scale ΔW so that max|ΔW| = lr, as the paper's code does (false: plain lr · mean)"),
  rank: z
    .enum(["q", "current"])
    .default("q")
    .describe(
      "what ranks the units: q = the paper's Q_μ = I_μ / ‖W_μ‖_p^(p−1) (scale-free); current = the raw " +
        "I_μ, as the authors' code (DimaKrotov/Biological_Learning) does, where large untrained rows win",
    ),
});

/**
 * Krotov–Hopfield "competing hidden units" rule. Each unit μ has the current
 * I_μ = ⟨W_μ, v⟩_μ = Σ_i sgn(W_μi)|W_μi|^(p−1) v_i and the normalised drive
 * Q_μ = I_μ / ⟨W_μ, W_μ⟩_μ^((p−1)/p) = I_μ / ‖W_μ‖_p^(p−1). Per sample the units are ranked by Q:
 * the top unit gets g = 1 (Hebbian), the k-th ranked unit g = −Δ (anti-Hebbian), all others 0.
 *
 *   ΔW_μ = lr · ⟨g(Q_μ) (v − I_μ W_μ)⟩      (paper eq. 3 with R = 1, τ absorbed in lr)
 *
 * With `normalize` (default, the paper's code) the batch update is rescaled so max|ΔW| = lr.
 * The decay term drives each winning unit's weights to unit p-norm: ‖W_μ‖_p → 1.
 *
 * For p = 2 the currents are the Euclidean ⟨W_μ, v⟩ = (W v)_μ, which is `u` by the RuleInput
 * contract (the pre-activation before any non-linearity), so `u` is used as given; for p ≠ 2 the
 * rule computes them from `w` and `pre` in the p-metric. It ranks units itself; `post` is not
 * used. Ties in Q are broken by the lower unit index. With fewer than k units only the top unit
 * learns.
 *
 * Departure from the reference code: the paper's text ranks by Q (default `rank: "q"`); the
 * authors' notebook ranks by the raw current I_μ (`rank: "current"`). They differ when rows have
 * different norms: under Q an untrained random row (cosine ≈ 0 with every image) never outranks
 * a trained one, so only the units that win early learn; under I a large untrained row (norm ≈
 * 28 for N(0,1) init on MNIST) outranks unit-norm trained ones, so every unit gets to learn.
 *
 * Krotov & Hopfield (2019), "Unsupervised learning by competing hidden units", PNAS
 * 116(16):7723–7731; code DimaKrotov/Biological_Learning (PAPERS.md §4).
 */
export const krotovHopfield = defineRule({
  name: "krotov-hopfield",
  description:
    "Krotov–Hopfield competing hidden units: top unit Hebbian, k-th ranked anti-Hebbian, p-norm decay.",
  equation:
    "ΔW_μ = lr · ⟨g(Q_μ) (v − ⟨W_μ, v⟩_μ W_μ)⟩, g = 1 (top), −Δ (k-th), 0 else; Q_μ = ⟨W_μ, v⟩_μ / ‖W_μ‖_p^(p−1)",
  reference: "Krotov & Hopfield (2019), Unsupervised learning by competing hidden units, PNAS",
  params,
  delta({ pre, u, w, batch, nIn, nOut }, { lr, p, k, delta, normalize, rank }, out, state) {
    // rank by Q = I / ‖W‖_p^(p−1), or by I itself (norm 1 for every unit)
    const norm = rank === "q" ? pNormPow(w, nOut, nIn, p) : new Float64Array(nOut).fill(1);
    // p ≠ 2: wp = sgn(W)|W|^(p−1), the current I_μ = wp_μ · v (p = 2: I = u, wp is not needed).
    const wp = p === 2 ? null : signedPow(w, p - 1);
    // Per unit: Σ_b g_bμ (the Hebbian coefficient of v_b) and Σ_b g_bμ I_bμ (the decay of W_μ).
    const hebbCoef = new Float64Array(batch * nOut);
    const decay = new Float64Array(nOut);
    const current = new Float64Array(nOut);
    const top = new Int32Array(Math.min(k, nOut));
    for (let b = 0; b < batch; b++) {
      if (wp === null) for (let m = 0; m < nOut; m++) current[m] = u[b * nOut + m];
      else pMetricCurrents(wp, pre.subarray(b * nIn, (b + 1) * nIn), nOut, nIn, current);
      const n = rankTop(current, norm, nOut, top);
      const first = top[0];
      hebbCoef[b * nOut + first] += 1;
      decay[first] += current[first];
      if (n >= k) {
        const kth = top[k - 1];
        hebbCoef[b * nOut + kth] -= delta;
        decay[kth] -= delta * current[kth];
      }
    }
    out.fill(0);
    for (let b = 0; b < batch; b++) {
      const x = b * nIn;
      for (let m = 0; m < nOut; m++) {
        const g = hebbCoef[b * nOut + m];
        if (g === 0) continue;
        const row = m * nIn;
        for (let i = 0; i < nIn; i++) out[row + i] += g * pre[x + i];
      }
    }
    for (let m = 0; m < nOut; m++) {
      const d = decay[m];
      if (d === 0) continue;
      const row = m * nIn;
      for (let i = 0; i < nIn; i++) out[row + i] -= d * w[row + i];
    }
    let scale = lr / batch;
    if (normalize) {
      let maxAbs = 0;
      for (let i = 0; i < out.length; i++) maxAbs = Math.max(maxAbs, Math.abs(out[i]));
      scale = maxAbs > 0 ? lr / maxAbs : 0;
    }
    for (let i = 0; i < out.length; i++) out[i] *= scale;
    return state;
  },
});

/** ‖W_μ‖_p^(p−1) = (Σ_i |W_μi|^p)^((p−1)/p) per row of W [nOut × nIn]. */
function pNormPow(w: Float32Array, nOut: number, nIn: number, p: number): Float64Array {
  const norm = new Float64Array(nOut);
  for (let m = 0; m < nOut; m++) {
    let s = 0;
    for (let i = m * nIn; i < (m + 1) * nIn; i++) s += Math.abs(w[i]) ** p;
    norm[m] = s ** ((p - 1) / p);
  }
  return norm;
}

/** sgn(W)|W|^e elementwise. */
function signedPow(w: Float32Array, e: number): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = Math.sign(w[i]) * Math.abs(w[i]) ** e;
  return out;
}

/** The p-metric currents I_μ = ⟨W_μ, v⟩_μ = wp_μ · v of one sample v [nIn] into `current`. */
function pMetricCurrents(
  wp: Float64Array,
  v: Float32Array,
  nOut: number,
  nIn: number,
  current: Float64Array,
): void {
  for (let m = 0; m < nOut; m++) {
    let s = 0;
    const row = m * nIn;
    for (let i = 0; i < nIn; i++) s += wp[row + i] * v[i];
    current[m] = s;
  }
}

/**
 * Writes into `top` the indices of the `top.length` largest Q_μ = current_μ / norm_μ (Q = 0 for a
 * zero weight row), largest first, ties to the lower index. Returns how many were written.
 */
function rankTop(current: Float64Array, norm: Float64Array, n: number, top: Int32Array): number {
  const kk = top.length;
  const q = new Float64Array(kk);
  let filled = 0;
  for (let m = 0; m < n; m++) {
    const qm = norm[m] > 0 ? current[m] / norm[m] : 0;
    // insertion into the descending list; strict > keeps the earlier (lower) index on ties
    let pos = filled;
    while (pos > 0 && qm > q[pos - 1]) pos--;
    if (pos >= kk) continue;
    const last = Math.min(filled, kk - 1);
    for (let t = last; t > pos; t--) {
      q[t] = q[t - 1];
      top[t] = top[t - 1];
    }
    q[pos] = qm;
    top[pos] = m;
    if (filled < kk) filled++;
  }
  return filled;
}
