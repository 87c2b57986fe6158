import { PlasticityError, Rng } from "@plasticity/core";
import { beforeAll } from "vitest";
import { type BackendName, initBackend, tf } from "../src/index.js";

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

/**
 * The `field` of the PlasticityError that `f` throws; rethrows any other error and fails when
 * nothing is thrown, so a test on it cannot pass by accident.
 */
export function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (!(e instanceof PlasticityError)) throw e;
    return e.field;
  }
  throw new Error("did not throw");
}

/** N(0, std²) Float32Array of length n from a seeded generator. */
export function normal(rng: Rng, n: number, std = 1): Float32Array {
  return rng.fillNormal(new Float32Array(n), 0, std);
}

/** max |a − b| / max |b|: the error relative to the reference's largest entry. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Naive im2col on a row-major NHWC array: [b, oh, ow, kh·kw·c] in (i, j, channel) order. */
export function naivePatches(
  x: Float32Array,
  [b, h, w, c]: readonly [number, number, number, number],
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): { patches: Float32Array; oh: number; ow: number } {
  const oh = Math.floor((h - kh) / sh) + 1;
  const ow = Math.floor((w - kw) / sw) + 1;
  const k = kh * kw * c;
  const patches = new Float32Array(b * oh * ow * k);
  for (let n = 0; n < b; n++)
    for (let r = 0; r < oh; r++)
      for (let q = 0; q < ow; q++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            for (let ch = 0; ch < c; ch++) {
              const src = ((n * h + r * sh + i) * w + q * sw + j) * c + ch;
              const dst = ((n * oh + r) * ow + q) * k + (i * kw + j) * c + ch;
              patches[dst] = x[src];
            }
  return { patches, oh, ow };
}

export { Rng };

/** ∂f/∂w via tf.grad, typed for a specific tensor rank. */
export function gradOf<T extends tf.Tensor>(f: (w: T) => tf.Tensor, w: T): T {
  return tf.grad((v) => f(v as T))(w) as T;
}
