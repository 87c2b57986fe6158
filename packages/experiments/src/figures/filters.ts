import { PlasticityError } from "@plasticity/core";
import { PNG } from "pngjs";
import type { FilterSet } from "../models/model.js";

export interface FilterGridOptions {
  /** At most this many filters (the first ones). */
  readonly maxFilters?: number;
  /** Pixels per weight. */
  readonly scale?: number;
  /** Pixels between tiles. */
  readonly pad?: number;
  /** Tiles per row (default: ⌈√count⌉). */
  readonly cols?: number;
}

/**
 * Diverging blue–white–red colour of t ∈ [−1, 1] (the "bwr" map of Krotov & Hopfield's
 * receptive-field figures): −1 blue, 0 white, +1 red.
 */
export function bwr(t: number): [number, number, number] {
  const s = Math.max(-1, Math.min(1, t));
  if (s >= 0) {
    const g = Math.round(255 * (1 - s));
    return [255, g, g];
  }
  const g = Math.round(255 * (1 + s));
  return [g, g, 255];
}

/**
 * Filters as a grid of tiles, encoded as PNG (pngjs). Single-channel filters use the bwr map,
 * each tile scaled by its own max |w| so that 0 is white; 3-channel filters are shown as RGB, each
 * tile min–max scaled; other channel counts are averaged over channels and drawn with bwr.
 */
export function filterGridPng(set: FilterSet, opts: FilterGridOptions = {}): Buffer {
  const [h, w, c] = set.shape;
  if (set.data.length !== set.count * h * w * c) {
    throw new PlasticityError(
      `filters "${set.layer}": expected ${set.count} × ${h}×${w}×${c} = ${set.count * h * w * c} weights, got ${set.data.length}`,
      "filters",
    );
  }
  const count = Math.min(set.count, opts.maxFilters ?? set.count);
  if (count <= 0) throw new PlasticityError(`filters "${set.layer}": nothing to draw`, "filters");
  const scale = opts.scale ?? 3;
  const pad = opts.pad ?? 2;
  const cols = Math.min(count, opts.cols ?? Math.ceil(Math.sqrt(count)));
  const rows = Math.ceil(count / cols);
  const tileW = w * scale;
  const tileH = h * scale;
  const width = cols * tileW + (cols + 1) * pad;
  const height = rows * tileH + (rows + 1) * pad;
  const png = new PNG({ width, height, colorType: 6 });
  // background: mid grey, so white (zero) weights stand out from the gaps
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = 96;
    png.data[4 * i + 1] = 96;
    png.data[4 * i + 2] = 96;
    png.data[4 * i + 3] = 255;
  }
  const size = h * w * c;
  for (let f = 0; f < count; f++) {
    const off = f * size;
    const rgb = tileColours(set.data.subarray(off, off + size), h, w, c);
    const x0 = pad + (f % cols) * (tileW + pad);
    const y0 = pad + Math.floor(f / cols) * (tileH + pad);
    for (let py = 0; py < tileH; py++) {
      const sy = Math.floor(py / scale);
      for (let px = 0; px < tileW; px++) {
        const sx = Math.floor(px / scale);
        const src = 3 * (sy * w + sx);
        const dst = 4 * ((y0 + py) * width + x0 + px);
        png.data[dst] = rgb[src]!;
        png.data[dst + 1] = rgb[src + 1]!;
        png.data[dst + 2] = rgb[src + 2]!;
      }
    }
  }
  return PNG.sync.write(png);
}

function tileColours(f: Float32Array, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(h * w * 3);
  if (c === 3) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of f) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < h * w * 3; i++) out[i] = Math.round((255 * (f[i]! - lo)) / span);
    return out;
  }
  const mono = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let ch = 0; ch < c; ch++) s += f[p * c + ch]!;
    mono[p] = s / c;
  }
  let maxAbs = 0;
  for (const v of mono) maxAbs = Math.max(maxAbs, Math.abs(v));
  const inv = maxAbs > 0 ? 1 / maxAbs : 0;
  for (let p = 0; p < h * w; p++) {
    const [r, g, b] = bwr(mono[p]! * inv);
    out[3 * p] = r;
    out[3 * p + 1] = g;
    out[3 * p + 2] = b;
  }
  return out;
}
