import { Rng } from "@plasticity/core";
import { type BackendName, initBackend, tf } from "@plasticity/tfjs";
import { beforeAll } from "vitest";

export { Rng };

export const BACKENDS = ["cpu", "wasm"] as const satisfies readonly BackendName[];

/** Switch to `backend` before the tests of the enclosing describe block. */
export function useBackend(backend: BackendName): void {
  beforeAll(async () => {
    await initBackend({ backend });
    if (tf.getBackend() !== backend) throw new Error(`backend ${backend} not active`);
  });
}

export function normal(rng: Rng, n: number, std = 1): Float32Array {
  return rng.fillNormal(new Float32Array(n), 0, std);
}

/** max |a − b| / max |b|. */
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

export function values(t: tf.Tensor): Float32Array {
  return t.dataSync().slice() as Float32Array;
}
