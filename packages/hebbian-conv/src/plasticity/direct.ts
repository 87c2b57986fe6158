import type { LayerGeometry } from "../geometry.js";
import type { Winners } from "../ops/competition.js";
import type { KeptSynapses } from "../ops/conv.js";
import type { ConvRule } from "../schema.js";

/**
 * What one batch (or shard of a batch) contributes to a layer's update, summed over samples and
 * positions: S_c = Σ y_c · patch (only at kept synapses when the layer is pruned), Σ y_c, Σ y_c²,
 * and the number of positions where c won (y_c > 0). Shards add up (`addStats`).
 */
export interface LayerStats {
  /** [cout × fanIn], or [nnz] in `KeptSynapses` order for a pruned layer. */
  readonly S: Float64Array;
  readonly ySum: Float64Array;
  readonly y2Sum: Float64Array;
  readonly wins: Float64Array;
}

export function emptyStats(g: LayerGeometry, kept: KeptSynapses | null): LayerStats {
  return {
    S: new Float64Array(kept ? kept.index.length : g.cout * g.fanIn),
    ySum: new Float64Array(g.cout),
    y2Sum: new Float64Array(g.cout),
    wins: new Float64Array(g.cout),
  };
}

/** a += b, field by field (shards are added in a fixed order, so the sum is reproducible). */
export function addStats(a: LayerStats, b: LayerStats): void {
  for (const key of ["S", "ySum", "y2Sum", "wins"] as const) {
    const x = a[key];
    const y = b[key];
    for (let i = 0; i < x.length; i++) x[i] += y[i];
  }
}

/**
 * The gather-add over the winners (never a dense filter gradient): for every winner (p, c, y),
 * S_c += y · patch_p, Σy_c += y, Σy²_c += y². x is the layer's (standardised) input
 * [n, h, w, cin]; a winner's position p = (b·oh + oy)·ow + ox. Dense layers add the kernel rows of
 * the patch as contiguous runs of kernel·cin values; pruned layers only their kept entries.
 */
export function accumulateStats(
  stats: LayerStats,
  x: Float32Array,
  g: LayerGeometry,
  winners: Winners,
  kept: KeptSynapses | null,
): void {
  const { S, ySum, y2Sum } = stats;
  const { h, w, cin, oh, ow, kernel, fanIn } = g;
  const row = kernel * cin;
  const perImage = oh * ow;
  for (let i = 0; i < winners.count; i++) {
    const p = winners.pos[i];
    const c = winners.ch[i];
    const y = winners.y[i];
    const b = Math.floor(p / perImage);
    const r = p - b * perImage;
    const oy = Math.floor(r / ow);
    const ox = r - oy * ow;
    const origin = ((b * h + oy) * w + ox) * cin;
    ySum[c] += y;
    y2Sum[c] += y * y;
    if (kept) {
      const { start, offset } = kept;
      for (let e = start[c]; e < start[c + 1]; e++) S[e] += y * x[origin + offset[e]];
    } else {
      for (let ki = 0; ki < kernel; ki++) {
        const src = origin + ki * w * cin;
        const dst = c * fanIn + ki * row;
        for (let t = 0; t < row; t++) S[dst + t] += y * x[src + t];
      }
    }
  }
}

/** The decay coefficient of each rule: ΔW_c = lr · (S_c − coef_c · w_c). */
function decay(rule: ConvRule, stats: LayerStats): Float64Array | null {
  if (rule === "hebb") return null;
  return rule === "instar" ? stats.ySum : stats.y2Sum;
}

/**
 * W ← W + ΔW with Miconi's rules summed over the batch and the positions, the step that SGD with
 * learning rate lr takes on the summed surrogate loss (PAPERS.md §3.2):
 *
 *   hebb:   ΔW_c = lr · Σ y_c p                 = lr · S_c
 *   instar: ΔW_c = lr · Σ y_c (p − w_c)         = lr · (S_c − Σy_c · w_c)
 *   oja:    ΔW_c = lr · Σ y_c (p − y_c w_c)     = lr · (S_c − Σy_c² · w_c)
 *
 * W is [cout × fanIn]; a pruned layer changes only its kept synapses (the others stay exactly 0).
 */
export function applyDirectStep(
  W: Float32Array,
  stats: LayerStats,
  g: LayerGeometry,
  rule: ConvRule,
  lr: number,
  kept: KeptSynapses | null,
): void {
  const coef = decay(rule, stats);
  const { S } = stats;
  const { cout, fanIn } = g;
  for (let c = 0; c < cout; c++) {
    const d = coef ? coef[c] : 0;
    if (kept) {
      for (let e = kept.start[c]; e < kept.start[c + 1]; e++) {
        const i = c * fanIn + kept.index[e];
        W[i] = W[i] + lr * (S[e] - d * W[i]);
      }
    } else {
      const o = c * fanIn;
      for (let k = 0; k < fanIn; k++) W[o + k] = W[o + k] + lr * (S[o + k] - d * W[o + k]);
    }
  }
}
