import { PlasticityError } from "./errors.js";
import { checkArray, checkFinite } from "./rule.js";

/**
 * Activity transforms y = f(u) on row-major [batch × n] pre-activations, as plain typed-array
 * functions: the reference for the tfjs layers' activations. Each returns `out` (a new array
 * when omitted). Unless stated otherwise `out` may be `u` itself (in place).
 */

function checkDim(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) {
    throw new PlasticityError(`${name}: expected a positive integer, got ${String(v)}`, name);
  }
  return v as number;
}

function input(u: Float32Array, batch: number, n: number): void {
  checkDim("batch", batch);
  checkDim("n", n);
  checkFinite("u", checkArray("u", u, batch * n, "batch × n"));
}

function output(out: Float32Array | undefined, len: number, dims: string): Float32Array {
  return out === undefined ? new Float32Array(len) : checkArray("out", out, len, dims);
}

/**
 * k-winners-take-all per row: keeps the k largest values of each row of u [batch × n] and sets
 * the others to 0 (kept values are unchanged, not binarised).
 *
 * Ties: exactly k values survive per row. When several entries equal the k-th largest value, the
 * ones with the lower column index are kept (deterministic; Miconi's code instead keeps every
 * entry ≥ the k-th value, which can keep more than k).
 */
export function kWTA(
  u: Float32Array,
  batch: number,
  n: number,
  k: number,
  out?: Float32Array,
): Float32Array {
  input(u, batch, n);
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new PlasticityError(`k: expected an integer in [1, n = ${n}], got ${String(k)}`, "k");
  }
  const y = output(out, batch * n, "batch × n");
  const row = new Float32Array(n);
  const sorted = new Float32Array(n);
  for (let b = 0; b < batch; b++) {
    const r = b * n;
    for (let j = 0; j < n; j++) row[j] = u[r + j];
    sorted.set(row);
    sorted.sort();
    const kth = sorted[n - k];
    let above = 0;
    for (let j = 0; j < n; j++) if (row[j] > kth) above++;
    let tiesLeft = k - above;
    for (let j = 0; j < n; j++) {
      const v = row[j];
      if (v > kth) y[r + j] = v;
      else if (v === kth && tiesLeft > 0) {
        y[r + j] = v;
        tiesLeft--;
      } else y[r + j] = 0;
    }
  }
  return y;
}

/**
 * Row-wise softmax with temperature T: y_bj = exp(u_bj / T) / Σ_k exp(u_bk / T). Computed with
 * the row maximum subtracted, so large u does not overflow. Each row sums to 1.
 */
export function softmaxRows(
  u: Float32Array,
  batch: number,
  n: number,
  temperature: number,
  out?: Float32Array,
): Float32Array {
  input(u, batch, n);
  if (typeof temperature !== "number" || !(temperature > 0) || !Number.isFinite(temperature)) {
    throw new PlasticityError(
      `temperature: expected a finite number > 0, got ${String(temperature)}`,
      "temperature",
    );
  }
  const y = output(out, batch * n, "batch × n");
  const e = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    const r = b * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, u[r + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      e[j] = Math.exp((u[r + j] - max) / temperature);
      sum += e[j];
    }
    for (let j = 0; j < n; j++) y[r + j] = e[j] / sum;
  }
  return y;
}

/** Rectified linear: y = max(0, u), element-wise, any length. */
export function relu(u: Float32Array, out?: Float32Array): Float32Array {
  if (!(u instanceof Float32Array)) {
    throw new PlasticityError("u: expected a Float32Array", "u");
  }
  checkFinite("u", u);
  const y = output(out, u.length, String(u.length));
  for (let i = 0; i < u.length; i++) y[i] = Math.max(0, u[i]);
  return y;
}

/**
 * Coates' "triangle" activation: y_bj = max(0, u_bj − mean_k u_bk), i.e. a unit fires when its
 * drive is above the row's average drive (Coates, Lee, Ng 2011, "An analysis of single-layer
 * networks in unsupervised feature learning", AISTATS; the dense output in Miconi 2021).
 */
export function triangle(
  u: Float32Array,
  batch: number,
  n: number,
  out?: Float32Array,
): Float32Array {
  input(u, batch, n);
  const y = output(out, batch * n, "batch × n");
  for (let b = 0; b < batch; b++) {
    const r = b * n;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += u[r + j];
    mean /= n;
    for (let j = 0; j < n; j++) {
      y[r + j] = Math.max(0, u[r + j] - mean);
    }
  }
  return y;
}

function overlaps(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer !== b.buffer) return false;
  const a0 = a.byteOffset;
  const b0 = b.byteOffset;
  return a0 < b0 + b.byteLength && b0 < a0 + a.byteLength;
}

/**
 * out = a · bᵀ for a [m × k] and b [n × k], giving [m × n]: out_ij = Σ_l a_il b_jl. With a = x
 * [batch × nIn] and b = W [nOut × nIn] this is the reference forward pass u = x Wᵀ (each row of
 * u is W x). Sums in float64. `out` must not share memory with `a` or `b`.
 */
export function matmulABt(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  out?: Float32Array,
): Float32Array {
  checkDim("m", m);
  checkDim("k", k);
  checkDim("n", n);
  checkFinite("a", checkArray("a", a, m * k, "m × k"));
  checkFinite("b", checkArray("b", b, n * k, "n × k"));
  const c = output(out, m * n, "m × n");
  if (overlaps(c, a) || overlaps(c, b)) {
    throw new PlasticityError("out: must not share memory with a or b", "out");
  }
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let l = 0; l < k; l++) s += a[ai + l] * b[bj + l];
      c[i * n + j] = s;
    }
  }
  return c;
}
