import { PlasticityError } from "@plasticity/core";
import type { Padding2d } from "./patches.js";

/** A window layout whose windows hold every pixel within `radius` of each site's centre. */
export interface DiscLayout {
  /** [k, k]: the window side. */
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Zero padding [[top, bottom], [left, right]] so border sites keep a full window. */
  readonly padding: Padding2d;
  /** Sites per side: ⌈size / stride⌉. */
  readonly outHeight: number;
  readonly outWidth: number;
}

function checkPositive(name: string, v: unknown, integer: boolean): number {
  if (
    typeof v !== "number" ||
    !(v > 0) ||
    !Number.isFinite(v) ||
    (integer && !Number.isInteger(v))
  ) {
    throw new PlasticityError(
      `${name}: expected a positive ${integer ? "integer" : "number"}, got ${String(v)}`,
      name,
    );
  }
  return v;
}

/** One axis of `discLayout`: window [start(0), end(0)] relative to site 0, and the padding. */
function axis(size: number, stride: number, radius: number) {
  const centre = stride / 2; // site i's centre: i·s + s/2 (Obeid's code, PAPERS.md §1.4)
  const first = Math.ceil(centre - radius - 0.5); // pixel k's centre is k + 0.5
  const last = Math.floor(centre + radius - 0.5);
  const out = Math.ceil(size / stride);
  const k = last - first + 1;
  const padBefore = Math.max(0, -first);
  const padAfter = Math.max(0, last + (out - 1) * stride - (size - 1));
  return { k, out, padBefore, padAfter, first };
}

/**
 * The window geometry of Obeid et al.'s (2019) structured layer (PAPERS.md §1.4): an input of
 * height × width, sites on a grid with the given stride (site (i, j) centred at
 * (i·s + s/2, j·s + s/2), ⌈size/s⌉ sites per side), each seeing the pixels whose centres
 * (k + ½, l + ½) lie within `radius`. Gives the kernel size and zero padding for
 * `LocallyConnected2d`; pair it with `discMask`.
 */
export function discLayout(opts: {
  height: number;
  width: number;
  stride: number;
  radius: number;
}): DiscLayout {
  const h = checkPositive("height", opts.height, true);
  const w = checkPositive("width", opts.width, true);
  const s = checkPositive("stride", opts.stride, true);
  const r = checkPositive("radius", opts.radius, false);
  const a = axis(h, s, r);
  const b = axis(w, s, r);
  if (a.first > 0 || b.first > 0) {
    throw new PlasticityError(
      `radius: ${r} is too small for stride ${s} (some pixels would belong to no site)`,
      "radius",
    );
  }
  return {
    kernelSize: [a.k, b.k],
    stride: [s, s],
    padding: [
      [a.padBefore, a.padAfter],
      [b.padBefore, b.padAfter],
    ],
    outHeight: a.out,
    outWidth: b.out,
  };
}

/**
 * The binary disc receptive-field mask [positions × K] for `discLayout(opts)` with `channels`
 * input channels (K = k·k·channels in `extractPatches` order): 1 where the window pixel's centre
 * is within `radius` of the site centre AND inside the image (padding pixels are never
 * connected, so border sites have fewer inputs, as in Obeid's code), else 0.
 */
export function discMask(opts: {
  height: number;
  width: number;
  channels: number;
  stride: number;
  radius: number;
}): {
  layout: DiscLayout;
  mask: Float32Array;
} {
  const layout = discLayout(opts);
  const c = checkPositive("channels", opts.channels, true);
  const [kh, kw] = layout.kernelSize;
  const [[pt], [pl]] = layout.padding;
  const s = opts.stride;
  const k = kh * kw * c;
  const mask = new Float32Array(layout.outHeight * layout.outWidth * k);
  const r2 = opts.radius * opts.radius;
  for (let i = 0; i < layout.outHeight; i++) {
    for (let j = 0; j < layout.outWidth; j++) {
      const cy = i * s + s / 2;
      const cx = j * s + s / 2;
      const base = (i * layout.outWidth + j) * k;
      for (let a = 0; a < kh; a++) {
        const row = i * s - pt + a; // input pixel row of window row a
        if (row < 0 || row >= opts.height) continue;
        for (let b = 0; b < kw; b++) {
          const col = j * s - pl + b;
          if (col < 0 || col >= opts.width) continue;
          const dy = row + 0.5 - cy;
          const dx = col + 0.5 - cx;
          if (dy * dy + dx * dx > r2) continue;
          mask.fill(1, base + (a * kw + b) * c, base + (a * kw + b + 1) * c);
        }
      }
    }
  }
  return { layout, mask };
}
