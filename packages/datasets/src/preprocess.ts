import { PlasticityError } from "@plasticity/core";
import type { ImageSet, Shape4 } from "./types.js";
import { checkImageSet, checkInt, type RandomOptions, resolveRng } from "./util.js";

/** Mean and standard deviation of all pixel values, overall and per channel (population std). */
export interface PixelStats {
  mean: number;
  std: number;
  channelMean: number[];
  channelStd: number[];
  min: number;
  max: number;
}

/** Pixel statistics over every value of the set (accumulated in float64). */
export function pixelStats(set: ImageSet): PixelStats {
  const [n, h, w, c] = checkImageSet(set, "set");
  const x = set.x;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (c === 1) {
    let s = 0;
    let q = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      s += v;
      q += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    sum[0] = s;
    sq[0] = q;
  } else {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const ch = i % c;
      sum[ch] += v;
      sq[ch] += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const perChannel = n * h * w;
  const channelMean = Array.from(sum, (s) => s / perChannel);
  const channelStd = Array.from(sq, (q, ch) =>
    Math.sqrt(Math.max(0, q / perChannel - channelMean[ch] ** 2)),
  );
  const total = x.length;
  const mean = sum.reduce((a, b) => a + b, 0) / total;
  const std = Math.sqrt(Math.max(0, sq.reduce((a, b) => a + b, 0) / total - mean * mean));
  return { mean, std, channelMean, channelStd, min, max };
}

/** Divides every value by `max` (default 255): raw 0..255 pixels → [0, 1]. Returns a new set. */
export function scaleTo01<T extends ImageSet>(set: T, max = 255): T {
  checkImageSet(set, "set");
  if (!(max > 0)) throw new PlasticityError(`max: expected a positive number, got ${max}`, "max");
  const x = new Float32Array(set.x.length);
  for (let i = 0; i < x.length; i++) x[i] = set.x[i] / max;
  return { ...set, x };
}

export interface PerImageOptions {
  /** Also divide by each image's standard deviation (default true); false only subtracts its mean. */
  divideByStd?: boolean;
  /** Floor on the standard deviation, so a blank image stays finite. Default 1e-8. */
  eps?: number;
}

/**
 * Per-image standardisation: x ← (x − mean(x)) / max(std(x), eps), mean and std over all of an
 * image's pixels and channels (Miconi 2021's per-sample normalisation; with `divideByStd: false`,
 * Obeid et al. 2019's mean subtraction). Returns a new set.
 */
export function standardizePerImage<T extends ImageSet>(set: T, opts: PerImageOptions = {}): T {
  const [n, h, w, c] = checkImageSet(set, "set");
  const divide = opts.divideByStd ?? true;
  const eps = opts.eps ?? 1e-8;
  const d = h * w * c;
  const src = set.x;
  const x = new Float32Array(src.length);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += src[o + j];
    const mean = s / d;
    let q = 0;
    for (let j = 0; j < d; j++) q += (src[o + j] - mean) ** 2;
    const scale = divide ? 1 / Math.max(Math.sqrt(q / d), eps) : 1;
    for (let j = 0; j < d; j++) x[o + j] = (src[o + j] - mean) * scale;
  }
  return { ...set, x };
}

/** Per-channel (or overall) mean and std used by `standardizeDataset`. */
export interface NormalizationStats {
  mean: number[];
  std: number[];
}

export interface DatasetStandardizeOptions {
  /** Statistics to apply (e.g. the training set's, applied to the test set); computed when absent. */
  stats?: NormalizationStats;
  /** One mean/std per channel (default, like torchvision's Normalize) or one for all values. */
  perChannel?: boolean;
  /** Floor on the standard deviation. Default 1e-8. */
  eps?: number;
}

/**
 * Dataset standardisation: x ← (x − μ_c) / σ_c with μ, σ per channel over the whole set (or the
 * given `stats`). Returns the new set and the statistics, to apply the same ones to other splits.
 */
