/**
 * Small dense helpers shared by the reference rules. Row-major, plain loops, inner loops over
 * the contiguous axis (nIn), sums that the rules would otherwise repeat. Exported as `linalg` for plugin authors who
 * write their own reference rules.
 */

/**
 * out[i, j] += scale · Σ_b post[b, i] · pre[b, j]: the batch-summed outer product y xᵀ.
 * Rows of `post` that are exactly zero are skipped (sparse, k-WTA activity costs nothing).
 */
export function addOuterSum(
  out: Float32Array,
  post: Float32Array,
  pre: Float32Array,
  batch: number,
  nOut: number,
  nIn: number,
  scale: number,
): void {
  for (let b = 0; b < batch; b++) {
    const x = b * nIn;
    const y = b * nOut;
    for (let i = 0; i < nOut; i++) {
      const yi = post[y + i] * scale;
      if (yi === 0) continue;
      const row = i * nIn;
      for (let j = 0; j < nIn; j++) out[row + j] += yi * pre[x + j];
    }
  }
}

/** The column means of a [batch × n] matrix: m[j] = ⟨a[·, j]⟩ (float64). */
export function columnMeans(a: Float32Array, batch: number, n: number): Float64Array {
  const m = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    const r = b * n;
    for (let j = 0; j < n; j++) m[j] += a[r + j];
  }
  for (let j = 0; j < n; j++) m[j] /= batch;
  return m;
}

/** C = ⟨y yᵀ⟩, the [n × n] second moment of the rows of y [batch × n] (float64). */
export function secondMoment(y: Float32Array, batch: number, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let b = 0; b < batch; b++) {
    const r = b * n;
    for (let i = 0; i < n; i++) {
      const yi = y[r + i];
      if (yi === 0) continue;
      const row = i * n;
      for (let k = 0; k < n; k++) c[row + k] += yi * y[r + k];
    }
  }
  for (let i = 0; i < c.length; i++) c[i] /= batch;
  return c;
}

/**
 * out[i, :] −= scale · Σ_k C[i, k] W[k, :] for C [nOut × nOut], W [nOut × nIn]. With
 * `lowerTriangular`, only k ≤ i contributes (Sanger's LT(·)).
 */
export function subtractCW(
  out: Float32Array,
  c: Float64Array,
  w: Float32Array,
  nOut: number,
  nIn: number,
  scale: number,
  lowerTriangular: boolean,
): void {
  for (let i = 0; i < nOut; i++) {
    const row = i * nIn;
    const kMax = lowerTriangular ? i + 1 : nOut;
    for (let k = 0; k < kMax; k++) {
      const cik = c[i * nOut + k] * scale;
      if (cik === 0) continue;
      const wk = k * nIn;
      for (let j = 0; j < nIn; j++) out[row + j] -= cik * w[wk + j];
    }
  }
}

/** out[i, :] −= coef[i] · W[i, :]: a per-unit decay of each weight row. */
export function subtractRowScaled(
  out: Float32Array,
  coef: Float64Array,
  w: Float32Array,
  nOut: number,
  nIn: number,
): void {
  for (let i = 0; i < nOut; i++) {
    const ci = coef[i];
    if (ci === 0) continue;
    const row = i * nIn;
    for (let j = 0; j < nIn; j++) out[row + j] -= ci * w[row + j];
  }
}
