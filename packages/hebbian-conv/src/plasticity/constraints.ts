import type { Rng } from "@plasticity/core";
import type { KeptSynapses } from "../ops/conv.js";

/**
 * A fixed random pruning mask [cout × fanIn]: each synapse is kept with probability 1 − prune
 * (Miconi: `rand > PROBAMASK`). prune = 0 keeps everything.
 */
export function pruningMask(rng: Rng, cout: number, fanIn: number, prune: number): Uint8Array {
  const mask = new Uint8Array(cout * fanIn);
  for (let i = 0; i < mask.length; i++) mask[i] = prune === 0 || rng.uniform() >= prune ? 1 : 0;
  return mask;
}

/**
 * After every update (and at init): W ← W ⊙ mask, then each filter w_c ← w_c / (1e-10 + ‖w_c‖)
 * (Miconi's NORMW). W is [cout × fanIn]; a filter with no synapse stays 0.
 */
export function maskAndNormalize(
  W: Float32Array,
  cout: number,
  fanIn: number,
  mask: Uint8Array | null,
): void {
  for (let c = 0; c < cout; c++) {
    const o = c * fanIn;
    let ss = 0;
    for (let k = 0; k < fanIn; k++) {
      if (mask && mask[o + k] === 0) W[o + k] = 0;
      ss += W[o + k] * W[o + k];
    }
    const inv = 1 / (1e-10 + Math.sqrt(ss));
    for (let k = 0; k < fanIn; k++) W[o + k] *= inv;
  }
}

/** Miconi's initial filters: randn · 0.01, masked, each normalised to unit norm. */
export function initFilters(
  rng: Rng,
  cout: number,
  fanIn: number,
  mask: Uint8Array | null,
): Float32Array {
  const W = rng.fillNormal(new Float32Array(cout * fanIn), 0, 0.01);
  maskAndNormalize(W, cout, fanIn, mask);
  return W;
}

/**
 * `maskAndNormalize` for a pruned W whose pruned synapses are already 0 (the direct update never
 * touches them): each filter's kept entries scaled to unit norm, without visiting the other 99 %.
 */
export function normalizeKept(W: Float32Array, fanIn: number, kept: KeptSynapses): void {
  const { start, index } = kept;
  for (let c = 0; c + 1 < start.length; c++) {
    const o = c * fanIn;
    let ss = 0;
    for (let e = start[c]; e < start[c + 1]; e++) ss += W[o + index[e]] * W[o + index[e]];
    const inv = 1 / (1e-10 + Math.sqrt(ss));
    for (let e = start[c]; e < start[c + 1]; e++) W[o + index[e]] *= inv;
  }
}
