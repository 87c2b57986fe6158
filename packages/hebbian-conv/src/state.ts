import { PlasticityError } from "@plasticity/core";
import type { ConvLayer } from "./forward.js";

/** One layer of a checkpoint: filters [cout × fanIn], thresholds, win-rate averages, mask. */
export interface HebbianConvLayerState {
  readonly W: Float32Array;
  readonly theta: Float32Array;
  readonly rate: Float64Array;
  readonly mask: Uint8Array | null;
}

/** A checkpoint of a `HebbianConvNet`: plain values and typed arrays. */
export interface HebbianConvState {
  readonly kind: "hebbian-conv";
  /** Batches seen (the burn-in counts them). */
  readonly batches: number;
  readonly layers: readonly HebbianConvLayerState[];
}

function fail(field: string, what: string): never {
  throw new PlasticityError(`state.${field}: ${what}`, `state.${field}`);
}

function checkArray<T extends Float32Array | Float64Array | Uint8Array>(
  v: unknown,
  type: { new (n: number): T; name: string },
  len: number,
  field: string,
): T {
  if (!(v instanceof type) || v.length !== len)
    fail(field, `expected a ${type.name} of length ${len}`);
  const a = v as T;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) fail(field, `non-finite value ${a[i]} at index ${i}`);
  }
  return a;
}

/**
 * Throws a PlasticityError naming the field unless `s` is a checkpoint of a network with these
 * layers (same geometry and the same pruning masks, i.e. the same config and seed), and every
 * pruned synapse is 0.
 */
export function checkState(s: unknown, layers: readonly ConvLayer[]): HebbianConvState {
  const st = s as Partial<HebbianConvState> | null;
  if (st === null || typeof st !== "object" || st.kind !== "hebbian-conv") {
    fail("kind", 'expected "hebbian-conv"');
  }
  if (!Number.isInteger(st.batches) || (st.batches as number) < 0) {
    fail("batches", "expected a non-negative integer");
  }
  if (!Array.isArray(st.layers) || st.layers.length !== layers.length) {
    fail("layers", `expected ${layers.length} layer states`);
  }
  st.layers.forEach((ls, i) => {
    const { geom, mask } = layers[i]!;
    const W = checkArray(ls?.W, Float32Array, geom.cout * geom.fanIn, `layers.${i}.W`);
    checkArray(ls?.theta, Float32Array, geom.cout, `layers.${i}.theta`);
    checkArray(ls?.rate, Float64Array, geom.cout, `layers.${i}.rate`);
    if (mask === null) {
      if (ls.mask !== null) fail(`layers.${i}.mask`, "expected null (this layer is not pruned)");
      return;
    }
    const m = checkArray(ls.mask, Uint8Array, mask.length, `layers.${i}.mask`);
    const diff = m.findIndex((v, k) => v !== mask[k]);
    if (diff >= 0) {
      fail(`layers.${i}.mask`, `differs from this network's mask at ${diff} (another seed?)`);
    }
    const bad = W.findIndex((v, k) => v !== 0 && mask[k] === 0);
    if (bad >= 0) fail(`layers.${i}.W`, `pruned synapse ${bad} holds ${W[bad]}`);
  });
  return st as HebbianConvState;
}
