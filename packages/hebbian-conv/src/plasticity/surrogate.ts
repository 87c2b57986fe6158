import { surrogateLossConv2d, tf } from "@plasticity/tfjs";
import type { LayerGeometry } from "../geometry.js";
import type { Winners } from "../ops/competition.js";
import { fromFilterLayout, toFilterLayout } from "../ops/conv.js";
import type { ConvRule } from "../schema.js";

/** The dense post activity y [n, oh, ow, cout] (0 except at the winners). */
export function winnersToDense(winners: Winners, n: number, g: LayerGeometry): Float32Array {
  const y = new Float32Array(n * g.oh * g.ow * g.cout);
  for (let i = 0; i < winners.count; i++) y[winners.pos[i] * g.cout + winners.ch[i]] = winners.y[i];
  return y;
}

/**
 * The paper's point (Miconi 2021, PAPERS.md §3.2): one step of the framework's own SGD
 * (`tf.train.sgd(lr)`, no momentum) on the surrogate loss L whose autodiff gradient is minus the
 * Hebbian update, L = −Σ sg(y)·(w·x) [+ ½ Σ_c (Σ sg(y_c)) ‖w_c‖² for instar, Σ sg(y_c)² for oja],
 * summed over batch and positions (`surrogateLossConv2d`). y is a constant (the k-WTA of z,
 * computed outside the graph; thresholds never enter it). x is the layer's standardised input
 * [n, h, w, cin], W [cout × fanIn]. Returns the new W [cout × fanIn] (before mask and norm).
 */
export function surrogateStep(
  rule: ConvRule,
  x: Float32Array,
  n: number,
  g: LayerGeometry,
  W: Float32Array,
  winners: Winners,
  lr: number,
): Float32Array {
  const shape: [number, number, number, number] = [g.kernel, g.kernel, g.cin, g.cout];
  const filters = tf.variable(tf.tensor4d(toFilterLayout(W, g), shape), true);
  const optimizer = tf.train.sgd(lr);
  try {
    const xT = tf.tensor4d(x.subarray(0, n * g.h * g.w * g.cin), [n, g.h, g.w, g.cin]);
    const yT = tf.tensor4d(winnersToDense(winners, n, g), [n, g.oh, g.ow, g.cout]);
    const cost = optimizer.minimize(() => surrogateLossConv2d(rule, xT, filters, yT), false, [
      filters,
    ]);
    cost?.dispose();
    tf.dispose([xT, yT]);
    return fromFilterLayout(filters.dataSync() as Float32Array, g);
  } finally {
    filters.dispose();
    optimizer.dispose();
  }
}