export function standardizeDataset<T extends ImageSet>(
  set: T,
  opts: DatasetStandardizeOptions = {},
): { data: T; stats: NormalizationStats } {
  const [, , , c] = checkImageSet(set, "set");
  const perChannel = opts.perChannel ?? true;
  const eps = opts.eps ?? 1e-8;
  let stats = opts.stats;
  if (!stats) {
    const p = pixelStats(set);
    stats = perChannel
      ? { mean: p.channelMean, std: p.channelStd }
      : { mean: [p.mean], std: [p.std] };
  }
  const k = stats.mean.length;
  if (k !== stats.std.length || (k !== 1 && k !== c)) {
    throw new PlasticityError(
      `stats: expected mean and std of length 1 or ${c} (channels), got ${stats.mean.length} and ${stats.std.length}`,
      "stats",
    );
  }
  const mean = Float64Array.from({ length: c }, (_, ch) => stats.mean[k === 1 ? 0 : ch]);
  const inv = Float64Array.from(
    { length: c },
    (_, ch) => 1 / Math.max(stats.std[k === 1 ? 0 : ch], eps),
  );
  const src = set.x;
  const x = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const ch = i % c;
    x[i] = (src[i] - mean[ch]) * inv[ch];
  }
  return { data: { ...set, x }, stats };
}

/** ITU-R BT.601 luma weights, as torchvision's rgb_to_grayscale. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** RGB → one luminance channel, L = 0.299 R + 0.587 G + 0.114 B. A 1-channel set is copied. */
export function toGrayscale<T extends ImageSet>(set: T): T {
  const [n, h, w, c] = checkImageSet(set, "set");
  if (c === 1) return { ...set, x: set.x.slice() };
  if (c !== 3) {
    throw new PlasticityError(`set.shape: expected 1 or 3 channels, got ${c}`, "set.shape");
  }
  const m = n * h * w;
  const x = new Float32Array(m);
  const src = set.x;
  const [wr, wg, wb] = LUMA_WEIGHTS;
  for (let i = 0; i < m; i++) x[i] = wr * src[3 * i] + wg * src[3 * i + 1] + wb * src[3 * i + 2];
  const shape: Shape4 = [n, h, w, 1];
  return { ...set, x, shape };
}

export interface CropOptions extends RandomOptions {
  /** Output size: a number for square crops or [height, width]. */
  size: number | [number, number];
  /** Zero padding added on every side before cropping (torchvision's RandomCrop padding). Default 0. */
  padding?: number;
}

/**
 * Random crop of each image independently (data augmentation): pad with zeros by `padding`, then
 * take a `size` window at a uniformly random position. Returns a new set with the crop shape.
 */
export function randomCrop<T extends ImageSet>(set: T, opts: CropOptions): T {
  const [n, h, w, c] = checkImageSet(set, "set");
  const [ch, cw] = pair("size", opts.size);
  const pad = checkInt("padding", opts.padding ?? 0, 0);
  if (ch > h + 2 * pad || cw > w + 2 * pad) {
    throw new PlasticityError(
      `size: crop ${ch}×${cw} is larger than the padded image ${h + 2 * pad}×${w + 2 * pad}`,
      "size",
    );
  }
  const rng = resolveRng(opts, "randomCrop");
  const src = set.x;
  const x = new Float32Array(n * ch * cw * c);
  for (let i = 0; i < n; i++) {
    const top = rng.int(h + 2 * pad - ch + 1) - pad;
    const left = rng.int(w + 2 * pad - cw + 1) - pad;
    for (let r = 0; r < ch; r++) {
      const sr = top + r;
      if (sr < 0 || sr >= h) continue; // padding rows stay 0
      for (let q = 0; q < cw; q++) {
        const sc = left + q;
        if (sc < 0 || sc >= w) continue;
        const so = ((i * h + sr) * w + sc) * c;
        const oo = ((i * ch + r) * cw + q) * c;
        for (let k = 0; k < c; k++) x[oo + k] = src[so + k];
      }
    }
  }
  const shape: Shape4 = [n, ch, cw, c];
  return { ...set, x, shape };
}

export interface FlipOptions extends RandomOptions {
  /** Probability that an image is flipped. Default 0.5. */
  p?: number;
  /** Mirror left–right (default) or top–bottom. */
  direction?: "horizontal" | "vertical";
}

/** Flips each image independently with probability `p` (data augmentation). Returns a new set. */
export function randomFlip<T extends ImageSet>(set: T, opts: FlipOptions): T {
  const [n, h, w, c] = checkImageSet(set, "set");
  const p = opts.p ?? 0.5;
  if (!(p >= 0 && p <= 1))
    throw new PlasticityError(`p: expected a probability in [0, 1], got ${p}`, "p");
  const vertical = (opts.direction ?? "horizontal") === "vertical";
  const rng = resolveRng(opts, "randomFlip");
  const src = set.x;
  const x = src.slice();
  const d = h * w * c;
  for (let i = 0; i < n; i++) {
    if (!(rng.uniform() < p)) continue;
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        const sr = vertical ? h - 1 - r : r;
        const sc = vertical ? q : w - 1 - q;
        const so = i * d + (sr * w + sc) * c;
        const oo = i * d + (r * w + q) * c;
        for (let k = 0; k < c; k++) x[oo + k] = src[so + k];
      }
    }
  }
  return { ...set, x };
}

