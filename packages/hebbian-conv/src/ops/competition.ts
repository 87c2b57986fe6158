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

/** The K-th largest of z_ch = fround(u[base + ch] − θ_ch), ch < c (top: K scratch slots). */
function kthLargest(
  u: Float32Array,
  base: number,
  theta: Float32Array,
  c: number,
  k: number,
  top: Float64Array,
): number {
  top.fill(Number.NEGATIVE_INFINITY, 0, k);
  for (let ch = 0; ch < c; ch++) {
    const v = Math.fround(u[base + ch] - theta[ch]);
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

/** Shapes of one `competeAndPool` call: n images of oh × ow positions × c channels, pooled. */
export interface CompetitionShape {
  readonly n: number;
  readonly oh: number;
  readonly ow: number;
  readonly c: number;
  /** Average-pooling window = stride (1 = none). */
  readonly pool: number;
}

/**
 * The competition at every position of the conv output u [n, oh, ow, c] (NHWC), with
 * per-channel thresholds θ, fused with the average pooling of what the layer passes on:
 *
 *   z_c = u_c − θ_c                                     (float32, as the code)
 *   kept_c = z_c ≥ (K-th largest z at that position)    (ties all kept, as torch.topk + `<`)
 *   y_c = 1[kept_c ∧ z_c > 0] (binarised) or kept_c · min(z_c, 50)
 *   o_c = max(0, z_c − mean_c z) (triangle) or y_c (wta)
 *   pooled = avgpool(o)  [n, ⌊oh/pool⌋, ⌊ow/pool⌋, c]
 *
 * Every y ≠ 0 is appended to `winners` (position p = (b·oh + oy)·ow + ox), and `wins[c]` counts
 * the positions where y_c > 0 (for the homeostatic thresholds). u is not modified.
 */
export function competeAndPool(
  u: Float32Array,
  shape: CompetitionShape,
  theta: Float32Array,
  opts: CompetitionOptions,
  winners: Winners,
  wins: Float64Array,
): Float32Array {
  const { n, oh, ow, c, pool } = shape;
  const { k, binarize } = opts;
  const triangle = opts.output === "triangle";
  const ph = Math.floor(oh / pool);
  const pw = Math.floor(ow / pool);
  const pooled = new Float32Array(n * ph * pw * c);
  const inv = 1 / (pool * pool);
  const top = new Float64Array(k);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const py = Math.floor(oy / pool);
      for (let ox = 0; ox < ow; ox++) {
        const p = (b * oh + oy) * ow + ox;
        const base = p * c;
        let max = Number.NEGATIVE_INFINITY;
        let sum = 0;
        for (let ch = 0; ch < c; ch++) {
          const z = Math.fround(u[base + ch] - theta[ch]);
          sum += z;
          if (z > max) max = z;
        }
        const kth = k === 1 ? max : kthLargest(u, base, theta, c, k, top);
        const mean = sum / c;
        const px = Math.floor(ox / pool);
        const q = py < ph && px < pw ? ((b * ph + py) * pw + px) * c : -1;
        for (let ch = 0; ch < c; ch++) {
          const z = Math.fround(u[base + ch] - theta[ch]);
          let y = 0;
          if (z >= kth) {
            y = binarize ? (z > 0 ? 1 : 0) : Math.min(z, 50);
            if (y !== 0) winners.push(p, ch, y);
            if (y > 0) wins[ch] += 1;
          }
          const t = z - mean;
          if (q >= 0) pooled[q + ch] += triangle ? (t + Math.abs(t)) * 0.5 * inv : y * inv;
        }
      }
    }
  }
  return pooled;
}

/**
 * `competeAndPool` for K = 1 in ONE pass over u, for a conv output that carries one more channel
 * holding Σ_c u_c (a filter Σ_c w_c appended to the convolution: ~1 % more multiply-adds), so
 * mean_c z = (Σ_c u_c − Σ_c θ_c) / c is known before the pass. u is [n, oh, ow, c + 1]. The
 * argmax and its ties are tracked on the way (ties are listed by a second look at that position
 * only); the triangle output is accumulated into the pool as it goes. Same results as
 * `competeAndPool` up to the rounding of the mean.
 */
export function competeAndPoolWithSums(
  u: Float32Array,
  shape: CompetitionShape,
  theta: Float32Array,
  opts: Omit<CompetitionOptions, "k">,
  winners: Winners,
  wins: Float64Array,
): Float32Array {
  const { n, oh, ow, c, pool } = shape;
  const stride = c + 1;
  const triangle = opts.output === "triangle";
  const ph = Math.floor(oh / pool);
  const pw = Math.floor(ow / pool);
  const pooled = new Float32Array(n * ph * pw * c);
  const inv = 1 / (pool * pool);
  let thetaSum = 0;
  for (let ch = 0; ch < c; ch++) thetaSum += theta[ch];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const py = Math.floor(oy / pool);
      for (let ox = 0; ox < ow; ox++) {
        const p = (b * oh + oy) * ow + ox;
        const base = p * stride;
        const mean = (u[base + c] - thetaSum) / c;
        const px = Math.floor(ox / pool);
        const q = py < ph && px < pw ? ((b * ph + py) * pw + px) * c : -1;
        const { max, arg, ties } =
          triangle && q >= 0
            ? argmaxAndTriangle(u, base, theta, c, mean, pooled, q, inv)
            : argmax(u, base, theta, c);
        const y = opts.binarize ? (max > 0 ? 1 : 0) : Math.min(max, 50);
        if (y === 0) continue;
        for (let ch = arg; ch < c; ch++) {
          if (ch !== arg && (ties === 1 || Math.fround(u[base + ch] - theta[ch]) !== max)) continue;
          winners.push(p, ch, y);
          if (y > 0) wins[ch] += 1;
          if (!triangle && q >= 0) pooled[q + ch] += y * inv;
          if (ties === 1) break;
        }
      }
    }
  }
  return pooled;
}

/** The largest z_ch = fround(u[base + ch] − θ_ch), its first channel and how many channels tie it. */
function argmax(u: Float32Array, base: number, theta: Float32Array, c: number) {
  let max = Number.NEGATIVE_INFINITY;
  let arg = 0;
  let ties = 0;
  for (let ch = 0; ch < c; ch++) {
    const z = Math.fround(u[base + ch] - theta[ch]);
    if (z > max) {
      max = z;
      arg = ch;
      ties = 1;
    } else if (z === max) ties++;
  }
  return { max, arg, ties };
}

/**
 * `argmax`, and on the way pooled[q + ch] += inv · max(0, z_ch − mean) (the triangle output's
 * share of its pooling window). The rectifier is written (t + |t|)/2, which is exact and has no
 * data-dependent branch (V8 emits one for `t > 0 ? t : 0`, mispredicted about half the time:
 * this loop ran 2.3× slower).
 */
function argmaxAndTriangle(
  u: Float32Array,
  base: number,
  theta: Float32Array,
  c: number,
  mean: number,
  pooled: Float32Array,
  q: number,
  inv: number,
) {
  const half = 0.5 * inv;
  let max = Number.NEGATIVE_INFINITY;
  let arg = 0;
  let ties = 0;
  for (let ch = 0; ch < c; ch++) {
    const z = Math.fround(u[base + ch] - theta[ch]);
    if (z > max) {
      max = z;
      arg = ch;
      ties = 1;
    } else if (z === max) ties++;
    const t = z - mean;
    pooled[q + ch] += (t + Math.abs(t)) * half;
  }
  return { max, arg, ties };
}
