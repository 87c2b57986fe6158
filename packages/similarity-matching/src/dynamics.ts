/**
 * The neural dynamics of a structured deep similarity-matching network (PAPERS.md §1.3, eq. 15),
 * run to a fixed point for a whole batch at once:
 *
 *   τ du⁽ᵖ⁾/ds = −u⁽ᵖ⁾ + W⁽ᵖ⁾ r⁽ᵖ⁻¹⁾ − (M⁽ᵖ⁾ − I) r⁽ᵖ⁾ + γ W⁽ᵖ⁺¹⁾ᵀ r⁽ᵖ⁺¹⁾ (no feedback at the top),
 *   r⁽ᵖ⁾ = f(u⁽ᵖ⁾), r⁽⁰⁾ = x,
 *
 * integrated with the official code's Euler scheme: u ← u + h_s du, h_s = max(h0/(1 + decay·s),
 * min), every layer updated synchronously from the previous step's r, starting at u = r = 0.
 *
 * Stopping (decided here, the code's own test is broken, see README): in "tolerance" mode each
 * sample stops on its own as soon as ‖du⁽ᵖ⁾‖/‖u⁽ᵖ⁾‖ < tol in every layer, tested every
 * `checkEvery` steps, or after `maxSteps`; a stopped sample is removed from the batch (its r is
 * stored and it never moves again), so the batch shrinks as samples converge. In "fixed" mode
 * every sample takes exactly `steps` steps. Every operation is per sample, so a sample's fixed
 * point does not depend on which other samples share its batch.
 */
import { PlasticityError } from "@plasticity/core";
import { tf } from "@plasticity/tfjs";
import { type Activation, activate } from "./activation.js";
import type { LayerGeometry } from "./geometry.js";
import { denseFeedforward, denseLateralT, patchesKS, siteFilterHost } from "./host-ops.js";
import type { DynamicsOptions } from "./schema.js";
import { rowSquares, siteProduct, tidyOf } from "./site-ops.js";

/** One layer's weights, as typed arrays (what a worker thread receives). */
export interface LayerWeights {
  /** W [S, n, K] (masked entries 0). */
  readonly W: Float32Array;
  /** M [S, n, Q·n], starting at I (masked entries 0). */
  readonly M: Float32Array;
}

/** The fixed points of a batch and how they were reached. */
export interface FixedPoints {
  /** r⁽ᵖ⁾ per layer, [n × units_p] row-major. */
  readonly r: Float32Array[];
  /** Euler steps each sample took. */
  readonly steps: Int32Array;
  /** 1 where every layer's ‖du‖/‖u‖ was below tol when the sample stopped. */
  readonly converged: Uint8Array;
  /** max over layers of ‖du‖/‖u‖ when the sample stopped. */
  readonly residual: Float32Array;
}

/** The official code's decaying Euler step h_s = max(h0 / (1 + decay·s), min). */
export function eulerStep(s: number, o: DynamicsOptions["step"]): number {
  return Math.max(o.h0 / (1 + o.decay * s), o.min);
}

/** ‖du‖/‖u‖ from squared norms; 0 when both vanish (a zero input is its own fixed point). */
export function relativeChange(du2: number, u2: number): number {
  if (du2 === 0) return 0;
  return u2 > 0 ? Math.sqrt(du2 / u2) : Number.POSITIVE_INFINITY;
}

/** Units above which a dense matrix (deep feed-forward, feedback, lateral radius > 0) is refused. */
export const MAX_DENSE_UNITS = 8192;

/**
 * The per-batch operators, built from the weights by `setWeights`: layer 1's drive is a site
 * product of host-gathered patches; the lateral term of a layer with lateral radius 0 is a site
 * product of its own activity (a transpose puts it in patch order); deeper feed-forward,
 * feedback (Wᵀ, tied to W as in the code) and wider lateral terms are dense matrices.
 */
interface Operators {
  readonly ff0: tf.Tensor4D;
  /** D⁽ᵖ⁾ [N_{p−1} × N_p] for p ≥ 1 (index 0 unused). */
  readonly ff: (tf.Tensor2D | null)[];
  /** D⁽ᵖ⁺¹⁾ᵀ [N_{p+1} × N_p] for p < P − 1, when γ > 0. */
  readonly fb: (tf.Tensor2D | null)[];
  /** Site filter [1, n, S, n] of M − I, or the dense (M − I)ᵀ. */
  readonly lat: (tf.Tensor4D | tf.Tensor2D)[];
}

interface State {
  u: tf.Tensor2D[];
  r: tf.Tensor2D[];
  /** W⁽¹⁾ x: constant while the batch settles. */
  drive: tf.Tensor2D;
}

