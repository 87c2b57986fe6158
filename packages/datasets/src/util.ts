import { PlasticityError, Rng } from "@plasticity/core";
import type { ImageSet, Shape4 } from "./types.js";

/** Randomness source of a function taking `{ rng }` or `{ seed }`. */
export interface RandomOptions {
  /** A generator to draw from (it advances). */
  rng?: Rng;
  /** A seed for a fresh generator, when no `rng` is given. */
  seed?: number;
}

/** The `rng` given, or a fresh one from `seed`; names `fn` when neither is given. */
export function resolveRng(opts: RandomOptions, fn: string): Rng {
  if (opts.rng !== undefined) {
    if (!(opts.rng instanceof Rng)) {
      throw new PlasticityError(`${fn}: rng: expected an Rng from @plasticity/core`, "rng");
    }
    return opts.rng;
  }
  if (opts.seed !== undefined) {
    if (!Number.isInteger(opts.seed)) {
      throw new PlasticityError(`${fn}: seed: expected an integer, got ${opts.seed}`, "seed");
    }
    return Rng.seeded(opts.seed);
  }
  throw new PlasticityError(
    `${fn}: expected { seed } or { rng } (randomness is always seeded, so runs repeat)`,
    "seed",
  );
}

/** Throws unless `set` is a consistent NHWC image set; returns [n, h, w, c]. */
export function checkImageSet(set: ImageSet, name = "data"): Shape4 {
  if (!set || !(set.x instanceof Float32Array)) {
    throw new PlasticityError(`${name}.x: expected a Float32Array`, `${name}.x`);
  }
  const s = set.shape;
  if (!Array.isArray(s) || s.length !== 4 || !s.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new PlasticityError(
      `${name}.shape: expected [n, h, w, c] non-negative integers, got ${JSON.stringify(s)}`,
      `${name}.shape`,
    );
  }
  const len = s[0] * s[1] * s[2] * s[3];
  if (set.x.length !== len) {
    throw new PlasticityError(
      `${name}.x: expected length n·h·w·c = ${s.join("·")} = ${len}, got ${set.x.length}`,
      `${name}.x`,
    );
  }
  const y = (set as { y?: unknown }).y;
  if (y !== undefined && (!(y instanceof Int32Array) || y.length !== s[0])) {
    throw new PlasticityError(
      `${name}.y: expected an Int32Array of length n = ${s[0]}, got ${describe(y)}`,
      `${name}.y`,
    );
  }
  return [s[0], s[1], s[2], s[3]];
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Uint8Array).length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return typeof v;
}

/** Throws unless `v` is an integer in [lo, hi]. */
export function checkInt(
  name: string,
  v: unknown,
  lo: number,
  hi = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    const range = hi === Number.MAX_SAFE_INTEGER ? `≥ ${lo}` : `in [${lo}, ${hi}]`;
    throw new PlasticityError(`${name}: expected an integer ${range}, got ${String(v)}`, name);
  }
  return v;
}