export interface PatchOptions extends RandomOptions {
  /** Patch size: a number for square patches or [height, width]. */
  size: number | [number, number];
  /** Step between grid positions (default 1). Ignored when `count` is given. */
  stride?: number;
  /** Draw this many patches at uniformly random (image, row, col) positions instead of the full grid. */
  count?: number;
}

/** Patches as a set of small images, with where each came from. */
export interface PatchSet extends ImageSet {
  /** Source image of each patch. */
  image: Int32Array;
  /** Top-left corner of each patch in its image. */
  row: Int32Array;
  col: Int32Array;
  /** Label of the source image, when the input had labels. */
  y?: Int32Array;
}

/** Most values one patch set may hold (2³¹); beyond that, use `count` to sample patches. */
const MAX_VALUES = 2 ** 31;

/**
 * Extracts k×k (or kh×kw) patches with all channels: every position on a grid with `stride`, in
 * (image, row, col) order, or `count` random positions (seeded; e.g. Coates et al. 2011's random
 * patches for ZCA and k-means). Patches come back as [m, kh, kw, c] images, flattenable to rows.
 */
export function extractPatches(set: ImageSet & { y?: Int32Array }, opts: PatchOptions): PatchSet {
  const [n, h, w, c] = checkImageSet(set, "set");
  const [kh, kw] = pair("size", opts.size);
  if (kh > h || kw > w) {
    throw new PlasticityError(`size: patch ${kh}×${kw} is larger than the image ${h}×${w}`, "size");
  }
  let m: number;
  let pos: (p: number) => [number, number, number];
  if (opts.count !== undefined) {
    m = checkInt("count", opts.count, 1);
    const rng = resolveRng(opts, "extractPatches");
    const positions = new Int32Array(3 * m);
    for (let p = 0; p < m; p++) {
      positions[3 * p] = rng.int(n);
      positions[3 * p + 1] = rng.int(h - kh + 1);
      positions[3 * p + 2] = rng.int(w - kw + 1);
    }
    pos = (p) => [positions[3 * p], positions[3 * p + 1], positions[3 * p + 2]];
  } else {
    const stride = checkInt("stride", opts.stride ?? 1, 1);
    const gh = Math.floor((h - kh) / stride) + 1;
    const gw = Math.floor((w - kw) / stride) + 1;
    m = n * gh * gw;
    pos = (p) => {
      const img = Math.floor(p / (gh * gw));
      const rest = p - img * gh * gw;
      return [img, Math.floor(rest / gw) * stride, (rest % gw) * stride];
    };
  }
  const d = kh * kw * c;
  if (m * d > MAX_VALUES) {
    throw new PlasticityError(
      `extractPatches: ${m} patches of ${d} values is more than ${MAX_VALUES} values; pass count to sample fewer`,
      "count",
    );
  }
  const x = new Float32Array(m * d);
  const image = new Int32Array(m);
  const row = new Int32Array(m);
  const col = new Int32Array(m);
  const src = set.x;
  const rowLen = kw * c;
  for (let p = 0; p < m; p++) {
    const [img, r0, c0] = pos(p);
    image[p] = img;
    row[p] = r0;
    col[p] = c0;
    for (let r = 0; r < kh; r++) {
      const so = ((img * h + r0 + r) * w + c0) * c;
      x.set(src.subarray(so, so + rowLen), p * d + r * rowLen);
    }
  }
  const out: PatchSet = { x, shape: [m, kh, kw, c], image, row, col };
  if (set.y instanceof Int32Array) {
    const y = new Int32Array(m);
    for (let p = 0; p < m; p++) y[p] = set.y[image[p]];
    out.y = y;
  }
  return out;
}

function pair(name: string, v: number | [number, number]): [number, number] {
  if (typeof v === "number") {
    checkInt(name, v, 1);
    return [v, v];
  }
  if (!Array.isArray(v) || v.length !== 2) {
    throw new PlasticityError(`${name}: expected a positive integer or [height, width]`, name);
  }
  return [checkInt(`${name}[0]`, v[0], 1), checkInt(`${name}[1]`, v[1], 1)];
}
