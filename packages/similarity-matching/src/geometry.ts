/**
 * The structure constants of Obeid, Ramambason & Pehlevan (2019) (PAPERS.md §1.4) as per-site
 * index tables: which inputs each site sees (c^W, a disc receptive field), which neurons each
 * neuron inhibits (c^L, the neurons of the sites within a lateral radius), and, for deep
 * networks, which upper-layer synapses read each neuron (the feedback path W⁽ᵖ⁺¹⁾ᵀ). Nothing
 * here is ever an N × N matrix: weights live per site, [sites, NpS, K].
 *
 * Layouts used throughout the package:
 * - a layer's activity is [batch, S·n] in (site, neuron) order, i.e. the NHWC flattening of
 *   [outH, outW, n] (so the next layer reads it as an image with n channels);
 * - a site's patch is K = kh·kw·c values in `extractPatches` order ((row·kw + col)·c + channel),
 *   which is `LocallyConnected2d`'s weight layout [S, n, K].
 */
import { PlasticityError } from "@plasticity/core";
import { type DiscLayout, discMask } from "@plasticity/tfjs";
import type { LayerSpec } from "./schema.js";

/** [height, width, channels] of a layer's input grid. */
export type GridShape = readonly [number, number, number];

export interface LayerGeometry {
  readonly inShape: GridShape;
  /** Inputs: h·w·c. Index `nIn` of a padded input is the zero slot. */
  readonly nIn: number;
  readonly outHeight: number;
  readonly outWidth: number;
  /** Sites S = outHeight · outWidth. */
  readonly sites: number;
  /** Neurons per site (NpS). */
  readonly n: number;
  /** Units N = S · n. */
  readonly units: number;
  /** Patch size K = kh · kw · c. */
  readonly K: number;
  /** Window geometry for `LocallyConnected2d` (kernel, stride, zero padding). */
  readonly layout: DiscLayout;
  /** c^W per site [S × K] (1 = synapse), or null when every entry is 1. */
  readonly wMask: Float32Array | null;
  /** Input index of patch entry k of site s, at [k·S + s]; `nIn` for zero padding. */
  readonly ffIndex: Int32Array;
  /** Sites in each site's lateral neighbourhood (itself first), Q. */
  readonly Q: number;
  /** c^L [S, n, Q·n] (1 = synapse), or null when every entry is 1. */
  readonly mMask: Float32Array | null;
  /** Unit index of lateral partner (q·n + j) of site s, at [(q·n + j)·S + s]; `units` for none. */
  readonly latIndex: Int32Array;
  /** The code's mult_factor: drive W r/m, feedback into the layer below γ·m·Wᵀ r. */
  readonly mult: number;
}

/** Geometry of one layer on an input grid. */
export function layerGeometry(inShape: GridShape, spec: LayerSpec): LayerGeometry {
  const [h, w, c] = inShape;
  const n = spec.nps;
  if (spec.kind === "dense") return { ...denseGeometry(inShape, n), mult: spec.mult };
  const { layout, mask } = discMask({
    height: h,
    width: w,
    channels: c,
    stride: spec.stride,
    radius: spec.radius,
  });
  const sites = layout.outHeight * layout.outWidth;
  const [kh, kw] = layout.kernelSize;
  const K = kh * kw * c;
  for (let site = 0; site < sites; site++) {
    if (mask.subarray(site * K, (site + 1) * K).every((v) => v === 0)) {
      throw new PlasticityError(
        `radius: ${spec.radius} leaves site ${site} without inputs (no pixel centre within the radius)`,
        "radius",
      );
    }
  }
  const nIn = h * w * c;
  const [[pt], [pl]] = layout.padding;
  const s = spec.stride;
  const ffIndex = new Int32Array(K * sites);
  for (let i = 0; i < layout.outHeight; i++) {
    for (let j = 0; j < layout.outWidth; j++) {
      const site = i * layout.outWidth + j;
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const row = i * s - pt + a;
          const col = j * s - pl + b;
          const inside = row >= 0 && row < h && col >= 0 && col < w;
          for (let ch = 0; ch < c; ch++) {
            const k = (a * kw + b) * c + ch;
            ffIndex[k * sites + site] = inside ? (row * w + col) * c + ch : nIn;
          }
        }
      }
    }
  }
  const centres = siteCentres(layout.outHeight, layout.outWidth, s);
  const lateral = lateralTables(centres, n, spec.lateralRadius);
  return {
    inShape,
    nIn,
    outHeight: layout.outHeight,
    outWidth: layout.outWidth,
    sites,
    n,
    units: sites * n,
    K,
    layout,
    wMask: mask.every((v) => v === 1) ? null : mask,
    ffIndex,
    ...lateral,
    mult: spec.mult,
  };
}

