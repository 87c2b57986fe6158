import { PlasticityError, Rng } from "@plasticity/core";

import { WEIGHT_INITS, type WeightInit } from "../schema.js";

export { WEIGHT_INITS, type WeightInit };

/** Where a layer's random numbers come from: a seed, or a generator you own (draws are consumed). */
export interface SeedOptions {
  readonly seed?: number;
  readonly rng?: Rng;
}

/** The layer's generator: `rng` when given, else `Rng.seeded(seed)`; one of the two is required. */
export function rngFrom(opts: SeedOptions, field = "seed"): Rng {
  if (opts.rng !== undefined) {
    if (typeof (opts.rng as Partial<Rng>)?.fillNormal !== "function") {
      throw new PlasticityError("rng: expected an Rng from @plasticity/core", "rng");
    }
    return opts.rng;
  }
  if (!Number.isInteger(opts.seed)) {
    throw new PlasticityError(
      `${field}: expected an integer seed (or pass rng), got ${String(opts.seed)}`,
      field,
    );
  }
  return Rng.seeded(opts.seed as number);
}

/**
 * `rows` weight vectors of length `fanIn`, row-major, drawn from `rng`:
 * - "normal": N(0, scale²)
 * - "uniform": U(−√3·scale, √3·scale) (the same variance as "normal")
 * - "unit-norm": N(0, 1) draws, then each row scaled to Euclidean norm 1 (Miconi 2021)
 * `scale` defaults to 1/√fanIn. `mask` (same length, 0/1) zeroes pruned entries before any
 * normalisation.
 */
export function initWeights(
  rng: Rng,
  rows: number,
  fanIn: number,
  init: WeightInit = "normal",
  scale = 1 / Math.sqrt(fanIn),
  mask?: Float32Array,
): Float32Array {
  if (!WEIGHT_INITS.includes(init)) {
    throw new PlasticityError(
      `init: expected "normal", "uniform" or "unit-norm", got ${JSON.stringify(init)}`,
      "init",
    );
  }
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new PlasticityError(
      `initScale: expected a finite number > 0, got ${String(scale)}`,
      "initScale",
    );
  }
  const w = new Float32Array(rows * fanIn);
  if (init === "uniform") {
    const a = Math.sqrt(3) * scale;
    rng.fillUniform(w, -a, a);
  } else {
    rng.fillNormal(w, 0, init === "normal" ? scale : 1);
  }
  if (mask) for (let i = 0; i < w.length; i++) w[i] *= mask[i];
  if (init === "unit-norm") {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < fanIn; j++) s += w[r * fanIn + j] ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let j = 0; j < fanIn; j++) w[r * fanIn + j] *= inv;
    }
  }
  return w;
}

/** Throws unless `mask` is a Float32Array of 0s and 1s of length `len`, naming `field`. */
export function checkMask(mask: unknown, len: number, dims: string, field = "mask"): Float32Array {
  if (!(mask instanceof Float32Array) || mask.length !== len) {
    throw new PlasticityError(
      `${field}: expected a Float32Array [${dims}] of length ${len} holding 0 or 1`,
      field,
    );
  }
  const bad = mask.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0)
    throw new PlasticityError(`${field}: expected 0 or 1, got ${mask[bad]} at index ${bad}`, field);
  return mask;
}
