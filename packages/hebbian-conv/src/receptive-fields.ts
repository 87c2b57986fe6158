import type { LayerGeometry } from "./geometry.js";

/** Receptive fields of one layer's units in input pixels: `count` tiles [size, size, channels]. */
export interface ReceptiveFields {
  readonly count: number;
  /** Side of each tile in input pixels (5, 10, 20 for Miconi's network). */
  readonly size: number;
  readonly channels: number;
  /** Input pixels between the RFs of neighbouring conv positions of this layer (1, 2, 4). */
  readonly step: number;
  /** Row-major [count, size, size, channels]. */
  readonly data: Float32Array;
}

/**
 * The RF of a pooled unit of a layer: the average of the layer's RF over the pool × pool conv
 * positions the pooling window covers, `step` input pixels apart. [count, s, s, ch] →
 * [count, s + (pool − 1)·step, …].
 */
function pooledFields(rf: ReceptiveFields, pool: number): ReceptiveFields {
  const { count, size, channels: ch, step } = rf;
  const out = size + (pool - 1) * step;
  const data = new Float32Array(count * out * out * ch);
  const inv = 1 / (pool * pool);
  for (let c = 0; c < count; c++) {
    for (let a = 0; a < pool; a++) {
      for (let b = 0; b < pool; b++) {
        for (let r = 0; r < size; r++) {
          const src = (c * size + r) * size * ch;
          const dst = ((c * out + r + a * step) * out + b * step) * ch;
          for (let t = 0; t < size * ch; t++) data[dst + t] += inv * rf.data[src + t];
        }
      }
    }
  }
  return { count, size: out, channels: ch, step: step * pool, data };
}

/**
 * Every layer's receptive fields reconstructed linearly from the layers below, as in Miconi's
 * figures: layer 1's are its filters [k, k, cin]; a layer-l unit's RF is the weight-weighted sum
 * of the pooled RFs of the layer-(l−1) channels it reads, each placed at its kernel offset
 * (i, j) · step (steps 2 and 4 after 2×2 pooling, sizes 10 and 20 for kernels 5/3/3). W per
 * layer is [cout × fanIn] with fanIn in (i, j, ch) order. The non-linearities are ignored.
 */
export function receptiveFields(
  geoms: readonly LayerGeometry[],
  weights: readonly Float32Array[],
): ReceptiveFields[] {
  const g0 = geoms[0]!;
  let rf: ReceptiveFields = {
    count: g0.cout,
    size: g0.kernel,
    channels: g0.cin,
    step: 1,
    data: weights[0]!.slice(),
  };
  const all = [rf];
  for (let l = 1; l < geoms.length; l++) {
    const g = geoms[l]!;
    const below = pooledFields(rf, geoms[l - 1]!.pool);
    const ch = below.channels;
    const size = below.step * (g.kernel - 1) + below.size;
    const data = new Float32Array(g.cout * size * size * ch);
    const W = weights[l]!;
    const tile = below.size * ch;
    for (let c = 0; c < g.cout; c++) {
      for (let k = 0; k < g.fanIn; k++) {
        const w = W[c * g.fanIn + k]!;
        if (w === 0) continue;
        const cin = k % g.cin;
        const ij = (k - cin) / g.cin;
        const i = Math.floor(ij / g.kernel);
        const j = ij - i * g.kernel;
        for (let r = 0; r < below.size; r++) {
          const src = (cin * below.size + r) * below.size * ch;
          const dst = ((c * size + r + i * below.step) * size + j * below.step) * ch;
          for (let t = 0; t < tile; t++) data[dst + t] += w * below.data[src + t]!;
        }
      }
    }
    rf = { count: g.cout, size, channels: ch, step: below.step, data };
    all.push(rf);
  }
  return all;
}
