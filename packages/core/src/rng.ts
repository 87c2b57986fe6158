import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";

/** Serialisable generator state: store it in a checkpoint, restore with `Rng.fromState`. */
export interface RngState {
  readonly algorithm: "xoroshiro128plus";
  readonly state: readonly number[];
  /** A spare standard normal left over from the last Box–Muller pair, or null. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;

/**
 * Seeded pseudo-random numbers (xoroshiro128+ from `pure-rand`). Every random draw in
 * plasticity goes through one of these, so the same seed gives the same numbers.
 * `fork(k)` derives an independent stream, so adding a draw in one place does not shift
 * the numbers drawn in another.
 */
export class Rng {
  private spare: number | null = null;

  private constructor(private readonly gen: ReturnType<typeof xoroshiro128plus>) {}

  static seeded(seed: number): Rng {
    if (!Number.isInteger(seed)) throw new TypeError(`seed: expected an integer, got ${seed}`);
    return new Rng(xoroshiro128plus(seed | 0));
  }

  static fromState(s: RngState): Rng {
    if (s?.algorithm !== "xoroshiro128plus" || !Array.isArray(s.state) || s.state.length !== 4) {
      throw new TypeError("rng state: expected { algorithm: 'xoroshiro128plus', state: [4 ints] }");
    }
    const r = new Rng(xoroshiro128plusFromState(s.state));
    r.spare = s.spareNormal;
    return r;
  }

  getState(): RngState {
    return {
      algorithm: "xoroshiro128plus",
      state: [...this.gen.getState()],
      spareNormal: this.spare,
    };
  }

  /** An independent generator derived from this one's next draws and `stream`. */
  fork(stream = 0): Rng {
    const a = this.nextUint32();
    return Rng.seeded((a ^ Math.imul(stream + 1, 0x9e3779b1)) | 0);
  }

  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`n: expected a positive integer, got ${n}`);
    if (n <= TWO_POW_32) {
      // rejection sampling removes modulo bias
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (;;) {
        const v = this.nextUint32();
        if (v < limit) return v % n;
      }
    }
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal via Box–Muller (the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u1 = 0;
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return mean + std * r * Math.cos(2 * Math.PI * u2);
  }

  /** Fill with N(mean, std²) draws. */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fill with U[lo, hi) draws. */
  fillUniform(out: Float32Array, lo = 0, hi = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniformIn(lo, hi);
    return out;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
