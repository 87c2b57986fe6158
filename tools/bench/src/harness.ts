import { PlasticityError } from "@plasticity/core";

/** How to time one operation. */
export interface TimingOptions {
  /** Untimed calls first (JIT, wasm compile, kernel caches, allocator). */
  readonly warmup: number;
  /** Timed calls at least this many times... */
  readonly minRepeats: number;
  /** ...and until this much time has been spent timing (ms), */
  readonly minTimeMs: number;
  /** ...but never more than this many times. */
  readonly maxRepeats: number;
  /**
   * A call slower than this (ms) is "slow": after the first warm-up call no more warm-up, and
   * at most 3 timed calls (a 1024³ matmul on the plain-JS backend takes seconds).
   */
  readonly slowCallMs: number;
}

export const DEFAULT_TIMING: TimingOptions = Object.freeze({
  warmup: 2,
  minRepeats: 5,
  minTimeMs: 2000,
  maxRepeats: 50,
  slowCallMs: 1000,
});

/** Timed calls of a slow operation (see `TimingOptions.slowCallMs`). */
export const SLOW_REPEATS = 3;

/** Wall-clock times of repeated calls of one operation, in milliseconds. */
export interface Timing {
  readonly warmup: number;
  readonly repeats: number;
  /** Median of the repeats: the number every rate is computed from. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median absolute deviation from the median, as a percentage of the median. */
  readonly madPct: number;
  /** Every timed repeat, in call order. */
  readonly samplesMs: readonly number[];
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new PlasticityError("xs: expected a non-empty array", "xs");
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median absolute deviation: median_i |x_i − median(x)|. A spread robust to one slow outlier. */
export function medianAbsDeviation(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** Summarise raw repeat times (ms) into a Timing. */
export function summarise(samplesMs: readonly number[], warmup: number): Timing {
  const med = median(samplesMs);
  return {
    warmup,
    repeats: samplesMs.length,
    medianMs: med,
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    madPct: med > 0 ? (100 * medianAbsDeviation(samplesMs)) / med : 0,
    samplesMs: [...samplesMs],
  };
}

function checkTimingOptions(o: TimingOptions): void {
  for (const k of ["warmup", "minRepeats", "maxRepeats"] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0) {
      throw new PlasticityError(
        `timing.${k}: expected a non-negative integer, got ${o[k]}`,
        `timing.${k}`,
      );
    }
  }
  if (o.minRepeats < 1) {
    throw new PlasticityError(
      `timing.minRepeats: expected at least 1, got ${o.minRepeats}`,
      "timing.minRepeats",
    );
  }
  if (o.maxRepeats < o.minRepeats) {
    throw new PlasticityError(
      `timing.maxRepeats: expected ≥ minRepeats (${o.minRepeats}), got ${o.maxRepeats}`,
      "timing.maxRepeats",
    );
  }
  if (!(o.slowCallMs > 0)) {
    throw new PlasticityError(
      `timing.slowCallMs: expected a positive number, got ${o.slowCallMs}`,
      "timing.slowCallMs",
    );
  }
  if (!Number.isFinite(o.minTimeMs) || o.minTimeMs < 0) {
    throw new PlasticityError(
      `timing.minTimeMs: expected a non-negative number, got ${o.minTimeMs}`,
      "timing.minTimeMs",
    );
  }
}

/**
 * Time `fn`: `warmup` untimed calls, then timed calls until both `minRepeats` calls and
 * `minTimeMs` have passed (capped at `maxRepeats`). A slow operation (first call slower than
 * `slowCallMs`) gets one warm-up call and at most SLOW_REPEATS timed calls. `fn` must not return
 * before its work is done (read a result back for asynchronous backends). `between` runs
 * untimed after each call (e.g. to reset weights so a rule cannot drift into overflow).
 */
export async function timeIt(
  fn: () => unknown,
  opts: TimingOptions = DEFAULT_TIMING,
  between?: () => unknown,
): Promise<Timing> {
  checkTimingOptions(opts);
  let warmup = 0;
  let slow = false;
  while (warmup < opts.warmup && !slow) {
    const t0 = performance.now();
    await fn();
    slow = performance.now() - t0 > opts.slowCallMs;
    warmup++;
    if (between) await between();
  }
  const samples: number[] = [];
  let spent = 0;
  const minRepeats = slow ? Math.min(opts.minRepeats, SLOW_REPEATS) : opts.minRepeats;
  const maxRepeats = () => (slow ? Math.min(opts.maxRepeats, SLOW_REPEATS) : opts.maxRepeats);
  while (samples.length < maxRepeats() && (samples.length < minRepeats || spent < opts.minTimeMs)) {
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    samples.push(dt);
    spent += dt;
    if (dt > opts.slowCallMs) slow = true;
    if (between) await between();
  }
  return summarise(samples, warmup);
}

/** Peak resident set size of this process so far, in MiB (`process.resourceUsage().maxRSS` is KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Rates derived from one timed step. */
export interface Rates {
  /** Samples (batch rows) per second: batch / median step time. */
  readonly samplesPerSec: number;
  /** flopsPerStep / median step time, in 10⁹ FLOP per second. */
  readonly gflops: number;
}

export function rates(timing: Timing, batch: number, flopsPerStep: number): Rates {
  const s = timing.medianMs / 1000;
  return { samplesPerSec: batch / s, gflops: flopsPerStep / s / 1e9 };
}
