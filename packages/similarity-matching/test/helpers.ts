import { PlasticityError, Rng } from "@plasticity/core";
import { type BackendName, initBackend, tf } from "@plasticity/tfjs";
import { beforeAll } from "vitest";
import type { NetworkConfigInput, SimilarityMatchingNetwork } from "../src/index.js";
import type { ReferenceWeights } from "../src/reference.js";

/** The backends every numeric test runs on here (tfjs-node is not installed). */
export const BACKENDS = ["cpu", "wasm"] as const satisfies readonly BackendName[];

/** Switch to `backend` before the tests of the enclosing describe block. */
export function useBackend(backend: BackendName): void {
  beforeAll(async () => {
    const info = await initBackend({ backend });
    if (tf.getBackend() !== backend || info.name !== backend)
      throw new Error(`backend ${backend} not active`);
  });
}

/** The `field` of the PlasticityError that `f` throws (fails when nothing is thrown). */
export function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (!(e instanceof PlasticityError)) throw e;
    return e.field;
  }
  throw new Error("did not throw");
}

/** max |a − b| / max |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** N(0, std²) values. */
export function normal(rng: Rng, n: number, std = 1): Float32Array {
  return rng.fillNormal(new Float32Array(n), 0, std);
}

/**
 * Give a fresh network non-trivial lateral weights: M ← c^L ⊙ (I + ε·sym(noise)) per site (the
 * state a trained network is in), so the dynamics tests exercise every term.
 */
export function perturbLateral(net: SimilarityMatchingNetwork, eps: number, seed: number): void {
  const rng = Rng.seeded(seed);
  const st = net.getState();
  const layers = st.layers.map((l, p) => {
    const g = net.geometry[p]!;
    const { sites: S, n, Q } = g;
    const M = l.M.slice();
    for (let s = 0; s < S; s++) {
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < Q * n; c++) {
          const k = (s * n + i) * Q * n + c;
          if (g.mMask && g.mMask[k] === 0) continue;
          // symmetric within the site block (q = 0), free across sites
          if (c < n && c < i) M[k] = M[(s * n + c) * Q * n + i]!;
          else M[k] = M[k]! + eps * rng.normal();
        }
      }
    }
    return { W: l.W, M };
  });
  net.setState({ layers });
}

export function referenceWeights(net: SimilarityMatchingNetwork): ReferenceWeights[] {
  return net.getState().layers.map((l) => ({ W: l.W, M: l.M }));
}

/** A small structured net on a 12×12 input: 6×6 sites of 3 neurons, radius 2, stride 2. */
export const SMALL: NetworkConfigInput = {
  layers: [{ kind: "structured", nps: 3, radius: 2, stride: 2, lateralRadius: 0 }],
};

export { Rng };
