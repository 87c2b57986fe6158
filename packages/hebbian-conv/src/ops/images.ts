/**
 * Per-image array operations on NHWC Float32Arrays (one row-major image after another): the
 * per-sample standardisation before every layer, zero padding, average pooling and the quadrant
 * means of the decoding protocol.
 */

/**
 * x_b ← (x_b − mean(x_b)) / (1e-10 + std(x_b)) for each of the n images of `size` values, over all
 * of (H, W, C) at once, as Miconi's code does before each layer (torch.std: Bessel-corrected, n − 1).
 * Writes `out` (may be `x`) and returns it.
 */
export function standardizeImages(
  x: Float32Array,
  n: number,
  size: number,
  out: Float32Array = x,
): Float32Array {
  for (let b = 0; b < n; b++) {
    const o = b * size;
    let s = 0;
    for (let i = 0; i < size; i++) s += x[o + i];
    const mean = s / size;
    let ss = 0;
    for (let i = 0; i < size; i++) {
      const d = x[o + i] - mean;
      ss += d * d;
    }
    const inv = 1 / (1e-10 + Math.sqrt(ss / Math.max(1, size - 1)));
    for (let i = 0; i < size; i++) out[o + i] = (x[o + i] - mean) * inv;
  }
  return out;
}

/**
 * n images [h, w, c] surrounded by `p` rows and columns of zeros: [n, h + 2p, w + 2p, c]
 * (a new array; x itself when p = 0).
 */
export function padImages(
  x: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  p: number,
): Float32Array {
  if (p === 0) return x;
  const H = h + 2 * p;
  const W = w + 2 * p;
  const out = new Float32Array(n * H * W * c);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < h; r++) {
      const src = (b * h + r) * w * c;
      const dst = ((b * H + r + p) * W + p) * c;
      out.set(x.subarray(src, src + w * c), dst);
    }
  }
  return out;
}

/**
 * Average pooling with window = stride = `pool` ('valid', floor): o [n, oh, ow, c] →
 * [n, ⌊oh/pool⌋, ⌊ow/pool⌋, c] (F.avg_pool2d(o, pool, stride=pool)).
 */
export function avgPool(
  o: Float32Array,
  n: number,
  oh: number,
  ow: number,
  c: number,
  pool: number,
  out?: Float32Array,
): Float32Array {
  const ph = Math.floor(oh / pool);
  const pw = Math.floor(ow / pool);
  const res = out ?? new Float32Array(n * ph * pw * c);
  if (pool === 1) {
    res.set(o.subarray(0, n * oh * ow * c));
    return res;
  }
  const inv = 1 / (pool * pool);
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        acc.fill(0);
        for (let dy = 0; dy < pool; dy++) {
          for (let dx = 0; dx < pool; dx++) {
            const src = ((b * oh + py * pool + dy) * ow + px * pool + dx) * c;
            for (let ch = 0; ch < c; ch++) acc[ch] += o[src + ch];
          }
        }
        const dst = ((b * ph + py) * pw + px) * c;
        for (let ch = 0; ch < c; ch++) res[dst + ch] = acc[ch] * inv;
      }
    }
  }
  return res;
}

/**
 * The decoding features of Miconi's code: the map [n, h, w, c] averaged over each of the four
 * image quadrants (rows [i·⌊h/2⌋, (i+1)·⌊h/2⌋), columns likewise), feature (2i + j)·c + ch, so
 * 4·c features per image.
 */
export function quadrantMeans(
  x: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
): Float32Array {
  const qh = Math.floor(h / 2);
  const qw = Math.floor(w / 2);
  if (qh < 1 || qw < 1) {
    throw new RangeError(`quadrantMeans: a ${h}×${w} map has no 2×2 quadrants`);
  }
  const out = new Float32Array(n * 4 * c);
  const acc = new Float64Array(c);
  const inv = 1 / (qh * qw);
  for (let b = 0; b < n; b++) {
    for (let q = 0; q < 4; q++) {
      const r0 = (q >> 1) * qh;
      const c0 = (q & 1) * qw;
      acc.fill(0);
      for (let r = r0; r < r0 + qh; r++) {
        for (let col = c0; col < c0 + qw; col++) {
          const src = ((b * h + r) * w + col) * c;
          for (let ch = 0; ch < c; ch++) acc[ch] += x[src + ch];
        }
      }
      const dst = (b * 4 + q) * c;
      for (let ch = 0; ch < c; ch++) out[dst + ch] = acc[ch] * inv;
    }
  }
  return out;
}
