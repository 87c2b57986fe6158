import type { krotovHopfield } from "@plasticity/core";
import * as tf from "@tensorflow/tfjs-core";
import type { z } from "zod";
import type { RuleKernelConfig } from "../kernel-registry.js";
import { batchOf, rowNorms } from "./ops.js";

/**
 * Krotov–Hopfield competing hidden units (core `krotov-hopfield`, PNAS 2019):
 * currents I_μ = ⟨W_μ, x⟩_μ = x · sgn(W_μ)|W_μ|^(p−1), ranked per sample by
 * Q_μ = I_μ / ‖W_μ‖_p^(p−1) (rank "q") or by I_μ (rank "current", the authors' code); g = 1 for the top unit, −Δ for the k-th (when nOut ≥ k), 0 otherwise;
 * ΔW_μ = Σ_b g_bμ (x_b − I_bμ W_μ), scaled by lr / max|ΔW| (normalize) or lr / batch.
 *
 * For p = 2 the currents are the layer's pre-activation u = x Wᵀ (the RuleInput contract), so
 * none are recomputed; for p ≠ 2 they are x · wpᵀ in the p-metric. g has at most two non-zero
 * entries per sample, so ΔW is built from the 2·batch winning (sample, unit) pairs — W's rows
 * gathered, x_b − I_bμ W_μ per pair, scatter-added into [nOut × nIn] — instead of dense
 * [batch × nOut] one-hot products. `post` is not used.
 */
export const krotovHopfieldKernel: RuleKernelConfig<z.output<typeof krotovHopfield.params>> = {
  ruleName: "krotov-hopfield",
  backendName: "*",
  kernelFunc({ pre, u, w }, { lr, p, k, delta, normalize, rank }, state) {
    const [nOut, nIn] = w.shape;
    const { current, norm } = p === 2 ? { current: u, norm: rowNorms(w) } : pMetric(pre, w, p);
    // Q = I / norm (rank "current": I itself); a zero weight row has I = 0, so dividing it by 1
    // instead of 0 gives Q = 0.
    const safeNorm = tf.where(tf.greater(norm, 0), norm, tf.onesLike(norm));
    const q = rank === "q" ? tf.div<tf.Tensor2D>(current, safeNorm) : current;
    const { top, kth } = rankedUnits(q, k);
    const sample = tf.range(0, batchOf(pre), 1, "int32");
    const pairs = [competitor(pre, w, current, sample, top, 1)];
    if (kth) pairs.push(competitor(pre, w, current, sample, kth, -delta));
    const units = tf.expandDims(tf.concat(pairs.map((c) => c.unit)), 1);
    const updates = tf.concat<tf.Tensor2D>(pairs.map((c) => c.update));
    if (!normalize) {
      const dw = tf.scatterND(units, tf.mul(updates, lr / batchOf(pre)), [nOut, nIn]);
      return { dw: dw as tf.Tensor2D, state };
    }
    const raw = tf.scatterND(units, updates, [nOut, nIn]) as tf.Tensor2D;
    const maxAbs = tf.max(tf.abs(raw));
    const scale = tf.where(tf.greater(maxAbs, 0), tf.div(lr, maxAbs), tf.scalar(0));
    return { dw: tf.mul(raw, scale), state };
  },
};

/**
 * The p-metric currents I = x · wpᵀ with wp = sgn(W)|W|^(p−1), and ‖W_μ‖_p^(p−1) per row
 * (Σ_i |W_μi|^p taken as Σ_i |W_μi|^(p−1)·|W_μi|, one pow instead of two: pow is slow on wasm).
 */
function pMetric(
  pre: tf.Tensor2D,
  w: tf.Tensor2D,
  p: number,
): { current: tf.Tensor2D; norm: tf.Tensor1D } {
  const absW = tf.abs(w);
  const absPow = tf.pow(absW, p - 1);
  const wp = tf.mul<tf.Tensor2D>(tf.sign(w), absPow);
  const norm = tf.pow<tf.Tensor1D>(tf.sum<tf.Tensor1D>(tf.mul(absPow, absW), 1), (p - 1) / p);
  return { current: tf.matMul(pre, tf.transpose(wp)), norm };
}

/**
 * The unit at rank 1 and at rank k of each row of q [batch × nOut] (largest first, ties to the
 * lower index) as int32 [batch]; `kth` is null when nOut < k (then only the top unit learns).
 */
function rankedUnits(q: tf.Tensor2D, k: number): { top: tf.Tensor1D; kth: tf.Tensor1D | null } {
  const nOut = q.shape[1];
  const ranks = tf.topk(q, Math.min(k, nOut)).indices;
  const atRank = (r: number) => tf.reshape<tf.Rank.R1>(tf.slice(ranks, [0, r], [-1, 1]), [-1]);
  return { top: atRank(0), kth: nOut >= k ? atRank(k - 1) : null };
}

/**
 * One competitor per sample: unit[b] with coefficient g gives the rows g · (x_b − I_b,unit W_unit)
 * [batch × nIn] to scatter-add into row unit[b] of ΔW. gatherND, not gather: on wasm, gather of
 * rows is ~14× slower.
 */
function competitor(
  pre: tf.Tensor2D,
  w: tf.Tensor2D,
  current: tf.Tensor2D,
  sample: tf.Tensor1D,
  unit: tf.Tensor1D,
  g: number,
): { unit: tf.Tensor1D; update: tf.Tensor2D } {
  const currentAt = tf.gatherND(current, tf.stack([sample, unit], 1)) as tf.Tensor1D;
  const rows = tf.gatherND(w, tf.expandDims(unit, 1)) as tf.Tensor2D;
  const update = tf.sub<tf.Tensor2D>(pre, tf.mul(tf.expandDims(currentAt, 1), rows));
  return { unit, update: g === 1 ? update : tf.mul(update, g) };
}
