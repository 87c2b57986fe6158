import { tf } from "@plasticity/tfjs";
import { type LayerGeometry, patchOffsets } from "../geometry.js";

/**
 * The kept synapses of a pruned layer, per filter (CSR): filter c keeps the patch entries
 * `index[start[c] .. start[c+1])` of its fanIn; `offset` is where each one sits relative to the
 * patch's top-left value in an NHWC image (see `patchOffsets`). Fixed for the whole run.
 */
export interface KeptSynapses {
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly offset: Int32Array;
}

/** The CSR of a 0/1 mask [cout × fanIn] (one filter per row). */
export function keptSynapses(mask: Uint8Array, g: LayerGeometry): KeptSynapses {
  const off = patchOffsets(g);
  const start = new Int32Array(g.cout + 1);
  let nnz = 0;
  for (let i = 0; i < mask.length; i++) nnz += mask[i];
  const index = new Int32Array(nnz);
  const offset = new Int32Array(nnz);
  let e = 0;
  for (let c = 0; c < g.cout; c++) {
    start[c] = e;
    for (let k = 0; k < g.fanIn; k++) {
      if (mask[c * g.fanIn + k]) {
        index[e] = k;
        offset[e] = off[k];
        e++;
      }
    }
  }
  start[g.cout] = e;
  return { start, index, offset };
}

/** The kept weights of W [cout × fanIn] in `kept` order (the values the sparse conv reads). */
export function gatherKept(W: Float32Array, kept: KeptSynapses, g: LayerGeometry): Float32Array {
  const vals = new Float32Array(kept.index.length);
  for (let c = 0; c < g.cout; c++) {
    for (let e = kept.start[c]; e < kept.start[c + 1]; e++)
      vals[e] = W[c * g.fanIn + kept.index[e]];
  }
  return vals;
}

/**
 * u = conv2d(x, W), 'valid', stride 1, over only the kept synapses: for each output position and
 * filter c, u_c = Σ_{e ∈ kept(c)} vals_e · x[patch origin + offset_e]. x [n, h, w, cin] →
 * u [n, oh, ow, cout]. Costs n·oh·ow·nnz multiply-adds instead of n·oh·ow·cout·fanIn.
 * Positions go 8 at a time, so each kept weight and offset is read once per 8 outputs (~3.5×
 * faster than one at a time in V8; every sum keeps its order, so the result is the same). With
 * `withSum`, u is [n, oh, ow, cout + 1] and its last channel holds Σ_c u_c (for
 * `competeAndPoolWithSums`).
 */
export function sparseConv(
  x: Float32Array,
  n: number,
  g: LayerGeometry,
  kept: KeptSynapses,
  vals: Float32Array,
  withSum = false,
): Float32Array {
  const { oh, ow, cout } = g;
  const stride = cout + (withSum ? 1 : 0);
  const u = new Float32Array(n * oh * ow * stride);
  const per = oh * ow;
  const origin = (b: number, p: number) => {
    const oy = Math.floor(p / ow);
    return ((b * g.h + oy) * g.w + p - oy * ow) * g.cin;
  };
  const o = new Int32Array(8);
  for (let b = 0; b < n; b++) {
    let p = 0;
    for (; p + 7 < per; p += 8) {
      for (let k = 0; k < 8; k++) o[k] = origin(b, p + k);
      sparseConv8(x, u, kept, vals, cout, stride, (b * per + p) * stride, o);
    }
    for (; p < per; p++) {
      sparseConv1(x, u, kept, vals, cout, stride, (b * per + p) * stride, origin(b, p));
    }
  }
  return u;
}

/**
 * Every filter at 8 positions whose patches start at o and whose outputs start at
 * dst + k·stride (and their sum at channel cout when stride > cout).
 */