/** Földiák's single layer: one site that sees every input; all n neurons inhibit each other. */
function denseGeometry(inShape: GridShape, n: number): Omit<LayerGeometry, "mult"> {
  const [h, w, c] = inShape;
  const nIn = h * w * c;
  const ffIndex = new Int32Array(nIn);
  for (let k = 0; k < nIn; k++) ffIndex[k] = k;
  const latIndex = new Int32Array(n);
  for (let j = 0; j < n; j++) latIndex[j] = j;
  return {
    inShape,
    nIn,
    outHeight: 1,
    outWidth: 1,
    sites: 1,
    n,
    units: n,
    K: nIn,
    layout: {
      kernelSize: [h, w],
      stride: [1, 1],
      padding: [
        [0, 0],
        [0, 0],
      ],
      outHeight: 1,
      outWidth: 1,
    },
    wMask: null,
    ffIndex,
    Q: 1,
    mMask: null,
    latIndex,
  };
}

/** Site (i, j)'s centre (i·s + s/2, j·s + s/2) in input pixels (PAPERS.md §1.4). */
function siteCentres(oh: number, ow: number, stride: number): Float64Array {
  const out = new Float64Array(oh * ow * 2);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      out[(i * ow + j) * 2] = i * stride + stride / 2;
      out[(i * ow + j) * 2 + 1] = j * stride + stride / 2;
    }
  }
  return out;
}

/**
 * c^L: site s's neurons are coupled to every neuron of each site whose centre is within
 * `radius` of s's centre (itself included, so radius 0 couples the NpS neurons of one site).
 */
function lateralTables(
  centres: Float64Array,
  n: number,
  radius: number,
): Pick<LayerGeometry, "Q" | "mMask" | "latIndex"> {
  const sites = centres.length / 2;
  const neighbours: number[][] = [];
  for (let s = 0; s < sites; s++) {
    const list = [s];
    for (let t = 0; t < sites; t++) {
      if (t === s) continue;
      const dy = centres[2 * s]! - centres[2 * t]!;
      const dx = centres[2 * s + 1]! - centres[2 * t + 1]!;
      if (dy * dy + dx * dx <= radius * radius) list.push(t);
    }
    neighbours.push(list);
  }
  const Q = Math.max(...neighbours.map((l) => l.length));
  const units = sites * n;
  const latIndex = new Int32Array(Q * n * sites);
  const mMask = new Float32Array(sites * n * Q * n);
  let full = true;
  for (let s = 0; s < sites; s++) {
    const list = neighbours[s]!;
    for (let q = 0; q < Q; q++) {
      const t = list[q];
      for (let j = 0; j < n; j++) {
        latIndex[(q * n + j) * sites + s] = t === undefined ? units : t * n + j;
        if (t === undefined) full = false;
        else for (let i = 0; i < n; i++) mMask[(s * n + i) * Q * n + q * n + j] = 1;
      }
    }
  }
  return { Q, mMask: full ? null : mMask, latIndex };
}

/** Input grid of every layer and the geometry of each, bottom to top. */
export function networkGeometry(input: GridShape, specs: readonly LayerSpec[]): LayerGeometry[] {
  if (specs.length === 0)
    throw new PlasticityError("layers: expected at least one layer", "layers");
  const out: LayerGeometry[] = [];
  let shape = input;
  specs.forEach((spec, p) => {
    try {
      out.push(layerGeometry(shape, spec));
    } catch (e) {
      if (e instanceof PlasticityError) {
        throw new PlasticityError(`layers[${p}]: ${e.message}`, `layers.${p}.${e.field ?? ""}`);
      }
      throw e;
    }
    const g = out[p]!;
    shape = [g.outHeight, g.outWidth, g.n];
  });
  return out;
}
