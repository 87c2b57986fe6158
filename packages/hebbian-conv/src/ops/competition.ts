/**
 * The competition across channels at every position of a conv output (Miconi 2021, PAPERS.md
 * §3.3): z = u − θ, the k-WTA y that drives plasticity, and the output passed on (Coates'
 * triangle or y itself).
 */

/** The (position, channel, y) triples with y ≠ 0: the only places plasticity looks at. */
export class Winners {
  count = 0;
  pos: Int32Array;
  ch: Int32Array;
  y: Float32Array;

  constructor(capacity = 1024) {
    this.pos = new Int32Array(capacity);
    this.ch = new Int32Array(capacity);
    this.y = new Float32Array(capacity);
  }

  push(p: number, c: number, y: number): void {
    if (this.count === this.pos.length) this.grow();
    this.pos[this.count] = p;
    this.ch[this.count] = c;
    this.y[this.count] = y;
    this.count++;
  }

  private grow(): void {
    const n = this.pos.length * 2;
    const pos = new Int32Array(n);
    const ch = new Int32Array(n);
    const y = new Float32Array(n);
    pos.set(this.pos);
    ch.set(this.ch);
    y.set(this.y);
    this.pos = pos;
    this.ch = ch;
    this.y = y;
  }
}

export interface CompetitionOptions {
  /** K: winners per position. */
  readonly k: number;
  /** y = 1 for winners with z > 0 (else y = z, clamped at 50 as the code does). */
  readonly binarize: boolean;
  /** What is written back: "triangle" max(0, z − mean_c z) or "wta" y. */
  readonly output: "triangle" | "wta";
}

/**
 * The K-th largest of the c values z[base .. base + c) (top holds K scratch slots).
 */
function kthLargest(
  z: Float32Array,
  base: number,
  c: number,
  k: number,
  top: Float64Array,
): number {
  top.fill(Number.NEGATIVE_INFINITY, 0, k);
  for (let ch = 0; ch < c; ch++) {
    const v = z[base + ch];
    if (v <= top[k - 1]) continue;
    let i = k - 1;
    while (i > 0 && top[i - 1] < v) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = v;
  }
  return top[k - 1];
}

/**
 * One pass over the conv output u [positions × c] (NHWC rows), in place, with per-channel
 * thresholds θ:
 *
 *   z_c = u_c − θ_c
 *   kept_c = z_c ≥ (K-th largest z at that position)       (ties all kept, as torch.topk + `<`)
 *   y_c = 1[kept_c ∧ z_c > 0] (binarised) or kept_c · min(z_c, 50)
 *   u_c ← max(0, z_c − mean_c z) (triangle) or y_c (wta)
 *
 * Every y ≠ 0 is appended to `winners` (with the position index offset by `posOffset`), and
 * `wins[c]` counts the positions where y_c > 0 (for the homeostatic thresholds).
 */
export function compete(
  u: Float32Array,
  positions: number,
  c: number,
  theta: Float32Array,
  opts: CompetitionOptions,
  winners: Winners,
  wins: Float64Array,
  posOffset = 0,
): void {
  const { k, binarize } = opts;
  const triangle = opts.output === "triangle";
  const top = new Float64Array(k);
  for (let p = 0; p < positions; p++) {
    const base = p * c;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let ch = 0; ch < c; ch++) {
      const z = u[base + ch] - theta[ch];
      u[base + ch] = z;
      sum += z;
      if (z > max) max = z;
    }
    const kth = k === 1 ? max : kthLargest(u, base, c, k, top);
    const mean = sum / c;
    for (let ch = 0; ch < c; ch++) {
      const z = u[base + ch];
      let y = 0;
      if (z >= kth) {
        y = binarize ? (z > 0 ? 1 : 0) : Math.min(z, 50);
        if (y !== 0) winners.push(posOffset + p, ch, y);
        if (y > 0) wins[ch] += 1;
      }
      u[base + ch] = triangle ? (z > mean ? z - mean : 0) : y;
    }
  }
}