function sparseConv8(
  x: Float32Array,
  u: Float32Array,
  kept: KeptSynapses,
  vals: Float32Array,
  cout: number,
  stride: number,
  dst: number,
  o: Int32Array,
): void {
  const { start, offset } = kept;
  const [o0, o1, o2, o3, o4, o5, o6, o7] = o as unknown as number[];
  const t = new Float64Array(8);
  for (let c = 0; c < cout; c++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    const end = start[c + 1];
    for (let e = start[c]; e < end; e++) {
      const v = vals[e];
      const f = offset[e];
      s0 += v * x[o0 + f];
      s1 += v * x[o1 + f];
      s2 += v * x[o2 + f];
      s3 += v * x[o3 + f];
      s4 += v * x[o4 + f];
      s5 += v * x[o5 + f];
      s6 += v * x[o6 + f];
      s7 += v * x[o7 + f];
    }
    const sums = [s0, s1, s2, s3, s4, s5, s6, s7];
    for (let k = 0; k < 8; k++) {
      u[dst + k * stride + c] = sums[k];
      t[k] += sums[k];
    }
  }
  if (stride > cout) for (let k = 0; k < 8; k++) u[dst + k * stride + cout] = t[k];
}

/** Every filter at one position (patch origin o, outputs at dst, their sum at dst + cout). */
function sparseConv1(
  x: Float32Array,
  u: Float32Array,
  kept: KeptSynapses,
  vals: Float32Array,
  cout: number,
  stride: number,
  dst: number,
  o: number,
): void {
  const { start, offset } = kept;
  let t = 0;
  for (let c = 0; c < cout; c++) {
    let s = 0;
    for (let e = start[c]; e < start[c + 1]; e++) s += vals[e] * x[o + offset[e]];
    u[dst + c] = s;
    t += s;
  }
  if (stride > cout) u[dst + cout] = t;
}

/** W [cout × fanIn] (one filter per row) as tf.conv2d's filter layout [k, k, cin, cout]. */
export function toFilterLayout(W: Float32Array, g: LayerGeometry): Float32Array {
  const t = new Float32Array(W.length);
  const { cout, fanIn } = g;
  for (let c = 0; c < cout; c++) for (let k = 0; k < fanIn; k++) t[k * cout + c] = W[c * fanIn + k];
  return t;
}

/**
 * W [cout × fanIn] in tf.conv2d's layout with one more filter, Σ_c w_c, appended:
 * [k, k, cin, cout + 1]. Its output channel is Σ_c u_c (for `competeAndPoolWithSums`).
 */
export function toFilterLayoutWithSum(W: Float32Array, g: LayerGeometry): Float32Array {
  const { cout, fanIn } = g;
  const t = new Float32Array(fanIn * (cout + 1));
  for (let k = 0; k < fanIn; k++) {
    let s = 0;
    for (let c = 0; c < cout; c++) {
      const v = W[c * fanIn + k];
      t[k * (cout + 1) + c] = v;
      s += v;
    }
    t[k * (cout + 1) + cout] = s;
  }
  return t;
}

/** tf.conv2d's filters [k, k, cin, cout] back to W [cout × fanIn]. */
export function fromFilterLayout(t: Float32Array, g: LayerGeometry): Float32Array {
  const W = new Float32Array(t.length);
  const { cout, fanIn } = g;
  for (let c = 0; c < cout; c++) for (let k = 0; k < fanIn; k++) W[c * fanIn + k] = t[k * cout + c];
  return W;
}

/**
 * u = conv2d(x, W), 'valid', stride 1, no bias, by the active tfjs backend (XNNPACK on wasm):
 * x [n, h, w, cin], filters in tf layout [k, k, cin, cout] → u [n, oh, ow, cout] (`cout`
 * defaults to the layer's; pass g.cout + 1 with `toFilterLayoutWithSum`).
 */
export function denseConv(
  x: Float32Array,
  n: number,
  g: LayerGeometry,
  filters: Float32Array,
  cout = g.cout,
): Float32Array {
  const u = tf.tidy(() =>
    tf.conv2d(
      tf.tensor4d(x.subarray(0, n * g.h * g.w * g.cin), [n, g.h, g.w, g.cin]),
      tf.tensor4d(filters, [g.kernel, g.kernel, g.cin, cout]),
      1,
      "valid",
    ),
  );
  const data = u.dataSync() as Float32Array;
  u.dispose();
  return data;
}
