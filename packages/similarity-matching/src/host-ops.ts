/**
 * Typed-array gathers and layout changes done on the host. On tfjs-wasm a column gather costs
 * ~25 ms per 400k values and `extractPatches` with a radius-4 disc ~2 s per 500 MNIST images
 * (81 strided slices and a concat), while the same copies in a JS loop take a few ms, so every
 * gather whose source is already on the host (the input, or fixed points) happens here.
 */
import type { LayerGeometry } from "./geometry.js";

/**
 * Per-site patches of n inputs a [n × nIn] (zero outside the input), [n, K·S] in (k, s) order:
 * out[b, k·S + s] = a[b, ffIndex[k·S + s]].
 */
export function patchesKS(g: LayerGeometry, a: Float32Array, n: number): Float32Array {
  const { ffIndex, nIn } = g;
  const L = ffIndex.length;
  const out = new Float32Array(n * L);
  for (let b = 0; b < n; b++) {
    const o = b * L;
    const src = b * nIn;
    for (let k = 0; k < L; k++) {
      const j = ffIndex[k]!;
      if (j < nIn) out[o + k] = a[src + j]!;
    }
  }
  return out;
}

/** Per-site patches as the stack [S, n, K] the rule kernels take (pre of eq. 17). */
export function patchStackHost(g: LayerGeometry, a: Float32Array, n: number): Float32Array {
  const { ffIndex, nIn, sites: S, K } = g;
  const out = new Float32Array(S * n * K);
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < n; b++) {
      const o = (s * n + b) * K;
      const src = b * nIn;
      for (let k = 0; k < K; k++) {
        const j = ffIndex[k * S + s]!;
        if (j < nIn) out[o + k] = a[src + j]!;
      }
    }
  }
  return out;
}

/** Lateral partners of each site's neurons as the stack [S, n, Q·n] (zero where none). */
export function partnerStackHost(g: LayerGeometry, r: Float32Array, n: number): Float32Array {
  const { latIndex, units, sites: S, Q } = g;
  const C = Q * g.n;
  const out = new Float32Array(S * n * C);
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < n; b++) {
      const o = (s * n + b) * C;
      for (let c = 0; c < C; c++) {
        const j = latIndex[c * S + s]!;
        if (j < units) out[o + c] = r[b * units + j]!;
      }
    }
  }
  return out;
}

/** The depthwise filter [K, S, n] (a [1, K, S, n] tensor's values) of W [S, n, K]. */
export function siteFilterHost(W: Float32Array, S: number, n: number, K: number): Float32Array {
  const out = new Float32Array(W.length);
  for (let s = 0; s < S; s++)
    for (let i = 0; i < n; i++)
      for (let k = 0; k < K; k++) out[(k * S + s) * n + i] = W[(s * n + i) * K + k]!;
  return out;
}

/**
 * The dense matrix D [nIn × units] of a layer's feed-forward weights, D[j, s·n + i] = W[s, i, k]
 * for the input j that patch entry k of site s reads (so r⁽ᵖ⁾ drive = r⁽ᵖ⁻¹⁾ D and the feedback
 * Wᵀ r⁽ᵖ⁾ = r⁽ᵖ⁾ Dᵀ).
 */
export function denseFeedforward(g: LayerGeometry, W: Float32Array): Float32Array {
  const { ffIndex, nIn, sites: S, n, K, units } = g;
  const D = new Float32Array(nIn * units);
  for (let s = 0; s < S; s++)
    for (let k = 0; k < K; k++) {
      const j = ffIndex[k * S + s]!;
      if (j === nIn) continue;
      for (let i = 0; i < n; i++) D[j * units + s * n + i]! += W[(s * n + i) * K + k]!;
    }
  return D;
}

/** The dense (M − I)ᵀ [units × units], so (M − I) r = r (M − I)ᵀ for row vectors r. */
export function denseLateralT(g: LayerGeometry, M: Float32Array): Float32Array {
  const { latIndex, units, sites: S, n, Q } = g;
  const C = Q * n;
  const L = new Float32Array(units * units);
  for (let s = 0; s < S; s++)
    for (let i = 0; i < n; i++)
      for (let c = 0; c < C; c++) {
        const j = latIndex[c * S + s]!;
        if (j === units) continue;
        const row = s * n + i;
        L[j * units + row]! += M[row * C + c]! - (c === i ? 1 : 0);
      }
  return L;
}