export class Dynamics {
  private ops: Operators | null = null;

  constructor(
    readonly geometry: readonly LayerGeometry[],
    readonly activation: Activation,
    readonly gamma: number,
    readonly options: DynamicsOptions,
  ) {
    geometry.forEach((g, p) => {
      const dense = (p > 0 ? g.nIn : 0) + (g.Q > 1 ? g.units : 0);
      if (dense > 0 && g.units > MAX_DENSE_UNITS) {
        throw new PlasticityError(
          `layers[${p}]: ${g.units} units is more than ${MAX_DENSE_UNITS} for a layer above the first or with a lateral radius > 0 (their operators are dense here)`,
          `layers.${p}`,
        );
      }
    });
  }

  /** Build the operators of these weights (kept until the next call or `dispose`). */
  setWeights(weights: readonly LayerWeights[]): void {
    this.releaseOps();
    const G = this.geometry;
    this.ops = tidyOf(() => ({
      ff0: tf.tensor4d(
        scaled(siteFilterHost(weights[0]!.W, G[0]!.sites, G[0]!.n, G[0]!.K), 1 / G[0]!.mult),
        [1, G[0]!.K, G[0]!.sites, G[0]!.n],
      ),
      // the code's mult_factors: drive W r/m_p, feedback γ·m_(p+1)·Wᵀ r
      ff: G.map((g, p) =>
        p === 0
          ? null
          : tf.tensor2d(scaled(denseFeedforward(g, weights[p]!.W), 1 / g.mult), [g.nIn, g.units]),
      ),
      fb: G.map((g, p) => {
        if (p === G.length - 1 || this.gamma === 0) return null;
        const up = G[p + 1]!;
        const D = scaled(denseFeedforward(up, weights[p + 1]!.W), up.mult);
        return tf.transpose(tf.tensor2d(D, [g.units, up.units]));
      }),
      lat: G.map((g, p) => lateralOperator(g, weights[p]!.M)),
    }));
  }

  /** The fixed points of the n inputs x [n × nIn] under the weights of `setWeights`. */
  solve(x: Float32Array, n: number): FixedPoints {
    const ops = this.ops;
    if (!ops) throw new PlasticityError("dynamics: call setWeights before solve", "weights");
    const G = this.geometry;
    const P = G.length;
    const out: FixedPoints = {
      r: G.map((g) => new Float32Array(n * g.units)),
      steps: new Int32Array(n),
      converged: new Uint8Array(n),
      residual: new Float32Array(n),
    };
    if (n === 0) return out;
    let active = Array.from({ length: n }, (_, i) => i);
    let state: State = tidyOf(() => {
      const patches = tf.tensor2d(patchesKS(G[0]!, x, n), [n, G[0]!.ffIndex.length]);
      const zeros = G.map((g) => tf.zeros([n, g.units]) as tf.Tensor2D);
      return { u: zeros, r: zeros.map((z) => tf.clone(z)), drive: siteProduct(patches, ops.ff0) };
    });
    const o = this.options;
    const last = o.mode === "fixed" ? o.steps : o.maxSteps;
    try {
      for (let s = 0; s < last && active.length > 0; s++) {
        const final = s + 1 === last;
        const check = final || (o.mode === "tolerance" && (s + 1) % o.checkEvery === 0);
        const next = this.step(state, ops, eulerStep(s, o.step), check);
        disposeState(state, false);
        state = next.state;
        if (!next.norms) continue;
        const norms = next.norms.dataSync();
        next.norms.dispose();
        const ratio = maxRatio(norms, active.length, P);
        const done: number[] = [];
        for (let b = 0; b < active.length; b++) if (final || ratio[b]! < o.tol) done.push(b);
        if (done.length === 0) continue;
        this.store(out, state, active, done, ratio, s + 1, o.tol);
        if (done.length === active.length) active = [];
        else ({ active, state } = compact(state, active, done));
      }
    } finally {
      disposeState(state, true);
    }
    return out;
  }

