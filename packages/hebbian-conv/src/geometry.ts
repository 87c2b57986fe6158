import { PlasticityError } from "@plasticity/core";
import type { HebbianConvConfig } from "./schema.js";

/**
 * The shapes of one layer (NHWC, one image): input h × w × cin, 'valid' conv with stride 1 to
 * oh × ow × cout, then avg pooling (window = stride = pool) to ph × pw × cout.
 */
export interface LayerGeometry {
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly kernel: number;
  readonly cout: number;
  readonly oh: number;
  readonly ow: number;
  readonly pool: number;
  readonly ph: number;
  readonly pw: number;
  /** K = kernel² · cin: the length of one patch and of one filter. */
  readonly fanIn: number;
}

/** Values per image of the input, the conv output and the pooled output. */
export function sizes(g: LayerGeometry): { input: number; conv: number; pooled: number } {
  return {
    input: g.h * g.w * g.cin,
    conv: g.oh * g.ow * g.cout,
    pooled: g.ph * g.pw * g.cout,
  };
}

/**
 * Every layer's geometry for an input image [h, w, c] (after `inputPadding`): 32×32×3 with
 * Miconi's layers gives 28×28×100 → 14×14 → 12×12×196 → 6×6 → 4×4×400 → 2×2.
 */
export function networkGeometry(
  inputShape: readonly [number, number, number],
  cfg: Pick<HebbianConvConfig, "layers" | "pool" | "inputPadding">,
): LayerGeometry[] {
  let [h, w, cin] = inputShape;
  h += 2 * cfg.inputPadding;
  w += 2 * cfg.inputPadding;
  return cfg.layers.map((l, i) => {
    const oh = h - l.kernel + 1;
    const ow = w - l.kernel + 1;
    const ph = Math.floor(oh / cfg.pool);
    const pw = Math.floor(ow / cfg.pool);
    if (oh < 1 || ow < 1 || ph < 1 || pw < 1) {
      throw new PlasticityError(
        `layers.${i}.kernel: a ${l.kernel}×${l.kernel} kernel on a ${h}×${w} input with pool ${cfg.pool} leaves no output`,
        `layers.${i}.kernel`,
      );
    }
    const g: LayerGeometry = {
      h,
      w,
      cin,
      kernel: l.kernel,
      cout: l.channels,
      oh,
      ow,
      pool: cfg.pool,
      ph,
      pw,
      fanIn: l.kernel * l.kernel * cin,
    };
    [h, w, cin] = [ph, pw, l.channels];
    return g;
  });
}

/**
 * Offset of patch entry k = (i·kernel + j)·cin + ch (the `extractPatches` order and the row-major
 * flattening of a filter [kernel, kernel, cin]) from the patch's top-left value in an NHWC image.
 */
export function patchOffsets(g: LayerGeometry): Int32Array {
  const off = new Int32Array(g.fanIn);
  for (let i = 0; i < g.kernel; i++) {
    for (let j = 0; j < g.kernel; j++) {
      for (let ch = 0; ch < g.cin; ch++) {
        off[(i * g.kernel + j) * g.cin + ch] = (i * g.w + j) * g.cin + ch;
      }
    }
  }
  return off;
}
