import { PlasticityError } from "@plasticity/core";
import { tf } from "@plasticity/tfjs";
import type { GradientReducer } from "../backward.js";

/**
 * Data-parallel training across worker threads: each worker holds a replica of the network, runs
 * its share of the batch (the output error divided by the WHOLE batch size: `step(x, y, { norm })`)
 * and calls `reduce` on every layer's gradient. The gradients meet in one SharedArrayBuffer: each
 * worker writes its G into its own slot, waits for the others, and adds the slots in the same order
 * (slot 0 + slot 1 + …), so every replica applies the identical update and the replicas stay
 * bit-identical. One barrier before the sum, one after (so no slot is overwritten while read).
 */
export interface SharedGradients {
  /** Per worker, `slotFloats` floats, then the barrier's [count, generation] as Int32. */
  readonly buffer: SharedArrayBuffer;
  readonly workers: number;
  readonly slotFloats: number;
}

/** A shared buffer for `workers` replicas whose largest gradient has `slotFloats` values. */
export function sharedGradients(workers: number, slotFloats: number): SharedGradients {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new PlasticityError(`workers: expected a positive integer, got ${workers}`, "workers");
  }
  const buffer = new SharedArrayBuffer(workers * slotFloats * 4 + 8);
  return { buffer, workers, slotFloats };
}

/** A barrier for the `workers` threads sharing `ctrl` [count, generation]. */
export function barrier(ctrl: Int32Array, workers: number): void {
  const gen = Atomics.load(ctrl, 1);
  if (Atomics.add(ctrl, 0, 1) === workers - 1) {
    Atomics.store(ctrl, 0, 0);
    Atomics.add(ctrl, 1, 1);
    Atomics.notify(ctrl, 1);
  } else {
    while (Atomics.load(ctrl, 1) === gen) Atomics.wait(ctrl, 1, gen);
  }
}

/** Worker `rank`'s reducer over the shared buffer (the sum of every worker's G). */
export function sharedReducer(shared: SharedGradients, rank: number): GradientReducer {
  const { buffer, workers, slotFloats } = shared;
  if (!Number.isInteger(rank) || rank < 0 || rank >= workers) {
    throw new PlasticityError(`rank: expected 0..${workers - 1}, got ${rank}`, "rank");
  }
  const slots = Array.from(
    { length: workers },
    (_, w) => new Float32Array(buffer, w * slotFloats * 4, slotFloats),
  );
  const ctrl = new Int32Array(buffer, workers * slotFloats * 4, 2);
  return (layer, _which, g) => {
    const n = g.size;
    if (n > slotFloats) {
      throw new PlasticityError(
        `layer ${layer}: gradient of ${n} values does not fit the shared slot of ${slotFloats}`,
        "slotFloats",
      );
    }
    if (workers === 1) return tf.clone(g);
    slots[rank]!.set(g.dataSync() as Float32Array);
    barrier(ctrl, workers);
    const sum = slots[0]!.slice(0, n);
    for (let w = 1; w < workers; w++) {
      const s = slots[w]!;
      for (let i = 0; i < n; i++) sum[i]! += s[i]!;
    }
    barrier(ctrl, workers);
    return tf.tensor(sum, g.shape);
  };
}