  /** One Euler step of every layer from the previous step's r; with `check`, ‖du‖², ‖u‖². */
  private step(
    st: State,
    ops: Operators,
    h: number,
    check: boolean,
  ): { state: State; norms: tf.Tensor2D | null } {
    return tidyOf(() => {
      const du = this.geometry.map((g, p) => {
        const drive = p === 0 ? st.drive : tf.matMul(st.r[p - 1]!, ops.ff[p]!);
        const lat = ops.lat[p]!;
        const lateral =
          lat.rank === 4
            ? siteProduct(siteMajor(st.r[p]!, g), lat as tf.Tensor4D)
            : tf.matMul(st.r[p]!, lat as tf.Tensor2D);
        const d = tf.sub(tf.sub(drive, st.u[p]!), lateral);
        const fb = ops.fb[p];
        return fb ? tf.add(d, tf.mul(tf.matMul(st.r[p + 1]!, fb), this.gamma)) : d;
      });
      const u = st.u.map((u0, p) => tf.add(u0, tf.mul(du[p]!, h)) as tf.Tensor2D);
      const r = u.map((v) => activate(v, this.activation) as tf.Tensor2D);
      const norms = check
        ? (tf.stack([
            ...du.map((d) => rowSquares(d as tf.Tensor2D)),
            ...u.map(rowSquares),
          ]) as tf.Tensor2D)
        : null;
      return { state: { u, r, drive: st.drive }, norms };
    });
  }

  /** Copy the finished samples' r into `out`. */
  private store(
    out: FixedPoints,
    st: State,
    active: readonly number[],
    done: readonly number[],
    ratio: Float64Array,
    steps: number,
    tol: number,
  ): void {
    const all = done.length === active.length;
    const idx = all ? null : tf.tensor1d([...done], "int32");
    st.r.forEach((r, p) => {
      const rows = idx ? tf.gather(r, idx) : r;
      const vals = rows.dataSync();
      if (idx) rows.dispose();
      const N = this.geometry[p]!.units;
      done.forEach((b, i) => {
        out.r[p]!.set(vals.subarray(i * N, (i + 1) * N), active[b]! * N);
      });
    });
    idx?.dispose();
    for (const b of done) {
      const k = active[b]!;
      out.steps[k] = steps;
      out.residual[k] = ratio[b]!;
      out.converged[k] = ratio[b]! < tol ? 1 : 0;
    }
  }

  private releaseOps(): void {
    if (!this.ops) return;
    const { ff0, ff, fb, lat } = this.ops;
    for (const t of [ff0, ...ff, ...fb, ...lat]) t?.dispose();
    this.ops = null;
  }

  dispose(): void {
    this.releaseOps();
  }
}

/** r [B, S·n] in (s, i) order → [B, n·S] in (j, s) order: the lateral site product's patches. */
function siteMajor(r: tf.Tensor2D, g: LayerGeometry): tf.Tensor2D {
  const b = r.shape[0];
  return tf.reshape(tf.transpose(tf.reshape(r, [b, g.sites, g.n]), [0, 2, 1]), [b, g.units]);
}

/** a · c in place (a itself when c = 1). */
function scaled(a: Float32Array, c: number): Float32Array {
  if (c !== 1) for (let i = 0; i < a.length; i++) a[i]! *= c;
  return a;
}

/** M − I as a site filter (lateral radius 0) or as the dense (M − I)ᵀ. */
function lateralOperator(g: LayerGeometry, M: Float32Array): tf.Tensor4D | tf.Tensor2D {
  const { sites: S, n } = g;
  if (g.Q > 1) return tf.tensor2d(denseLateralT(g, M), [g.units, g.units]);
  const ML = M.slice();
  for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) ML[(s * n + i) * n + i]! -= 1;
  return tf.tensor4d(siteFilterHost(ML, S, n, n), [1, n, S, n]);
}

/** Per active sample, max over layers of ‖du‖/‖u‖ from the stacked squared norms [2P, B]. */
function maxRatio(
  norms: Float32Array | Int32Array | Uint8Array,
  B: number,
  P: number,
): Float64Array {
  const out = new Float64Array(B);
  for (let p = 0; p < P; p++) {
    for (let b = 0; b < B; b++) {
      const r = relativeChange(norms[p * B + b]!, norms[(P + p) * B + b]!);
      if (r > out[b]!) out[b] = r;
    }
  }
  return out;
}

/** Drop the finished samples from the batch. */
function compact(
  st: State,
  active: readonly number[],
  done: readonly number[],
): { active: number[]; state: State } {
  const gone = new Set(done);
  const keep: number[] = [];
  const next: number[] = [];
  active.forEach((k, b) => {
    if (!gone.has(b)) {
      keep.push(b);
      next.push(k);
    }
  });
  const state = tidyOf(() => {
    const idx = tf.tensor1d(keep, "int32");
    const g = (t: tf.Tensor2D) => tf.keep(tf.gather(t, idx) as tf.Tensor2D);
    return { u: st.u.map(g), r: st.r.map(g), drive: g(st.drive) };
  });
  disposeState(st, true);
  return { active: next, state };
}

function disposeState(st: State, withDrive: boolean): void {
  for (const t of [...st.u, ...st.r]) t.dispose();
  if (withDrive) st.drive.dispose();
}
