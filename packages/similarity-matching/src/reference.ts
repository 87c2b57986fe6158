/**
 * A plain typed-array reference of the dynamics, one sample at a time in float64, straight from
 * eq. (15) and the index tables: what the batched tensor engine (`Dynamics`) is tested against.
 * Slow on purpose; no tensors.
 */
import { type Activation, activateScalar } from "./activation.js";
import { eulerStep, relativeChange } from "./dynamics.js";
import type { LayerGeometry } from "./geometry.js";
import type { DynamicsOptions } from "./schema.js";

export interface ReferenceWeights {
  /** W [S, n, K] */
  readonly W: Float32Array;
  /** M [S, n, Q·n] */
  readonly M: Float32Array;
}

export interface ReferenceFixedPoint {
  readonly r: Float64Array[];
  readonly steps: number;
  readonly converged: boolean;
  readonly residual: number;
}

/** W⁽ᵖ⁾ r⁽ᵖ⁻¹⁾ per unit. */
function drive(g: LayerGeometry, W: Float32Array, input: ArrayLike<number>): Float64Array {
  const out = new Float64Array(g.units);
  const { sites: S, n, K } = g;
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) {
      let a = 0;
      for (let k = 0; k < K; k++) {
        const src = g.ffIndex[k * S + s]!;
        if (src < g.nIn) a += W[(s * n + i) * K + k]! * input[src]!;
      }
      out[s * n + i] = a;
    }
  }
  return out;
}

/** (M − I) r per unit. */
function lateral(g: LayerGeometry, M: Float32Array, r: Float64Array): Float64Array {
  const out = new Float64Array(g.units);
  const { sites: S, n, Q } = g;
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) {
      let a = 0;
      for (let c = 0; c < Q * n; c++) {
        const src = g.latIndex[c * S + s]!;
        if (src === g.units) continue;
        const m = M[(s * n + i) * Q * n + c]! - (c === i ? 1 : 0);
        a += m * r[src]!;
      }
      out[s * n + i] = a;
    }
  }
  return out;
}

/** W⁽ᵖ⁺¹⁾ᵀ r⁽ᵖ⁺¹⁾ onto the units of layer p. */
function feedback(upper: LayerGeometry, W: Float32Array, r: Float64Array): Float64Array {
  const out = new Float64Array(upper.nIn);
  const { sites: S, n, K } = upper;
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) {
      const ri = r[s * n + i]!;
      for (let k = 0; k < K; k++) {
        const dst = upper.ffIndex[k * S + s]!;
        if (dst < upper.nIn) out[dst]! += W[(s * n + i) * K + k]! * ri;
      }
    }
  }
  return out;
}

/** The fixed point of one input x under eq. (15), with the engine's stopping schedule. */
export function referenceFixedPoint(
  geometry: readonly LayerGeometry[],
  weights: readonly ReferenceWeights[],
  x: ArrayLike<number>,
  f: Activation,
  gamma: number,
  o: DynamicsOptions,
): ReferenceFixedPoint {
  const P = geometry.length;
  const u = geometry.map((g) => new Float64Array(g.units));
  let r = geometry.map((g) => new Float64Array(g.units));
  const b0 = drive(geometry[0]!, weights[0]!.W, x);
  const last = o.mode === "fixed" ? o.steps : o.maxSteps;
  for (let s = 0; s < last; s++) {
    const h = eulerStep(s, o.step);
    const du = geometry.map((g, p) => {
      const d = p === 0 ? b0 : drive(g, weights[p]!.W, r[p - 1]!);
      const l = lateral(g, weights[p]!.M, r[p]!);
      const fb =
        p < P - 1 && gamma > 0 ? feedback(geometry[p + 1]!, weights[p + 1]!.W, r[p + 1]!) : null;
      const out = new Float64Array(g.units);
      // the code's mult_factors: drive W r/m_p, feedback γ·m_(p+1)·Wᵀ r
      const mUp = p < P - 1 ? geometry[p + 1]!.mult : 0;
      for (let j = 0; j < g.units; j++)
        out[j] = d[j]! / g.mult - u[p]![j]! - l[j]! + (fb ? gamma * mUp * fb[j]! : 0);
      return out;
    });
    geometry.forEach((g, p) => {
      for (let j = 0; j < g.units; j++) u[p]![j]! += h * du[p]![j]!;
    });
    r = u.map((v) => v.map((a) => activateScalar(a, f)));
    const final = s + 1 === last;
    if (final || (o.mode === "tolerance" && (s + 1) % o.checkEvery === 0)) {
      let residual = 0;
      du.forEach((d, p) => {
        let d2 = 0;
        let u2 = 0;
        for (let j = 0; j < d.length; j++) {
          d2 += d[j]! ** 2;
          u2 += u[p]![j]! ** 2;
        }
        residual = Math.max(residual, relativeChange(d2, u2));
      });
      if (final || residual < o.tol) {
        return { r, steps: s + 1, converged: residual < o.tol, residual };
      }
    }
  }
  return { r, steps: last, converged: false, residual: Number.NaN };
}
